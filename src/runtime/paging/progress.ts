import { NetworkError } from "../errors/network-error.js";
import { TimeoutError } from "../errors/timeout-error.js";

/**
 * A connection fault or timeout told with the records the walk had handed over before it, so a
 * caller knows how far a broken listing got. Other errors pass as they are.
 */
export function withRecords(err: unknown, records: number): unknown {
  return err instanceof NetworkError || err instanceof TimeoutError ? err.with({ records }) : err;
}
