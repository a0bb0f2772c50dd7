/**
 * Gateway JWTs, one provider for every mode: fetched from `POST /auth` (username and password),
 * or with an OAuth client's clientId / clientSecret headers from `POST /auth/oauth`
 * (subscription-level client) or `POST /auth/oidc` (user-level client); cached, and refreshed a
 * margin before they expire (Qualys: 4 hours). Concurrent callers share one fetch.
 *
 * The lifetime is measured on our clock from when we asked: `exp - iat` when the token has both
 * (immune to clock skew between us and Qualys), else `exp` against our clock, else Qualys's
 * documented 4 hours. The margin never exceeds half the lifetime, so a short-lived token is still
 * used rather than fetched again on every call.
 */
import { AuthenticationError } from "../errors/authentication-error.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { HttpError } from "../errors/http-error.js";
import { InvalidResponseError } from "../errors/invalid-response-error.js";
import type { CallContext, Handler } from "../types.js";
import { untilAborted } from "./abortable.js";
import { OAuthCredentials, PasswordCredentials, scrubSecrets, TokenCredentials, type Credentials } from "./credentials.js";

export const FOUR_HOURS_MS = 4 * 60 * 60 * 1000;
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface JwtSourceOptions {
  readonly credentials: Credentials;
  /** Gateway base URL, no trailing slash. */
  readonly gatewayUrl: string;
  /** Sends the /auth call (the rest of the pipeline below auth). */
  readonly send: Handler;
  /** Refresh this long before expiry. Default 5 minutes (at most half the token's lifetime). */
  readonly refreshMarginMs?: number;
  /** Clock in ms since the epoch; tests inject one. */
  readonly now?: () => number;
}

const authContext = (operationId: string): CallContext => ({
  module: "auth",
  family: "gateway",
  operationId,
  idempotent: false,
  skipAuth: true,
  exemptFromRateLimit: true,
});

interface Claims {
  readonly exp?: number;
  readonly iat?: number;
}

/** The `exp` / `iat` claims (seconds) of a JWT when it has them; the signature is not ours to check. */
export function jwtClaims(token: string): Claims {
  const payload = token.split(".")[1];
  if (!payload) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
    return { exp: num(claims.exp), iat: num(claims.iat) };
  } catch {
    return {};
  }
}

/** The `exp` claim (seconds) of a JWT, if it has one. */
export function jwtExpiry(token: string): number | undefined {
  return jwtClaims(token).exp;
}

/** How long a token fetched at `askedAt` (our clock) stays good, in ms. */
export function tokenLifetimeMs(token: string, askedAt: number): number {
  const { exp, iat } = jwtClaims(token);
  if (exp !== undefined && iat !== undefined && exp > iat) return (exp - iat) * 1000;
  if (exp !== undefined && exp * 1000 > askedAt) return exp * 1000 - askedAt;
  // No usable exp (or our clock is past it): assume the documented lifetime; a 401 still renews.
  return FOUR_HOURS_MS;
}

/**
 * The gateway token of one set of credentials (the "JWT manager"): `getToken()` for a valid
 * token, `invalidate()` after the gateway refused one.
 */
export class JwtSource {
  readonly #options: JwtSourceOptions;
  readonly #now: () => number;
  #token: string | undefined;
  #refreshAt = 0;
  #pending: Promise<string> | undefined;
  /** How many tokens were fetched: tests and hooks read it. */
  fetches = 0;
  /** Recent tokens, kept to scrub them from errors (an echo of an expired token is still a leak). */
  readonly issued: string[] = [];

  constructor(options: JwtSourceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    if (options.credentials instanceof TokenCredentials) {
      this.#token = options.credentials.revealToken();
      this.#refreshAt = Number.POSITIVE_INFINITY;
    }
  }

  /** The cached token if it is still good, without waiting (the per-call fast path). */
  currentToken(): string | undefined {
    return this.#token !== undefined && this.#now() < this.#refreshAt ? this.#token : undefined;
  }

  /**
   * A token valid for a while yet; one fetch serves any number of concurrent callers. `signal`
   * lets this caller stop waiting; the fetch itself goes on for the others.
   */
  getToken(signal?: AbortSignal): Promise<string> {
    const current = this.currentToken();
    if (current) return Promise.resolve(current);
    this.#pending ??= this.#fetch().finally(() => (this.#pending = undefined));
    return untilAborted(this.#pending, signal);
  }

  /**
   * Forget a token the gateway refused. With `token`, only if it is still the cached one: a
   * caller whose 401 arrives late must not throw away the fresh token another caller fetched.
   */
  invalidate(token?: string): void {
    if (!this.renewable) return;
    if (token === undefined || this.#token === token) {
      this.#token = undefined;
      this.#refreshAt = 0;
    }
  }

  /** A static token cannot be renewed: a 401 on it is final. */
  get renewable(): boolean {
    return !(this.#options.credentials instanceof TokenCredentials);
  }

  async #fetch(): Promise<string> {
    const { credentials, gatewayUrl, send } = this.#options;
    const oauth = credentials instanceof OAuthCredentials;
    if (!gatewayUrl && !(credentials instanceof TokenCredentials)) {
      throw new ConfigurationError("No gateway URL to fetch a JWT from: set a platform or gatewayUrl.");
    }
    let request: Request;
    if (credentials instanceof PasswordCredentials) {
      request = new Request(`${gatewayUrl}/auth`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: credentials.username, password: credentials.revealPassword(), token: "true", permissions: "true" }),
      });
    } else if (oauth) {
      request = new Request(`${gatewayUrl}${credentials.tokenEndpoint}`, {
        method: "POST",
        headers: { clientId: credentials.clientId, clientSecret: credentials.revealSecret() },
      });
    } else {
      throw new AuthenticationError("The static token was refused and cannot be renewed.");
    }
    const operationId = oauth ? (credentials.level === "user" ? "createOidcToken" : "createOAuthToken") : "createToken";
    const askedAt = this.#now();
    const response = await send(request, authContext(operationId));
    const text = (await response.text()).trim();
    if (response.status === 401 || response.status === 403) {
      const said = oneLine(scrubSecrets(text, credentials));
      throw new AuthenticationError(
        `Qualys refused the ${oauth ? `OAuth client credentials (${credentials.level}-level client)` : "username or password"} (POST ${oauth ? credentials.tokenEndpoint : "/auth"}): HTTP ${response.status}${said ? ` — ${said}` : ""}`,
        { status: response.status, text: said },
      );
    }
    if (!response.ok) {
      throw new HttpError({
        status: response.status,
        statusText: response.statusText,
        method: "POST",
        url: request.url,
        operationId,
        bodyText: scrubSecrets(text, credentials),
      });
    }
    const token = text.replace(/^["']|["']$/g, "").trim();
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
      // The body is not quoted in the message: if it is some other kind of secret, it stays out.
      throw new InvalidResponseError(
        `${operationId}: the gateway answered HTTP ${response.status} (${response.headers.get("content-type") ?? "no content type"}) but the body is not a JWT.`,
        operationId,
        undefined,
      );
    }
    const lifetime = tokenLifetimeMs(token, askedAt);
    const margin = Math.min(this.#options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS, lifetime / 2);
    this.#token = token;
    this.#refreshAt = askedAt + lifetime - margin;
    this.fetches += 1;
    remember(this.issued, token);
    return token;
  }
}

/** Keeps the last few secrets a client was handed: enough for any error in flight. */
export function remember(list: string[], secret: string): void {
  if (list.includes(secret)) return;
  list.push(secret);
  if (list.length > 8) list.shift();
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 300);
}
