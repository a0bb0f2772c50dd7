/**
 * VM API session auth: `POST /api/2.0/fo/session/` `action=login` sets a `QualysSession`
 * cookie that later calls send. Qualys caps open sessions and keeps them for an unspecified
 * time, so one login is shared by concurrent calls, `close()` always logs out, and once closed
 * the session never logs in again (a late call would otherwise leave a session open).
 */
import { AuthenticationError } from "../errors/authentication-error.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { HttpError } from "../errors/http-error.js";
import { InvalidResponseError } from "../errors/invalid-response-error.js";
import { QualysApiError } from "../errors/qualys-api-error.js";
import type { CallContext, Handler } from "../types.js";
import { untilAborted } from "./abortable.js";
import { remember } from "./jwt-source.js";
import { scrubSecrets, type PasswordCredentials } from "./credentials.js";
import { isAccountCode, readSimpleReturn, readSmallBody } from "./simple-return.js";

export const SESSION_PATH = "/api/2.0/fo/session/";

const sessionContext = (operationId: string): CallContext => ({
  module: "vm",
  family: "vm",
  operationId,
  idempotent: false,
  skipAuth: true,
  exemptFromRateLimit: true,
});

export interface VmSessionOptions {
  readonly credentials: PasswordCredentials;
  /** qualysapi base URL, no trailing slash. */
  readonly apiUrl: string;
  /** Sends login/logout (the rest of the pipeline below auth). */
  readonly send: Handler;
  readonly requestedWith: string;
}

export class VmSession {
  readonly #options: VmSessionOptions;
  #cookie: string | undefined;
  #pending: Promise<string> | undefined;
  #closing: Promise<void> | undefined;
  logins = 0;
  logouts = 0;
  /** Recent session cookie values, to scrub from errors. */
  readonly issued: string[] = [];

  constructor(options: VmSessionOptions) {
    this.#options = options;
  }

  /** The session cookie (`QualysSession=…`), logging in once for all concurrent callers. */
  cookie(signal?: AbortSignal): Promise<string> {
    if (this.#closing) {
      return Promise.reject(new ConfigurationError("The VM session was closed (close() was called): create a new client to make more calls."));
    }
    if (this.#cookie) return Promise.resolve(this.#cookie);
    this.#pending ??= this.#login().finally(() => (this.#pending = undefined));
    return untilAborted(this.#pending, signal);
  }

  /** Drop a cookie Qualys no longer accepts, unless a newer login replaced it. */
  expire(cookie: string): void {
    if (this.#cookie === cookie) this.#cookie = undefined;
  }

  get active(): boolean {
    return this.#cookie !== undefined;
  }

  /**
   * Logs out if logged in (waiting for a login under way) and refuses later logins. Safe to call
   * again: later calls wait for the first logout and never reject.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing.catch(() => undefined);
    this.#closing = this.#logout();
    return this.#closing;
  }

  async #login(): Promise<string> {
    const { credentials, apiUrl, send, requestedWith } = this.#options;
    const response = await send(
      new Request(`${apiUrl}${SESSION_PATH}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": requestedWith },
        body: new URLSearchParams({ action: "login", username: credentials.username, password: credentials.revealPassword() }),
      }),
      sessionContext("sessionLogin"),
    );
    const body = scrubSecrets(await readSmallBody(response), credentials);
    const answer = readSimpleReturn(body);
    // Bad login is CODE 2000 with HTTP 401; an expired account is CODE 2001 with HTTP 200.
    if (response.status === 401 || response.status === 403 || isAccountCode(answer?.code)) {
      throw new AuthenticationError(
        `Qualys session login failed: HTTP ${response.status}${answer?.code ? `, code ${answer.code}` : ""}${answer?.text ? ` — ${answer.text}` : ""}`,
        { status: response.status, code: answer?.code, text: answer?.text },
      );
    }
    if (answer?.code) {
      throw new QualysApiError({ code: answer.code, text: answer.text ?? "", httpStatus: response.status, operation: "sessionLogin" });
    }
    if (!response.ok) {
      throw new HttpError({ status: response.status, statusText: response.statusText, method: "POST", url: response.url || `${apiUrl}${SESSION_PATH}`, operationId: "sessionLogin", bodyText: body });
    }
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!.trim())
      .find((c) => /^QualysSession=./.test(c));
    if (!cookie) {
      throw new InvalidResponseError(`Qualys session login answered HTTP ${response.status}${answer?.text ? ` (${answer.text})` : ""} without a QualysSession cookie.`, "sessionLogin", undefined);
    }
    this.#cookie = cookie;
    this.logins += 1;
    remember(this.issued, cookie.slice(cookie.indexOf("=") + 1));
    return cookie;
  }

  async #logout(): Promise<void> {
    await this.#pending?.catch(() => undefined);
    const cookie = this.#cookie;
    if (!cookie) return;
    this.#cookie = undefined;
    const { apiUrl, send, requestedWith } = this.#options;
    const response = await send(
      new Request(`${apiUrl}${SESSION_PATH}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": requestedWith, Cookie: cookie },
        body: new URLSearchParams({ action: "logout" }),
      }),
      sessionContext("sessionLogout"),
    );
    // Whatever the answer (a 401 means Qualys already dropped the session), it is gone now.
    await response.body?.cancel();
    this.logouts += 1;
  }
}
