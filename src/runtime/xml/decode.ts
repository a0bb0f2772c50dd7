/**
 * Streaming, schema-driven XML decoding on the saxes tokenizer (chosen by measurement in
 * xml-perf.md: fast, strict about truncation and mismatched tags, never fetches a DTD, rejects
 * DTD-declared entities so XXE and entity bombs cannot happen; only the predefined and numeric
 * entities exist, each expanding to one character). Each record (a HOST with its DETECTION_LIST,
 * a VULN, a SCAN…) is handed out as soon as its element closes and the source is read one chunk
 * at a time as the consumer asks, so memory stays flat however large the page. Truncated or
 * malformed input is an error, never a silent partial result: records handed out before the
 * fault are complete, and the iterator then throws.
 */
import { SaxesParser } from "saxes";
import { XmlParseError, type XmlPosition } from "../errors/xml-parse-error.js";
import { DocumentBuilder, type BuilderHooks } from "./builder.js";
import { ERROR_DOCUMENTS } from "./builtin.js";
import type { XmlElement, XmlRoot } from "./descriptor.js";
import { redactedHead, redactedWindow, SECRET_MARGIN } from "../redact/cut.js";
import { apiErrorOf, summaryOf } from "./error-documents.js";
import { textPieces, type Piece, type XmlSource } from "./source.js";
import { newSummary, reportWarnings, type MutableSummary, type XmlDecodeSummary, type XmlDecodeWarning } from "./warnings.js";

export type { XmlSource } from "./source.js";
export type { XmlDecodeSummary, XmlDecodeWarning } from "./warnings.js";

/** Default for `maxTextBytes`: far above the largest RESULTS seen (~1 MB), far below memory trouble. */
export const DEFAULT_MAX_TEXT_BYTES = 32 * 1024 * 1024;
/** Default for `maxDepth`: Qualys documents nest about a dozen levels. */
export const DEFAULT_MAX_DEPTH = 256;

export interface DecodeOptions {
  /** HTTP status of the response, carried on errors (Qualys sends errors under 200 too). */
  readonly httpStatus?: number;
  /** Operation name for error messages. */
  readonly operation?: string;
  /**
   * Largest text of one element, of one attribute value, of all attributes of one element
   * together, and longest run of text, CDATA, comment or attribute without markup, in UTF-8
   * bytes. Default 32 MiB. Past it: XmlParseError.
   */
  readonly maxTextBytes?: number;
  /** Deepest nesting of elements, the root being level 1. Default 256. Past it: XmlParseError. */
  readonly maxDepth?: number;
  /**
   * The `charset` of the response's Content-Type, when it names one (see charsetOf). A byte
   * body is decoded in it unless it starts with a byte order mark; without it, the XML
   * declaration decides (UTF-8 when it names none). Ignored for text sources.
   */
  readonly charset?: string;
  /** Stops reading (and cancels the source) with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Told once the answer has been read when it held something worth a warning (bytes not valid
   * in its encoding, decoded as U+FFFD). Without it, the first such answer of the process is
   * reported as a process warning (code QUALYS_XML_INVALID_ENCODING); every answer counts them
   * on its stream's `summary` either way.
   */
  readonly onWarning?: (warning: XmlDecodeWarning) => void;
  /**
   * The client's redactor for text: what an error quotes of the body (an excerpt, a value, an
   * error document's text) is redacted before it is cut, so a cut cannot leave part of a secret.
   */
  readonly redact?: (text: string) => string;
  /**
   * The same secrets as a list of their forms (`Redactor.forms`), for a page decoder that decodes
   * in a worker thread, where `redact` cannot be posted; `decodeXml` itself uses `redact`.
   */
  readonly redactForms?: () => readonly string[];
}

/** Records of a document, one by one; iterate once. */
export interface XmlDecodeStream<R, D> extends AsyncIterable<R> {
  /**
   * Everything but the records (DATETIME, WARNING, GLOSSARY…). Settles once the records have
   * been read to the end: it resolves after the last record, rejects with the error that stopped
   * the stream, and rejects with an AbortError when the reader stops early. Iterate to drive it.
   */
  readonly document: Promise<D>;
  /** Counters of this answer (invalid byte sequences…): live while reading, final once `document` has settled. */
  readonly summary: XmlDecodeSummary;
}

/** Former name of XmlDecodeStream. */
export type XmlRecordStream<R, D> = XmlDecodeStream<R, D>;

/** The root element was <html>: classified with the head of the body once it is known. */
class HtmlRoot extends Error {}

const HTML = /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!doctype\s+html|<html[\s>])/i;
const HEAD = 512;
const TAIL = 80;

interface Settle {
  resolve(doc: unknown): void;
  reject(err: unknown): void;
}

