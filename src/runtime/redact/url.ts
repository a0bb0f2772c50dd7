/**
 * `scheme://user:password@host/…` with the user info replaced. A password may itself hold `/`,
 * `@`, `:`, `?`, `#` or `%`, so the user info runs to the LAST `@` of the string, not to the first
 * delimiter: over-redacting an address is harmless, leaking half a password is not.
 */
export function redactUserInfo(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)(\S*)@/gi, "$1[redacted]@");
}
