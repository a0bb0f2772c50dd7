/**
 * Scrubs an error that is about to leave the client: its message, stack, every string field
 * (bodyText, excerpt…), a parsed `body`, and its `cause` chain, so neither `err.message`,
 * `JSON.stringify(err)`, `util.inspect(err)` nor a logger that walks `cause` can print a secret.
 */
export type Scrub = (text: string) => string;

export function scrubError<E>(err: E, scrub: Scrub): E {
  scrubValue(err, scrub, new Set(), 0);
  return err;
}

const MAX_DEPTH = 8;

function scrubValue(value: unknown, scrub: Scrub, seen: Set<object>, depth: number): unknown {
  if (typeof value === "string") return scrub(value);
  if (value === null || typeof value !== "object" || seen.has(value) || depth > MAX_DEPTH) return value;
  seen.add(value);
  if (value instanceof Error) {
    for (const key of ["message", "stack"] as const) {
      const text = value[key];
      if (typeof text === "string") rewrite(value, key, scrub(text));
    }
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = scrubValue(value[i], scrub, seen, depth + 1);
    return value;
  }
  // Headers, URLs, buffers and other built-ins are left as they are; errors and plain data are walked.
  if (!(value instanceof Error) && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  for (const key of Object.keys(value)) {
    const before = (value as Record<string, unknown>)[key];
    const after = scrubValue(before, scrub, seen, depth + 1);
    if (after !== before) rewrite(value, key, after);
  }
  if (value instanceof Error && "cause" in value) {
    const after = scrubValue(value.cause, scrub, seen, depth + 1);
    if (after !== value.cause) rewrite(value, "cause", after);
  }
  return value;
}

function rewrite(target: object, key: string, value: unknown): void {
  const own = Object.getOwnPropertyDescriptor(target, key);
  if (own && !own.writable && !own.configurable) return;
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: own?.enumerable ?? key !== "stack" });
}
