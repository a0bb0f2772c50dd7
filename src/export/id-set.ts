/**
 * Host and QID id lists: Qualys's ID_SET (single IDs and "a-b" ranges) expanded to sorted ids,
 * split into batches, and written back as the compact `ids=` form ("1-1000,1005").
 */
import { InvalidResponseError } from "../runtime/errors/invalid-response-error.js";

export interface IdSetLike {
  readonly id?: readonly string[];
  readonly idRange?: readonly string[];
}

/** Ranges past this many ids are refused: a corrupt answer must not exhaust memory. */
const MAX_IDS = 50_000_000;

export function expandIdSet(set: IdSetLike | undefined, operation: string): number[] {
  const ids: number[] = [];
  const bad = (what: string) => new InvalidResponseError(`${operation}: the ID_SET holds ${JSON.stringify(what).slice(0, 80)}, not an id or an id range`, operation, undefined);
  for (const raw of set?.id ?? []) {
    const n = Number(raw.trim());
    if (!Number.isSafeInteger(n) || n < 0) throw bad(raw);
    ids.push(n);
  }
  for (const raw of set?.idRange ?? []) {
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(raw);
    if (!m) throw bad(raw);
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (to < from || to - from > MAX_IDS || ids.length + (to - from) > MAX_IDS) throw bad(raw);
    for (let n = from; n <= to; n++) ids.push(n);
  }
  ids.sort((a, b) => a - b);
  return ids.filter((n, i) => i === 0 || ids[i - 1] !== n);
}

/** Sorted ids → consecutive batches of at most `size`, the first one `firstSize` (a small probe). */
export function splitBatches(ids: readonly number[], size: number, firstSize = size): number[][] {
  const out: number[][] = [];
  let at = 0;
  if (ids.length && firstSize < size) {
    out.push(ids.slice(0, firstSize));
    at = firstSize;
  }
  for (; at < ids.length; at += size) out.push(ids.slice(at, at + size));
  return out;
}

/** Sorted ids → Qualys range items: [1,2,3,7] → ["1-3", "7"]. */
export function toRanges(ids: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    out.push(i === j ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return out;
}

/** Range items back to ids (what export_batches.ids stores). */
export function fromRanges(items: readonly string[]): number[] {
  return expandIdSet({ id: items.filter((s) => !s.includes("-")), idRange: items.filter((s) => s.includes("-")) }, "export_batches.ids");
}
