/**
 * One page of a listing as a tool answer: the records that fit the size limit, the total when the
 * API gives one, and a cursor. When the page is cut to size, the cursor asks for the same page
 * again and skips what was shown, so no record is lost to the limit.
 */
import { encodeCursor, type Args } from "./cursor.js";
import { fitJson, toJson } from "./json-fit.js";

export interface Page {
  /** This page's records, the ones an earlier answer showed already left out. */
  readonly items: readonly unknown[];
  readonly total?: number;
  /** The arguments that fetched this page (asked again when the answer is cut). */
  readonly pageArgs: Args;
  /** The next page's arguments; none on the last page. */
  readonly nextArgs?: Args;
  /** Records of this page shown by earlier answers. */
  readonly skipped: number;
  /** Said about the listing (a walk that stopped early, a server's odd total). */
  readonly notes?: readonly string[];
  /** False when a cursor cannot ask for this page again (an action that does not page). Default true. */
  readonly resumable?: boolean;
  /** True when the page was read only as far as the answer holds (a record stream): how many records it has is not known. */
  readonly unread?: boolean;
  /** Shown after the records: what else the page said (a VM list's rest-of-document). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface Listing {
  readonly text: string;
  readonly shown: number;
  readonly cursor?: string;
}

export function listingAnswer(tool: string, start: Args, page: Page, limit: number): Listing {
  const { items, skipped } = page;
  const notes = [...(page.notes ?? [])];
  if (skipped > 0) notes.push(`this page continues after the ${skipped} records shown before`);
  // The rest of the page gets at most a quarter of the room; the records come first.
  const extra = page.extra && fitJson(page.extra, Math.floor(limit / 4));
  if (extra?.cuts.length) notes.push(`the rest of the page was cut to fit: ${extra.cuts.join("; ")}`);
  // Room for the cursor, the counts and a note, whichever way the page ends.
  const reserve = encodeCursor(tool, { start, next: page.nextArgs ?? page.pageArgs, skip: skipped + items.length }).length + 600 + notes.join(" ").length + (extra?.text.length ?? 0);
  const room = limit - reserve;
  let used = 0;
  let fit = 0;
  for (const item of items) {
    const s = toJson(item).length + 1;
    if (used + s > room) break;
    used += s;
    fit++;
  }
  let shown: unknown[] = items.slice(0, fit);
  if (fit === 0 && items.length > 0) {
    // One record larger than the limit: shown cut down, rather than never.
    const cut = fitJson(items[0], Math.max(room, 256));
    shown = [JSON.parse(cut.text)];
    fit = 1;
    notes.push(`record ${skipped + 1} was cut to fit the size limit (${cut.cuts.join("; ")})`);
  }
  let cursor: string | undefined;
  if (fit < items.length && page.resumable === false) {
    notes.push(`the first ${fit} records shown (answer size limit); this listing does not page: narrow the request to see the others`);
  } else if (fit < items.length) {
    cursor = encodeCursor(tool, { start, next: page.pageArgs, skip: skipped + fit });
    notes.push(
      page.unread
        ? `${fit} records shown (answer size limit; the rest of the answer was not read); the cursor continues with the records after them`
        : `${fit} of this page's ${items.length} remaining records shown (answer size limit); the cursor continues with the rest of this page`,
    );
  } else if (page.nextArgs) {
    cursor = encodeCursor(tool, { start, next: page.nextArgs, skip: 0 });
  }
  const answer = {
    items: shown,
    count: shown.length,
    ...(page.total !== undefined ? { total: page.total } : {}),
    ...(cursor ? { cursor } : fit < items.length ? {} : { last: true }),
    ...(notes.length ? { note: notes.join("; ") } : {}),
    ...(extra ? (JSON.parse(extra.text) as Record<string, unknown>) : {}),
  };
  return { text: toJson(answer), shown: shown.length, cursor };
}
