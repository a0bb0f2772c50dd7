/**
 * The auth layer of a client: one state (a cached JWT, a VM session) shared by every module.
 *
 *   const auth = createAuth({ credentials: { username, password }, gatewayUrl, apiUrl, vmAuth: "session" });
 *   const handler = compose([auth.layer, ...rateLimit.layers], transport);
 *   …
 *   await auth.checkToken(); // optional: a credentials check → { expiresAt }
 *   await auth.close(); // logs the VM session out; safe to call twice
 *
 * The layer dispatches on `ctx.family`:
 * - "gateway": `Authorization: Bearer <JWT>` from `POST /auth` (username/password),
 *   `POST /auth/oauth` (subscription-level OAuth client) or `POST /auth/oidc` (user-level client),
 *   or a static token. Cached, refreshed before it
 *   expires, one fetch for any number of concurrent calls; a 401 gets one re-auth and one replay.
 * - "vm": `X-Requested-With` always, plus Basic, the session cookie or the JWT (see VmAuthMode).
 *   A stale session (401, or 200 with CODE 2000) gets one re-login and one replay. An HTTP 200
 *   SIMPLE_RETURN with an account code (2001 expired…) becomes an AuthenticationError.
 * Calls with `ctx.skipAuth` pass through without credentials. Auth's own calls (token fetch,
 * session login/logout) go down the rest of the pipeline with `skipAuth` and
 * `exemptFromRateLimit` set. Every request URL must be https (plain http only to loopback).
 */
import { inspect } from "node:util";
import { ConfigurationError } from "../errors/configuration-error.js";
import { assertSecureUrl } from "../platforms.js";
import type { Handler, Layer } from "../types.js";
import { PasswordCredentials, toCredentials, type Credentials, type CredentialsInput } from "./credentials.js";
import { sendWithBearer } from "./gateway-auth.js";
import { JwtSource, jwtExpiry } from "./jwt-source.js";
import { basicHeader, sendVm, type VmAuth, type VmAuthMode } from "./vm-auth.js";
import { VmSession } from "./vm-session.js";

export { credentialsFromEnv, envCredentials, envPlatform, OAuthCredentials, PasswordCredentials, TOKEN_ENDPOINTS, TokenCredentials, toCredentials } from "./credentials.js";
export type { Credentials, CredentialsInput, EnvSettings, OAuthClientLevel } from "./credentials.js";
export { JwtSource, jwtClaims, jwtExpiry } from "./jwt-source.js";
export type { VmAuthMode } from "./vm-auth.js";

export interface AuthOptions {
  readonly credentials: CredentialsInput;
  /** Gateway base URL (JWT APIs and /auth). Needed for gateway calls and for vmAuth "oidc". */
  readonly gatewayUrl?: string;
  /** qualysapi base URL (VM/PA/PC). Needed for vmAuth "session" (the login goes there). */
  readonly apiUrl?: string;
  /**
   * How the VM API is authenticated. Default: "basic" for a username and password (stateless;
   * no session to leak), "jwt" / "oidc" for OAuth clients and static tokens (the only way they can).
   */
  readonly vmAuth?: VmAuthMode;
  /** Refresh JWTs this long before they expire. Default 5 minutes (at most half their lifetime). */
  readonly refreshMarginMs?: number;
  /** `X-Requested-With` value for the VM API. Default "qualys-ts". */
  readonly requestedWith?: string;
  /** Clock in ms since the epoch, for token expiry; tests inject one. */
  readonly now?: () => number;
}

export interface Auth {
  /** Put first in compose(): `compose([auth.layer, …], transport)`. */
  readonly layer: Layer;
  /** The VM auth mode in force (after the default was chosen; the JWT mode is reported as "oidc"). */
  readonly vmAuth: Exclude<VmAuthMode, "jwt">;
  /**
   * Gets the gateway JWT (fetching one when none is cached, sharing a fetch under way) and says
   * when it expires: a credentials check that calls no module. The token itself is not handed out.
   * Needs the layer to be composed into a pipeline first.
   */
  checkToken(options?: { readonly signal?: AbortSignal }): Promise<TokenStatus>;
  /** Logs out the VM session if one is open; later session calls are refused. Safe to call twice. */
  close(): Promise<void>;
  /** @internal every secret this auth holds or was handed, for scrubbing errors. */
  secrets(): string[];
  /** Token and session counters, for hooks and tests. */
  readonly stats: { readonly tokenFetches: number; readonly sessionLogins: number; readonly sessionLogouts: number };
}

