import { QualysError } from "./qualys-error.js";

/**
 * A response body that is not the XML its schema expects: malformed or truncated XML, an HTML
 * error page, another root element, or a value that does not fit its type. Carries where.
 */
export class XmlParseError extends QualysError {
  override name = "XmlParseError";
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly excerpt: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(message: string, init: { line?: number; column?: number; excerpt?: string; httpStatus?: number } = {}) {
    const where = init.line !== undefined ? ` (line ${init.line}, column ${init.column ?? 0})` : "";
    super(`${message}${where}${init.excerpt ? `: ${JSON.stringify(init.excerpt)}` : ""}`);
    this.line = init.line;
    this.column = init.column;
    this.excerpt = init.excerpt;
    this.httpStatus = init.httpStatus;
  }
}
