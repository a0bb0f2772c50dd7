/**
 * Path and host of a request URL without building a URL object (a per-call cost). Request URLs
 * are already normalised absolute URLs.
 */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return url.slice(start, query === -1 ? undefined : query);
}

export function hostOf(url: string): string {
  const from = url.indexOf("//") + 2;
  const end = url.indexOf("/", from);
  return url.slice(from, end === -1 ? undefined : end);
}