export interface TokenStatus {
  /** The token's `exp`, when it has one. */
  readonly expiresAt?: Date;
}

export function createAuth(options: AuthOptions): Auth {
  const credentials = toCredentials(options.credentials);
  // "jwt" and "oidc" are one mode: the gateway JWT as a bearer.
  const mode = options.vmAuth === "jwt" ? "oidc" : (options.vmAuth ?? (credentials instanceof PasswordCredentials ? "basic" : "oidc"));
  if (!["basic", "session", "oidc"].includes(mode)) {
    throw new ConfigurationError(`vmAuth must be "basic", "session" or "jwt" (also "oidc"), not "${String(mode)}".`);
  }
  const margin = options.refreshMarginMs;
  if (margin !== undefined && !(Number.isFinite(margin) && margin >= 0)) {
    throw new ConfigurationError(`refreshMarginMs must be a number of milliseconds >= 0, not ${String(margin)}.`);
  }
  if (options.gatewayUrl) assertSecureUrl(options.gatewayUrl, "gatewayUrl");
  if (options.apiUrl) assertSecureUrl(options.apiUrl, "apiUrl");
  if (mode !== "oidc" && !(credentials instanceof PasswordCredentials)) {
    throw new ConfigurationError(`vmAuth "${mode}" needs a username and password; with ${credentials.kind === "oauth" ? "an OAuth client" : "a token"} use vmAuth "oidc".`);
  }
  if (mode === "session" && !options.apiUrl) throw new ConfigurationError('vmAuth "session" needs the apiUrl (qualysapi host) to log in to.');
  if (mode === "basic" && credentials instanceof PasswordCredentials && credentials.username.includes(":")) {
    throw new ConfigurationError("A user name with a colon cannot be sent with Basic auth; use vmAuth \"session\".");
  }

  // The layer's `next` is known only once the pipeline is composed; auth's own calls use it too.
  let below: Handler | undefined;
  const send: Handler = (request, ctx) => {
    if (!below) throw new ConfigurationError("The auth layer was used before it was composed into a pipeline.");
    return below(request, ctx);
  };
  const jwt = new JwtSource({
    credentials,
    gatewayUrl: trimSlash(options.gatewayUrl),
    send,
    refreshMarginMs: options.refreshMarginMs,
    now: options.now,
  });
  const requestedWith = options.requestedWith ?? "qualys-ts";
  const session =
    mode === "session" ? new VmSession({ credentials: credentials as PasswordCredentials, apiUrl: trimSlash(options.apiUrl), send, requestedWith }) : undefined;
  const vm: VmAuth =
    mode === "session"
      ? { mode, session: session! }
      : mode === "oidc"
        ? { mode, jwt }
        : { mode, header: basicHeader((credentials as PasswordCredentials).username, (credentials as PasswordCredentials).revealPassword()) };
  const vmParts = { auth: vm, credentials, requestedWith };

  const layer: Layer = (next) => {
    below = next;
    return (request, ctx) => {
      if (ctx.family === "vm") return sendVm(vmParts, next, request, ctx);
      if (ctx.skipAuth) return next(request, ctx);
      return sendWithBearer(jwt, credentials, next, request, ctx);
    };
  };

  const auth: Auth = {
    layer,
    vmAuth: mode,
    checkToken: async ({ signal } = {}) => {
      const exp = jwtExpiry(await jwt.getToken(signal));
      return exp === undefined ? {} : { expiresAt: new Date(exp * 1000) };
    },
    close: async () => {
      await session?.close();
    },
    secrets: () => {
      const all = [...credentials.secrets(), ...jwt.issued, ...(session?.issued ?? [])];
      if (credentials instanceof PasswordCredentials) all.push(Buffer.from(`${credentials.username}:${credentials.revealPassword()}`).toString("base64"));
      return all;
    },
    get stats() {
      return { tokenFetches: jwt.fetches, sessionLogins: session?.logins ?? 0, sessionLogouts: session?.logouts ?? 0 };
    },
  };
  return redacted(auth, credentials);
}

/** Printing the auth object (in a logged client, say) shows the mode and who, never a secret. */
function redacted(auth: Auth, credentials: Credentials): Auth {
  const summary = () => ({ vmAuth: auth.vmAuth, credentials: credentials.toJSON() });
  Object.defineProperty(auth, inspect.custom, { value: () => `Auth ${JSON.stringify(summary())}` });
  Object.defineProperty(auth, "toJSON", { value: summary });
  return auth;
}

const trimSlash = (url: string | undefined) => (url ?? "").replace(/\/+$/, "");
