/**
 * Cutting text that may quote a secret. Error messages keep only a slice of what an answer said,
 * and an answer may echo the request (a proxy's error page, a SIMPLE_RETURN quoting parameters):
 * cut first, redact later, and a token cut to its first 30 characters no longer matches the
 * redactor, so those 30 characters leak. Here the redactor sees the whole text (or a window wide
 * enough to hold any secret around the slice) before the cut.
 */

/** Scrubs known secrets out of a text (the client's `redactor.text`). */
export type RedactText = (text: string) => string;

/**
 * Characters read past a slice's ends so a secret the slice cuts through is seen whole by the
 * redactor: more than a JWT, a session cookie or any credential form it knows.
 */
export const SECRET_MARGIN = 8192;

/** The first `max` characters of `text`, its secrets redacted before the cut. */
export function redactedHead(text: string, max: number, redact: RedactText | undefined): string {
  return (redact ? redact(text) : text).slice(0, max);
}

/**
 * About `before` characters of `text` before index `at` and `after` from it on, with the secrets
 * of a window SECRET_MARGIN wider on each side redacted before the cut. The slice keeps its place
 * around `at` as well as a redaction that changed lengths allows.
 */
export function redactedWindow(text: string, at: number, before: number, after: number, redact: RedactText | undefined): string {
  const plain = text.slice(Math.max(0, at - before), at + after);
  if (!redact) return plain;
  const start = Math.max(0, at - before - SECRET_MARGIN);
  const window = text.slice(start, at + after + SECRET_MARGIN);
  const redacted = redact(window);
  if (redacted === window) return plain;
  const p = Math.min(redacted.length, redact(text.slice(start, at)).length);
  return redacted.slice(Math.max(0, p - before), p + after);
}
