/**
 * The Prism mock answers every page with the spec's example, and an example's `totalCount` (80
 * jobs, say) need not match the two jobs it lists. Against a real server that mismatch means
 * records went missing, and the walk fails; against the mock it only means the example is a
 * sample. So with `--mock` alone, the listing ends where the mock's data ends, with one line on
 * stderr saying so: the user still sees what the mock served, and the exit code stays 0.
 */
import { PagingError } from "../runtime/errors/paging-error.js";

export async function* tolerateMockTotals<T>(records: AsyncIterable<T> | Iterable<T>, say: (line: string) => void): AsyncGenerator<T> {
  try {
    yield* records;
  } catch (err) {
    if (!(err instanceof PagingError) || err.problem !== "incomplete") throw err;
    say(
      `qualys: note: the mock's example says the listing holds ${err.expected ?? "more"} records but serves ${err.received ?? "fewer"}; ` +
        "shown as served (against a real server this stops with an error).",
    );
  }
}
