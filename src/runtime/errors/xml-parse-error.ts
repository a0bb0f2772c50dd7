import { QualysError } from "./qualys-error.js";

/** Where in the body a problem was detected. */
export interface XmlPosition {
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column, in UTF-16 code units (what an editor shows for BMP text). */
  readonly column?: number;
  /** 0-based byte offset in the UTF-8 body (exact for valid UTF-8). */
  readonly offset?: number;
}

/**
 * A response body that is not the XML its schema expects: malformed or truncated XML, a body
 * that broke off, an HTML error page or other non-XML, another root element, or a value that
 * does not fit its declared type. Says where, with a short excerpt of the body there.
 */
export class XmlParseError extends QualysError {
  override name = "XmlParseError";
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly offset: number | undefined;
  /** A few dozen characters of the body around the position (never the whole body). */
  readonly excerpt: string | undefined;
  /** For a value that does not fit its type: the element (or `ELEMENT@attribute`) and the value. */
  readonly element: string | undefined;
  readonly value: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(
    message: string,
    init: XmlPosition & { excerpt?: string; element?: string; value?: string; httpStatus?: number; cause?: unknown } = {},
  ) {
    const where =
      init.line !== undefined
        ? ` (line ${init.line}, column ${init.column ?? 0}${init.offset !== undefined ? `, byte ${init.offset}` : ""})`
        : init.offset !== undefined
          ? ` (byte ${init.offset})`
          : "";
    super(`${message}${where}${init.excerpt ? ` near ${JSON.stringify(init.excerpt)}` : ""}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.line = init.line;
    this.column = init.column;
    this.offset = init.offset;
    this.excerpt = init.excerpt;
    this.element = init.element;
    this.value = init.value;
    this.httpStatus = init.httpStatus;
  }
}
