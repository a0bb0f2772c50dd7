/**
 * Gateway JWTs: fetched from `POST /auth` (user) or `POST /auth/oauth` (OAuth client), cached,
 * and refreshed a margin before they expire — the token's `exp` when it has one, else 4 hours
 * after issue (Qualys's documented lifetime). Concurrent callers share one fetch.
 */
import { AuthenticationError } from "../errors/authentication-error.js";
import type { CallContext, Handler } from "../types.js";
import { OAuthCredentials, PasswordCredentials, TokenCredentials, type Credentials } from "./credentials.js";

const FOUR_HOURS_MS = 4 * 60 * 60 * 1000;

export interface JwtSourceOptions {
  readonly credentials: Credentials;
  readonly gatewayUrl: string;
  /** Sends the /auth call (the rest of the pipeline below auth). */
  readonly send: Handler;
  /** Refresh this long before expiry. Default 5 minutes. */
  readonly refreshMarginMs?: number;
  readonly now?: () => number;
}

const authContext: CallContext = {
  module: "auth",
  family: "gateway",
  operationId: "createToken",
  idempotent: false,
  skipAuth: true,
  exemptFromRateLimit: true,
};

/** The `exp` claim (seconds) of a JWT, if it has one; the signature is not ours to check. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

export class JwtSource {
  readonly #options: JwtSourceOptions;
  #token: string | undefined;
  #refreshAt = 0;
  #pending: Promise<string> | undefined;
  /** How many tokens were fetched: tests and hooks read it. */
  fetches = 0;

  constructor(options: JwtSourceOptions) {
    this.#options = options;
    if (options.credentials instanceof TokenCredentials) {
      this.#token = options.credentials.revealToken();
      this.#refreshAt = Number.POSITIVE_INFINITY;
    }
  }

  /** The cached token if it is still good, without waiting (the per-call fast path). */
  currentToken(): string | undefined {
    return this.#token && (this.#options.now ?? Date.now)() < this.#refreshAt ? this.#token : undefined;
  }

  /** A token valid for a while yet; fetched once for any number of concurrent callers. */
  getToken(): Promise<string> {
    const current = this.currentToken();
    if (current) return Promise.resolve(current);
    this.#pending ??= this.#fetch().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** Forget `token` after a 401, unless a newer one replaced it meanwhile. */
  invalidate(token: string): void {
    if (this.#options.credentials instanceof TokenCredentials) return;
    if (this.#token === token) {
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
    const now = this.#options.now ?? Date.now;
    let request: Request;
    if (credentials instanceof PasswordCredentials) {
      const body = new URLSearchParams({
        username: credentials.username,
        password: credentials.revealPassword(),
        token: "true",
        permissions: "true",
      });
      request = new Request(`${gatewayUrl}/auth`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
    } else if (credentials instanceof OAuthCredentials) {
      request = new Request(`${gatewayUrl}/auth/oauth`, {
        method: "POST",
        headers: { clientId: credentials.clientId, clientSecret: credentials.revealSecret() },
      });
    } else {
      throw new AuthenticationError("The static token was refused and cannot be renewed.");
    }
    const issuedAt = now();
    const response = await send(request, { ...authContext, operationId: credentials instanceof OAuthCredentials ? "createOAuthToken" : "createToken" });
    const text = (await response.text()).trim();
    if (response.status !== 201 && response.status !== 200) {
      throw new AuthenticationError(
        `Qualys refused the ${credentials.kind === "oauth" ? "OAuth client" : "username or password"}: HTTP ${response.status}${text ? ` — ${scrub(text, credentials)}` : ""}`,
        { status: response.status, text: scrub(text, credentials) },
      );
    }
    const token = text.replace(/^"|"$/g, "");
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
      throw new AuthenticationError(`The gateway answered HTTP ${response.status} but the body is not a JWT.`, { status: response.status });
    }
    const exp = jwtExpiry(token);
    const expiresAt = exp !== undefined ? exp * 1000 : issuedAt + FOUR_HOURS_MS;
    const margin = this.#options.refreshMarginMs ?? 5 * 60 * 1000;
    this.#token = token;
    this.#refreshAt = Math.max(issuedAt, expiresAt - margin);
    this.fetches += 1;
    return token;
  }
}

/** Qualys error pages sometimes echo parameters: never let a secret through. */
function scrub(text: string, credentials: Credentials): string {
  let out = text.replace(/\s+/g, " ").slice(0, 300);
  const secrets =
    credentials instanceof PasswordCredentials
      ? [credentials.revealPassword()]
      : credentials instanceof OAuthCredentials
        ? [credentials.revealSecret()]
        : [];
  for (const s of secrets) if (s) out = out.split(s).join("[redacted]");
  return out;
}
