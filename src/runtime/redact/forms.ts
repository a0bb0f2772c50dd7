/**
 * The shapes a secret takes once it has been sent: Qualys error pages, proxies and load balancers
 * echo requests back (headers, form bodies, JSON), so a password may come back raw, URL- or
 * form-encoded, JSON- or HTML-escaped, or inside a Basic header's base64.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    htmlEscape(secret),
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64url"),
  ]);
  // A base64 form ends in padding an echo may drop or re-wrap; the unpadded stem is as telling.
  for (const form of [...forms]) if (form.endsWith("=")) forms.add(form.replace(/=+$/, ""));
  return [...forms].filter((form) => form.length > 0);
}

/** What a Basic header carries for this user: `base64(user:password)`, in every form above. */
export function basicForms(username: string, password: string): string[] {
  return secretForms(Buffer.from(`${username}:${password}`).toString("base64"));
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
