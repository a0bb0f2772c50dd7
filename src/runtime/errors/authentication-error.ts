import { QualysError } from "./qualys-error.js";

/**
 * Qualys refused the credentials or the token: bad login (VM code 2000, gateway 401), an expired
 * account (code 2001, sent with HTTP 200), or a 401 that persisted after re-authenticating.
 * Carries Qualys's own code and text; never the password, token or session id.
 */
export class AuthenticationError extends QualysError {
  override name = "AuthenticationError";
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly text: string | undefined;

  constructor(message: string, init: { status?: number; code?: string; text?: string } = {}) {
    super(message);
    this.status = init.status;
    this.code = init.code;
    this.text = init.text;
  }
}
