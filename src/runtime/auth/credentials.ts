/**
 * Credential holders. Secrets live in private fields, and `util.inspect`, `JSON.stringify` and
 * `String()` print a redacted form, so logging a client or an options object never leaks them.
 */
import { inspect } from "node:util";
import { ConfigurationError } from "../errors/configuration-error.js";
import { secretForms } from "../redact/forms.js";
import { isPlatformName, platformFromUsername, PLATFORM_NAMES, PLATFORMS, type PlatformInput } from "../platforms.js";

export const REDACTED = "[redacted]";

abstract class Secretive {
  abstract readonly kind: "password" | "oauth" | "token";
  protected abstract describe(): Record<string, string>;
  /** @internal every secret this holder knows, for scrubbing text that goes into errors. */
  abstract secrets(): readonly string[];
  toJSON(): Record<string, string> {
    return { kind: this.kind, ...this.describe() };
  }
  [inspect.custom](): string {
    return `${this.constructor.name} ${JSON.stringify(this.toJSON())}`;
  }
  toString(): string {
    return this[inspect.custom]();
  }
}

/** A Qualys user: `POST /auth` on the gateway, Basic or session login on the VM API. */
export class PasswordCredentials extends Secretive {
  readonly kind = "password";
  readonly username: string;
  readonly #password: string;
  constructor(username: string, password: string) {
    super();
    this.username = requireText(username, "username");
    this.#password = requireText(password, "password");
  }
  /** @internal read by the auth layers only. */
  revealPassword(): string {
    return this.#password;
  }
  secrets(): readonly string[] {
    return [this.#password];
  }
  protected describe() {
    return { username: this.username, password: REDACTED };
  }
}

/**
 * Which Qualys OAuth client it is, so which token endpoint: a subscription-level client gets its
 * token from `POST /auth/oauth`, a user-level client (WAS and QFlow document only these) from
 * `POST /auth/oidc`; both with clientId / clientSecret headers, both tokens valid 4 hours.
 */
export type OAuthClientLevel = "subscription" | "user";

/** The token endpoint of each client level. */
export const TOKEN_ENDPOINTS: Readonly<Record<OAuthClientLevel, "/auth/oauth" | "/auth/oidc">> = { subscription: "/auth/oauth", user: "/auth/oidc" };

/** An OAuth client: `POST /auth/oauth` (subscription-level, the default) or `/auth/oidc` (user-level) with clientId / clientSecret headers. */
export class OAuthCredentials extends Secretive {
  readonly kind = "oauth";
  readonly clientId: string;
  readonly level: OAuthClientLevel;
  readonly #clientSecret: string;
  constructor(clientId: string, clientSecret: string, level: OAuthClientLevel = "subscription") {
    super();
    this.clientId = requireText(clientId, "clientId");
    this.#clientSecret = requireText(clientSecret, "clientSecret");
    if (level !== "subscription" && level !== "user") {
      throw new ConfigurationError(`Qualys credentials: "clientLevel" must be "subscription" (token from /auth/oauth) or "user" (/auth/oidc), not ${JSON.stringify(level)}.`);
    }
    this.level = level;
  }
  /** Where its token comes from. */
  get tokenEndpoint(): "/auth/oauth" | "/auth/oidc" {
    return TOKEN_ENDPOINTS[this.level];
  }
  /** @internal */
  revealSecret(): string {
    return this.#clientSecret;
  }
  secrets(): readonly string[] {
    return [this.#clientSecret];
  }
  protected describe() {
    return { clientId: this.clientId, clientSecret: REDACTED, clientLevel: this.level };
  }
}

/** A JWT obtained elsewhere (an IdP, another tool); never refreshed, so a 401 on it is final. */
export class TokenCredentials extends Secretive {
  readonly kind = "token";
  readonly #token: string;
  constructor(token: string) {
    super();
    this.#token = requireText(token, "token");
  }
  /** @internal */
  revealToken(): string {
    return this.#token;
  }
  secrets(): readonly string[] {
    return [this.#token];
  }
  protected describe() {
    return { token: REDACTED };
  }
}

export type Credentials = PasswordCredentials | OAuthCredentials | TokenCredentials;

/** Plain option objects users write, turned into the holders above. */
export type CredentialsInput =
  | Credentials
  | { username: string; password: string }
  | { clientId: string; clientSecret: string; clientLevel?: OAuthClientLevel }
  | { token: string };

export function toCredentials(input: CredentialsInput): Credentials {
  if (input instanceof PasswordCredentials || input instanceof OAuthCredentials || input instanceof TokenCredentials) return input;
  if (input === null || typeof input !== "object") {
    throw new ConfigurationError(`Credentials must be an object ({username, password}, {clientId, clientSecret} or {token}), not ${input === null ? "null" : typeof input}.`);
  }
  const given = input as Record<string, unknown>;
  if ("token" in given) return new TokenCredentials(given.token as string);
  if ("clientId" in given || "clientSecret" in given) return new OAuthCredentials(given.clientId as string, given.clientSecret as string, (given.clientLevel as OAuthClientLevel | undefined) ?? "subscription");
  if ("username" in given || "password" in given) return new PasswordCredentials(given.username as string, given.password as string);
  throw new ConfigurationError("Credentials need {username, password}, {clientId, clientSecret} or {token}.");
}

/** QUALYS_CLIENT_LEVEL: "subscription" (default, /auth/oauth) or "user" (/auth/oidc). */
function clientLevelFromEnv(env: NodeJS.ProcessEnv): OAuthClientLevel {
  const value = env.QUALYS_CLIENT_LEVEL?.trim().toLowerCase();
  if (!value) return "subscription";
  if (value !== "subscription" && value !== "user") throw new ConfigurationError(`QUALYS_CLIENT_LEVEL is "${value}": use "subscription" (token from /auth/oauth) or "user" (/auth/oidc).`);
  return value;
}

/** Names the missing or malformed field, never its value (it may be a secret). */
function requireText(value: unknown, field: string): string {
  if (typeof value !== "string") {
    throw new ConfigurationError(`Qualys credentials: "${field}" is ${value === undefined ? "missing" : `a ${value === null ? "null" : typeof value}, not a string`}.`);
  }
  if (value.trim() === "") throw new ConfigurationError(`Qualys credentials: "${field}" is empty.`);
  return value;
}

export interface EnvSettings {
  readonly credentials: Credentials;
  readonly platform: PlatformInput;
}

/**
 * Credentials and platform from the environment:
 * - QUALYS_TOKEN, else QUALYS_CLIENT_ID + QUALYS_CLIENT_SECRET, else QUALYS_USERNAME + QUALYS_PASSWORD;
 * - QUALYS_PLATFORM (US1…KSA1, GOV1), else a GUESS from the user name's platform character;
 * - QUALYS_API_URL / QUALYS_GATEWAY_URL override the platform's URLs one by one (alone, they are
 *   the whole platform: a private cloud or a proxy).
 * Errors name the variable that is missing or wrong, never a secret's value.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): EnvSettings {
  const credentials = envCredentials(env);
  const platform = envPlatform(env) ?? (credentials instanceof PasswordCredentials ? platformFromUsername(credentials.username) : undefined);
  if (!platform) {
    throw new ConfigurationError("Set QUALYS_PLATFORM (e.g. US1, EU2) or QUALYS_API_URL / QUALYS_GATEWAY_URL: the platform cannot be guessed from these credentials.");
  }
  return { credentials, platform };
}

/** The credentials part of credentialsFromEnv, for callers that get the platform elsewhere. */
export function envCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  if (env.QUALYS_TOKEN) return new TokenCredentials(env.QUALYS_TOKEN);
  if (env.QUALYS_CLIENT_ID || env.QUALYS_CLIENT_SECRET) {
    requireBoth(env, "QUALYS_CLIENT_ID", "QUALYS_CLIENT_SECRET");
    return new OAuthCredentials(env.QUALYS_CLIENT_ID!.trim(), env.QUALYS_CLIENT_SECRET!, clientLevelFromEnv(env));
  }
  if (env.QUALYS_USERNAME || env.QUALYS_PASSWORD) {
    requireBoth(env, "QUALYS_USERNAME", "QUALYS_PASSWORD");
    return new PasswordCredentials(env.QUALYS_USERNAME!.trim(), env.QUALYS_PASSWORD!);
  }
  throw new ConfigurationError(
    "No Qualys credentials in the environment: set QUALYS_USERNAME and QUALYS_PASSWORD (or QUALYS_CLIENT_ID and QUALYS_CLIENT_SECRET, or QUALYS_TOKEN).",
  );
}

/**
 * The platform part of credentialsFromEnv without the user-name guess: QUALYS_PLATFORM (checked)
 * with QUALYS_API_URL / QUALYS_GATEWAY_URL overriding its URLs; undefined when none is set.
 */
export function envPlatform(env: NodeJS.ProcessEnv = process.env): PlatformInput | undefined {
  const apiUrl = env.QUALYS_API_URL?.trim() || undefined;
  const gatewayUrl = env.QUALYS_GATEWAY_URL?.trim() || undefined;
  const name = env.QUALYS_PLATFORM?.trim().toUpperCase() || undefined;
  if (name !== undefined && !isPlatformName(name)) {
    throw new ConfigurationError(`QUALYS_PLATFORM="${env.QUALYS_PLATFORM}" is not a Qualys platform. Valid platforms: ${PLATFORM_NAMES.join(", ")}.`);
  }
  if (apiUrl || gatewayUrl) {
    const base: { apiUrl?: string; gatewayUrl?: string } = name ? PLATFORMS[name] : {};
    return { apiUrl: apiUrl ?? base.apiUrl, gatewayUrl: gatewayUrl ?? base.gatewayUrl };
  }
  return name;
}

function requireBoth(env: NodeJS.ProcessEnv, first: string, second: string): void {
  const missing = [first, second].filter((name) => !env[name]?.trim());
  if (missing.length) throw new ConfigurationError(`${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set (needed with ${[first, second].filter((n) => !missing.includes(n)).join(", ")}).`);
}

/**
 * Every secret of `credentials` (and `extra` ones), replaced in `text` in every form it travels
 * in (secretForms): Qualys error pages and proxies sometimes echo the request.
 */
export function scrubSecrets(text: string, credentials: Credentials, extra: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of [...credentials.secrets(), ...extra]) {
    if (!secret) continue;
    for (const form of secretForms(secret)) out = out.split(form).join(REDACTED);
  }
  return out;
}
