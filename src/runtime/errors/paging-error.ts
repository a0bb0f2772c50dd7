import { QualysError } from "./qualys-error.js";

/** A paged call cannot go on: a page has the wrong shape, or the request cannot be paged as given. */
export class PagingError extends QualysError {
  override name = "PagingError";
}
