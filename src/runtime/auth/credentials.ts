/**
 * Credential holders. Secrets live in private fields, and `util.inspect` / `JSON.stringify`
 * print a redacted form, so logging a client or an options object never leaks them.
 */
import { inspect } from "node:util";
import { ConfigurationError } from "../errors/configuration-error.js";
import { platformFromUsername, type PlatformInput } from "../platforms.js";

const REDACTED = "[redacted]";

abstract class Secretive {
  abstract readonly kind: string;
  protected abstract describe(): Record<string, string>;
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
    if (!username || !password) throw new ConfigurationError("A Qualys username and password are both required.");
    this.username = username;
    this.#password = password;
  }
  /** @internal read by the auth layers only. */
  revealPassword(): string {
    return this.#password;
  }
  protected describe() {
    return { username: this.username, password: REDACTED };
  }
}

/** An OAuth client of the subscription: `POST /auth/oauth` with clientId / clientSecret headers. */
export class OAuthCredentials extends Secretive {
  readonly kind = "oauth";
  readonly clientId: string;
  readonly #clientSecret: string;
  constructor(clientId: string, clientSecret: string) {
    super();
    if (!clientId || !clientSecret) throw new ConfigurationError("An OAuth clientId and clientSecret are both required.");
    this.clientId = clientId;
    this.#clientSecret = clientSecret;
  }
  /** @internal */
  revealSecret(): string {
    return this.#clientSecret;
  }
  protected describe() {
    return { clientId: this.clientId, clientSecret: REDACTED };
  }
}

/** A JWT obtained elsewhere; never refreshed, so a 401 is final. */
export class TokenCredentials extends Secretive {
  readonly kind = "token";
  readonly #token: string;
  constructor(token: string) {
    super();
    if (!token) throw new ConfigurationError("The token is empty.");
    this.#token = token;
  }
  /** @internal */
  revealToken(): string {
    return this.#token;
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
  | { clientId: string; clientSecret: string }
  | { token: string };

export function toCredentials(input: CredentialsInput): Credentials {
  if (input instanceof PasswordCredentials || input instanceof OAuthCredentials || input instanceof TokenCredentials) return input;
  if ("token" in input) return new TokenCredentials(input.token);
  if ("clientId" in input) return new OAuthCredentials(input.clientId, input.clientSecret);
  if ("username" in input) return new PasswordCredentials(input.username, input.password);
  throw new ConfigurationError("Credentials need {username, password}, {clientId, clientSecret} or {token}.");
}

export interface EnvSettings {
  readonly credentials: Credentials;
  readonly platform: PlatformInput;
}

/**
 * Reads QUALYS_USERNAME / QUALYS_PASSWORD (or QUALYS_CLIENT_ID / QUALYS_CLIENT_SECRET, or
 * QUALYS_TOKEN) and QUALYS_PLATFORM, with QUALYS_API_URL / QUALYS_GATEWAY_URL overriding the
 * platform's URLs. Without a platform, the user name's platform character is used.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): EnvSettings {
  let credentials: Credentials;
  if (env.QUALYS_TOKEN) credentials = new TokenCredentials(env.QUALYS_TOKEN);
  else if (env.QUALYS_CLIENT_ID || env.QUALYS_CLIENT_SECRET) {
    credentials = new OAuthCredentials(env.QUALYS_CLIENT_ID ?? "", env.QUALYS_CLIENT_SECRET ?? "");
  } else if (env.QUALYS_USERNAME || env.QUALYS_PASSWORD) {
    credentials = new PasswordCredentials(env.QUALYS_USERNAME ?? "", env.QUALYS_PASSWORD ?? "");
  } else {
    throw new ConfigurationError(
      "No Qualys credentials in the environment: set QUALYS_USERNAME and QUALYS_PASSWORD (or QUALYS_CLIENT_ID and QUALYS_CLIENT_SECRET, or QUALYS_TOKEN).",
    );
  }
  let platform: PlatformInput;
  if (env.QUALYS_API_URL || env.QUALYS_GATEWAY_URL) {
    platform = { apiUrl: env.QUALYS_API_URL, gatewayUrl: env.QUALYS_GATEWAY_URL };
  } else if (env.QUALYS_PLATFORM) {
    platform = env.QUALYS_PLATFORM as PlatformInput;
  } else {
    const guessed = credentials instanceof PasswordCredentials ? platformFromUsername(credentials.username) : undefined;
    if (!guessed) throw new ConfigurationError("Set QUALYS_PLATFORM (e.g. US1, EU2) or QUALYS_API_URL / QUALYS_GATEWAY_URL.");
    platform = guessed;
  }
  return { credentials, platform };
}
