/**
 * searchAfter pages list `{sortValues, data}` wrappers, and `items()` yields exactly what the spec's
 * `items` path points at, so the cursor of each record stays at hand (to resume a walk later with
 * `searchAfter`). `unwrapData` yields the records alone:
 *
 *   for await (const job of unwrapData(car.searchJobs.items({ body }))) job.id
 */
import { PagingError } from "../errors/paging-error.js";

export type Unwrapped<W> = W extends { readonly data?: infer D } ? Exclude<D, undefined> : never;

export async function* unwrapData<W>(items: AsyncIterable<W>): AsyncGenerator<Unwrapped<W>, void, undefined> {
  let index = 0;
  for await (const item of items) {
    index += 1;
    const data = item !== null && typeof item === "object" ? (item as { data?: unknown }).data : undefined;
    // A wrapper without its record would otherwise vanish from the walk unnoticed.
    if (data === undefined) {
      throw new PagingError(`item ${index} has no "data" to unwrap`, { problem: "bad-page", received: index - 1 });
    }
    yield data as Unwrapped<W>;
  }
}
