/**
 * Where content the schema does not describe goes, so nothing is dropped: `extra` on the
 * decoded object, keyed by element name (`@name` for attributes, `#text` for stray text). A name
 * seen twice becomes an array of its values.
 */

/** Arrays made here for repeated names, as opposed to values that happen to be arrays. */
const repeated = new WeakSet<unknown[]>();

/** Sets an own property, also for names like `__proto__` that plain assignment would misread. */
export function setOwn(holder: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
  else holder[key] = value;
}

export function appendRepeated(holder: Record<string, unknown>, key: string, value: unknown): void {
  // hasOwn, not `in`: an element may well be called `constructor` or `toString`.
  if (!Object.hasOwn(holder, key)) {
    setOwn(holder, key, value);
    return;
  }
  const prev = holder[key];
  if (Array.isArray(prev) && repeated.has(prev)) prev.push(value);
  else {
    const list = [prev, value];
    repeated.add(list);
    setOwn(holder, key, list);
  }
}

export function addExtra(obj: Record<string, unknown>, key: string, value: unknown): void {
  const extra = (Object.hasOwn(obj, "extra") ? obj.extra : (obj.extra = {})) as Record<string, unknown>;
  appendRepeated(extra, key, value);
}
