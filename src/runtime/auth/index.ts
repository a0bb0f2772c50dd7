/**
 * The auth layer of a client: one state (a cached JWT, a VM session) shared by every module.
 *
 *   const auth = createAuth({ credentials, gatewayUrl, apiUrl, vmAuth: "session" });
 *   const handler = compose([auth.layer, ...rateLimit.layers], transport);
 *   …
 *   await auth.close(); // logs the session out
 */
import { inspect } from "node:util";
import { ConfigurationError } from "../errors/configuration-error.js";
import { assertSecureUrl } from "../platforms.js";
import type { Handler, Layer } from "../types.js";
import { PasswordCredentials, toCredentials, type CredentialsInput } from "./credentials.js";
import { sendWithBearer } from "./gateway-auth.js";
import { JwtSource } from "./jwt-source.js";
import { sendVm, type VmAuthMode } from "./vm-auth.js";
import { VmSession } from "./vm-session.js";

export { credentialsFromEnv, OAuthCredentials, PasswordCredentials, TokenCredentials, toCredentials } from "./credentials.js";
export type { Credentials, CredentialsInput, EnvSettings } from "./credentials.js";
export { JwtSource, jwtExpiry } from "./jwt-source.js";
export type { VmAuthMode } from "./vm-auth.js";

export interface AuthOptions {
  readonly credentials: CredentialsInput;
  /** Gateway base URL (JWT APIs and /auth). */
  readonly gatewayUrl?: string;
  /** qualysapi base URL (VM/PA/PC); needed for session login. */
  readonly apiUrl?: string;
  /** How the VM API is authenticated. Default "basic" (stateless; no session to leak). */
  readonly vmAuth?: VmAuthMode;
  /** Refresh JWTs this long before they expire. Default 5 minutes. */
  readonly refreshMarginMs?: number;
  /** `X-Requested-With` value for the VM API. */
  readonly requestedWith?: string;
  readonly now?: () => number;
}

export interface Auth {
  readonly layer: Layer;
  /** Logs out a VM session if one is open. */
  close(): Promise<void>;
  /** Token and session counters, for hooks and tests. */
  readonly stats: { readonly tokenFetches: number; readonly sessionLogins: number; readonly sessionLogouts: number };
}

export function createAuth(options: AuthOptions): Auth {
  const credentials = toCredentials(options.credentials);
  const mode = options.vmAuth ?? "basic";
  if (options.gatewayUrl) assertSecureUrl(options.gatewayUrl, "gatewayUrl");
  if (options.apiUrl) assertSecureUrl(options.apiUrl, "apiUrl");
  if (mode === "session" && !(credentials instanceof PasswordCredentials)) {
    throw new ConfigurationError('vmAuth "session" needs a username and password.');
  }
  // The layer's `next` is known only once the pipeline is composed; auth calls go through it too.
  let below: Handler | undefined;
  const send: Handler = (request, ctx) => {
    if (!below) throw new ConfigurationError("auth layer used before it was composed");
    return below(request, ctx);
  };
  const jwt = new JwtSource({
    credentials,
    gatewayUrl: (options.gatewayUrl ?? "").replace(/\/+$/, ""),
    send,
    refreshMarginMs: options.refreshMarginMs,
    now: options.now,
  });
  const session =
    mode === "session" && credentials instanceof PasswordCredentials
      ? new VmSession(credentials, (options.apiUrl ?? "").replace(/\/+$/, ""), send)
      : undefined;
  const vmParts = { mode, credentials, session, jwt, requestedWith: options.requestedWith ?? "qualys-ts" };

  const layer: Layer = (next) => {
    below = next;
    return (request, ctx) => {
      if (ctx.family === "vm") return sendVm(vmParts, next, request, ctx);
      if (ctx.skipAuth) return next(request, ctx);
      return sendWithBearer(jwt, next, request, ctx);
    };
  };

  const auth: Auth = {
    layer,
    close: async () => {
      await session?.logout();
    },
    get stats() {
      return { tokenFetches: jwt.fetches, sessionLogins: session?.logins ?? 0, sessionLogouts: session?.logouts ?? 0 };
    },
  };
  Object.defineProperty(auth, inspect.custom, { value: () => `Auth { vmAuth: ${mode}, credentials: ${credentials} }` });
  Object.defineProperty(auth, "toJSON", { value: () => ({ vmAuth: mode, credentials: credentials.toJSON() }) });
  return auth;
}
