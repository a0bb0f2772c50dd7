import { QualysError } from "./qualys-error.js";

/**
 * Why a paged walk could not go on:
 * - `usage`: the request cannot be paged as given (no `sort` for a searchAfter walk, a page size
 *   that is not a positive integer…). Nothing was sent.
 * - `bad-page`: a page does not have the shape the spec promises (the items are not a list, the
 *   last item has no cursor).
 * - `incomplete`: the server ended the listing before reaching its own total, so records would be
 *   missing (a capped page size, records changing under a page-number walk, a sort without a unique key).
 * - `stalled`: the server answered the same page again (it ignored the page number or the cursor);
 *   the walk stops instead of looping.
 * - `other`: anything else (the VM record streams use this error too).
 */
export type PagingProblem = "usage" | "bad-page" | "incomplete" | "stalled" | "other";

export interface PagingErrorDetails {
  readonly problem?: PagingProblem;
  /** Which page (1 = the first one this walk asked for) showed the problem. */
  readonly page?: number;
  /** Items the walk had yielded when it stopped. */
  readonly received?: number;
  /** Items the server said the listing holds (its total), when it said. */
  readonly expected?: number;
}

/** A paged call cannot go on: the request cannot be paged as given, or the server's pages do not add up. */
export class PagingError extends QualysError {
  override name = "PagingError";
  readonly problem: PagingProblem;
  readonly page: number | undefined;
  readonly received: number | undefined;
  readonly expected: number | undefined;

  constructor(message: string, details: PagingErrorDetails = {}) {
    super(message);
    this.problem = details.problem ?? "other";
    this.page = details.page;
    this.received = details.received;
    this.expected = details.expected;
  }
}
