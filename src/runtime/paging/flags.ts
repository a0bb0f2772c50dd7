/**
 * "More pages follow" flags as Qualys sends them: CSAM documents `hasMore` as 0/1, one client
 * reads true/false and another "1"; WAS JSON sends `hasMoreRecords` as "true"/"false". Anything
 * else is `undefined`, which the walks treat as a broken page rather than as "no more".
 */
export function moreFlag(value: unknown): boolean | undefined {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (text === "1" || text === "true") return true;
    if (text === "0" || text === "false") return false;
  }
  return undefined;
}

/** A list where Qualys may send a single object for a one-element list (qualysdk wraps those too). */
export function listOf(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  return typeof value === "object" ? [value] : undefined;
}
