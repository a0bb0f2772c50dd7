/**
 * One redactor per client: every secret it holds or was handed (password, OAuth secret, tokens
 * issued to it, session cookies) in every form it travels in, applied to errors on their way out.
 */
import { REDACTED } from "../auth/credentials.js";
import { scrubError } from "./error.js";
import { secretForms } from "./forms.js";
import { redactUserInfo } from "./url.js";

export { basicForms, secretForms } from "./forms.js";
export { scrubError } from "./error.js";
export { redactedHead, redactedWindow, SECRET_MARGIN, type RedactText } from "./cut.js";
export { redactUserInfo } from "./url.js";

export interface Redactor {
  /** The text with every known secret (and URL user info) replaced. */
  text(text: string): string;
  /**
   * The forms of every known secret, longest first: for code a function cannot reach (a decode
   * in a worker thread), which redacts with `redactWith(forms)`.
   */
  forms(): readonly string[];
  /** The same error, scrubbed in place (message, stack, fields, cause chain). */
  error<E>(err: E): E;
}

/** `secrets` is asked on every use, so tokens and cookies issued later are covered too. */
export function createRedactor(secrets: () => Iterable<string>): Redactor {
  let known: string[] = [];
  let forms: string[] = [];
  const formsNow = () => {
    const now = [...new Set(secrets())].filter(Boolean);
    if (now.length !== known.length || now.some((s, i) => s !== known[i])) {
      known = now;
      // Longest first: a secret that contains another must be replaced whole.
      forms = [...new Set(now.flatMap((s) => secretForms(s)))].sort((a, b) => b.length - a.length);
    }
    return forms;
  };
  const text = (input: string) => redactWith(formsNow())(input);
  return { text, forms: () => formsNow(), error: (err) => scrubError(err, text) };
}

/** A text redactor from a list of secret forms (longest first, as `Redactor.forms()` gives them). */
export function redactWith(forms: readonly string[]): (text: string) => string {
  return (input) => {
    let out = input;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return redactUserInfo(out);
  };
}