/** The limits of a decode, checked when it is set up. */
function limitsOf(options: DecodeOptions): { maxTextBytes: number; maxDepth: number } {
  const maxTextBytes = options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxTextBytes) || maxTextBytes < 1) throw new RangeError(`decodeXml: maxTextBytes must be a positive integer, not ${maxTextBytes}`);
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new RangeError(`decodeXml: maxDepth must be a positive integer, not ${maxDepth}`);
  return { maxTextBytes, maxDepth };
}

async function* run(source: XmlSource, root: XmlRoot<unknown, unknown>, options: DecodeOptions, collect: boolean, settle: Settle, summary: MutableSummary): AsyncGenerator<unknown> {
  const limits = limitsOf(options);
  const { maxTextBytes } = limits;
  const httpStatus = options.httpStatus;
  const redact = options.redact;
  // With a redactor, enough of the previous piece is kept to see a secret the excerpt cuts through.
  const tailLength = redact ? TAIL + SECRET_MARGIN : TAIL;
  const parser = new SaxesParser({ position: true });
  const queue: unknown[] = [];
  // Where the current piece starts in the body, for byte offsets and excerpts on errors.
  let charsBefore = 0;
  let bytesBefore = 0;
  let piece = "";
  // Body bytes of a part of the piece, and the bytes before it that it does not show (a BOM).
  let measure: (text: string) => number = Buffer.byteLength;
  let skipped = 0;
  let tail = "";
  let head = "";
  let events = 0;
  let rootElement: XmlElement = root.element;

  const position = (): XmlPosition & { excerpt: string; httpStatus?: number } => {
    const index = Math.min(Math.max(parser.position - charsBefore, 0), piece.length);
    const context = tail + piece;
    const at = tail.length + index;
    return {
      line: parser.line,
      column: parser.column,
      offset: bytesBefore + skipped + measure(piece.slice(0, index)),
      excerpt: redactedWindow(context, at, 60, 20, redact),
      httpStatus,
    };
  };

  const hooks: BuilderHooks = {
    root(name) {
      if (name === root.name) return root.element;
      const errorDocument = ERROR_DOCUMENTS[name];
      if (errorDocument) return (rootElement = errorDocument.element);
      if (name.toLowerCase() === "html") throw new HtmlRoot();
      throw new XmlParseError(`Expected <${root.name}> but the document is <${name}>`, position());
    },
    emit(record) {
      queue.push(record);
    },
    invalid(expected, element, value) {
      const at = element.indexOf("@");
      const what = at < 0 ? `<${element}>` : `Attribute ${element.slice(at + 1)} of <${element.slice(0, at)}>`;
      throw new XmlParseError(`${what} should hold ${expected}, not ${JSON.stringify(redactedHead(value, 80, redact))}`, { ...position(), element, value: redactedHead(value, 200, redact) });
    },
    limit(message, element) {
      // No excerpt: it would be a slice of the oversized text or of the deep nesting.
      throw new XmlParseError(message, { ...position(), excerpt: undefined, element });
    },
  };
  const builder = new DocumentBuilder(hooks, collect, limits);
  parser.on("opentag", (tag) => {
    events++;
    builder.open(tag.name, tag.attributes as Record<string, string>);
  });
  parser.on("closetag", () => {
    events++;
    builder.close();
  });
  parser.on("text", (text) => {
    events++;
    builder.text(text, false);
  });
  parser.on("cdata", (text) => {
    events++;
    builder.text(text, true);
  });
  const tick = () => void events++;
  parser.on("comment", tick);
  parser.on("doctype", tick);
  parser.on("processinginstruction", tick);

  /** saxes throws plain Errors ("1:9: unclosed tag: HOST"); ours pass through. */
  const asParseError = (err: unknown, atEnd: boolean): unknown => {
    if (!(err instanceof Error) || err instanceof XmlParseError || err instanceof HtmlRoot || err.name !== "Error") return err;
    const reason = err.message.replace(/^\d+:\d+: /, "");
    const message = atEnd ? `The XML ends before the document is complete (truncated body?): ${reason}` : `Malformed XML: ${reason}`;
    return new XmlParseError(message, position());
  };

  const pieces = textPieces(source, options);
  let settled = false;
  try {
    let failure: unknown;
    let quiet = 0;
    for (;;) {
      const next: IteratorResult<Piece> = await pieces.next();
      if (next.done) break;
      const p = next.value;
      summary.encoding = p.encoding;
      summary.invalidSequences += p.replaced;
      summary.bytes += p.bytes;
      if (head.length < HEAD) head += p.text.slice(0, HEAD - head.length);
      if (failure !== undefined) {
        // Failed before the root: read a little further only to tell HTML or non-XML apart.
        if (head.length >= HEAD) break;
        continue;
      }
      piece = p.text;
      measure = p.byteLength;
      skipped = p.skipped;
      const before = events;
      try {
        parser.write(piece);
      } catch (err) {
        failure = asParseError(err, false);
      }
      // saxes buffers a text, CDATA, comment or attribute until its end: bound that too.
      quiet = events === before ? quiet + p.bytes : 0;
      if (failure === undefined && quiet > maxTextBytes) {
        failure = new XmlParseError(`More than ${maxTextBytes} bytes of text without markup (maxTextBytes)`, { ...position(), excerpt: undefined });
      }
      charsBefore += piece.length;
      bytesBefore += p.bytes;
      tail = piece.length >= tailLength ? piece.slice(-tailLength) : (tail + piece).slice(-tailLength);
      piece = "";
      // Records completed before a fault are whole: hand them out, then report the fault.
      for (let i = 0; i < queue.length; i++) {
        options.signal?.throwIfAborted();
        const record = queue[i];
        queue[i] = undefined;
        yield record;
      }
      queue.length = 0;
      if (failure !== undefined && (builder.rootName !== undefined && !(failure instanceof HtmlRoot))) break;
      if (failure !== undefined && head.length >= HEAD) break;
    }
    if (failure === undefined) {
      try {
        parser.close();
      } catch (err) {
        failure = asParseError(err, head.trim() !== "");
      }
    }
    if (failure !== undefined) throw classify(failure, builder.rootName === undefined, head, httpStatus, redact);
    const doc = builder.result;
    const rootName = builder.rootName!;
    const apiError = apiErrorOf(rootName, rootElement, doc, options);
    if (apiError) throw apiError;
    if (rootName !== root.name) {
      const said = summaryOf(rootName, rootElement, doc, redact);
      throw new XmlParseError(`Expected <${root.name}> but Qualys answered with <${rootName}>${said ? ` (${said})` : ""}`, { httpStatus });
    }
    settled = true;
    reportWarnings(summary, options);
    settle.resolve(doc);
  } catch (err) {
    if (!settled) reportWarnings(summary, options);
    settled = true;
    settle.reject(err);
    throw err;
  } finally {
    if (!settled) settle.reject(new DOMException("The record stream was closed before the end of the document", "AbortError"));
    await pieces.return(undefined);
  }
}

