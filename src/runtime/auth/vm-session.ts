/**
 * VM API session auth: `POST /api/2.0/fo/session/` `action=login` sets a `QualysSession`
 * cookie that later calls send. Qualys caps open sessions and keeps them for an unspecified
 * time, so one login is shared by concurrent calls and `close()` always logs out.
 */
import { AuthenticationError } from "../errors/authentication-error.js";
import type { CallContext, Handler } from "../types.js";
import type { PasswordCredentials } from "./credentials.js";
import { readSimpleReturn, readSmallBody } from "./simple-return.js";

const sessionContext = (operationId: string): CallContext => ({
  module: "vm",
  family: "vm",
  operationId,
  idempotent: false,
  skipAuth: true,
  exemptFromRateLimit: true,
});

export class VmSession {
  readonly #credentials: PasswordCredentials;
  readonly #apiUrl: string;
  readonly #send: Handler;
  #cookie: string | undefined;
  #pending: Promise<string> | undefined;
  logins = 0;
  logouts = 0;

  constructor(credentials: PasswordCredentials, apiUrl: string, send: Handler) {
    this.#credentials = credentials;
    this.#apiUrl = apiUrl;
    this.#send = send;
  }

  /** The session cookie (`QualysSession=…`), logging in once for all concurrent callers. */
  cookie(): Promise<string> {
    if (this.#cookie) return Promise.resolve(this.#cookie);
    this.#pending ??= this.#login().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** Drop a cookie Qualys no longer accepts, unless a newer login replaced it. */
  expire(cookie: string): void {
    if (this.#cookie === cookie) this.#cookie = undefined;
  }

  get active(): boolean {
    return this.#cookie !== undefined;
  }

  async #login(): Promise<string> {
    const body = new URLSearchParams({
      action: "login",
      username: this.#credentials.username,
      password: this.#credentials.revealPassword(),
    });
    const response = await this.#send(
      new Request(`${this.#apiUrl}/api/2.0/fo/session/`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": "qualys-ts" },
        body,
      }),
      sessionContext("sessionLogin"),
    );
    const text = await readSmallBody(response);
    const answer = readSimpleReturn(text);
    // Bad login is CODE 2000 with HTTP 401; an expired account is CODE 2001 with HTTP 200.
    if (!response.ok || answer?.code) {
      throw new AuthenticationError(
        `Qualys session login failed: HTTP ${response.status}${answer?.code ? `, code ${answer.code}` : ""}${answer?.text ? ` — ${answer.text}` : ""}`,
        { status: response.status, code: answer?.code, text: answer?.text },
      );
    }
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!.trim())
      .find((c) => c.startsWith("QualysSession="));
    if (!cookie) throw new AuthenticationError("Qualys session login answered without a QualysSession cookie.", { status: response.status });
    this.#cookie = cookie;
    this.logins += 1;
    return cookie;
  }

  /** Logs out if logged in; safe to call twice and after failures. */
  async logout(): Promise<void> {
    const pending = this.#pending;
    if (pending) await pending.catch(() => undefined);
    const cookie = this.#cookie;
    if (!cookie) return;
    this.#cookie = undefined;
    const response = await this.#send(
      new Request(`${this.#apiUrl}/api/2.0/fo/session/`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": "qualys-ts", Cookie: cookie },
        body: new URLSearchParams({ action: "logout" }),
      }),
      sessionContext("sessionLogout"),
    );
    await response.body?.cancel();
    this.logouts += 1;
  }
}