/** Errors before the root element usually mean the body is not XML at all: say which. */
function classify(failure: unknown, beforeRoot: boolean, head: string, httpStatus: number | undefined, redact: ((text: string) => string) | undefined): unknown {
  if (!beforeRoot && !(failure instanceof HtmlRoot)) return failure;
  const start = head.replace(/^\uFEFF/, "").trimStart();
  if (start === "") return new XmlParseError("The body is empty: no XML document", { httpStatus });
  if (failure instanceof HtmlRoot || HTML.test(start)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(head)?.[1]?.trim();
    return new XmlParseError("Qualys answered with an HTML page, not XML (a proxy, maintenance or login page?)", {
      excerpt: redactedHead(title || start, 80, redact),
      httpStatus,
    });
  }
  if (!start.startsWith("<")) return new XmlParseError("The body is not XML", { excerpt: redactedHead(start, 80, redact), httpStatus });
  return failure;
}

function settlePromise<D>(): { promise: Promise<D>; settle: Settle } {
  let settle!: Settle;
  const promise = new Promise<D>((resolve, reject) => (settle = { resolve: resolve as (d: unknown) => void, reject }));
  // Callers may want only the records; errors reach them through the iterator anyway.
  promise.catch(() => {});
  return { promise, settle };
}

/**
 * Streams the records (`x-xml-record`) of a document. `document` resolves with the rest of it
 * once the stream has been read to the end. Throws (from the iterator, and rejects `document`)
 * QualysApiError for a Qualys error document, XmlParseError for anything that is not the
 * expected, complete, well-formed document.
 */
export function decodeXml<R = unknown, D = unknown>(source: XmlSource, root: XmlRoot<R, D> | XmlRoot, options: DecodeOptions = {}): XmlDecodeStream<R, D> {
  limitsOf(options);
  const { promise, settle } = settlePromise<D>();
  const summary = newSummary();
  let used = false;
  return {
    document: promise,
    summary,
    [Symbol.asyncIterator]() {
      if (used) throw new Error("an XML record stream can be read only once");
      used = true;
      return run(source, root as XmlRoot, options, false, settle, summary) as AsyncGenerator<R>;
    },
  };
}

/** Decodes a whole (small) document, records included in their lists. Same errors as decodeXml. */
export async function decodeXmlDocument<D = unknown>(source: XmlSource, root: XmlRoot<unknown, D> | XmlRoot, options: DecodeOptions = {}): Promise<D> {
  const { promise, settle } = settlePromise<D>();
  for await (const _ of run(source, root as XmlRoot, options, true, settle, newSummary())) void _;
  return promise;
}
