/**
 * Streaming, schema-driven XML decoding on the saxes tokenizer (chosen by measurement:
 * xml-perf.md). Each record (a HOST with its DETECTION_LIST, a VULN, a SCAN…) is handed out as
 * soon as its element closes, so memory stays flat however large the page. Bytes are decoded
 * with a streaming TextDecoder because saxes would split multi-byte characters across chunks.
 * saxes never fetches a DTD and rejects DTD-declared entities, so XXE and entity bombs cannot
 * happen; truncated or mismatched input is an error, never a silent partial result.
 */
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { QualysApiError } from "../errors/qualys-api-error.js";
import { XmlParseError } from "../errors/xml-parse-error.js";
import { SERVICE_RESPONSE_ERROR, SIMPLE_RETURN } from "./builtin.js";
import { coerce } from "./coerce.js";
import type { XmlElement, XmlRoot } from "./descriptor.js";

export type XmlSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | ReadableStream<Uint8Array>;

export interface DecodeOptions {
  /** HTTP status of the response, reported on errors (Qualys sends errors under 200 too). */
  readonly httpStatus?: number;
  /** Operation name for error messages. */
  readonly operation?: string;
  /** Longest text of one element, in characters. Default 256 MiB. */
  readonly maxTextLength?: number;
}

export interface XmlRecordStream<R, D> extends AsyncIterable<R> {
  /** Everything but the records (DATETIME, WARNING…); settles once the stream has been read. */
  readonly document: Promise<D>;
}

type Part = { text: string; cdata: boolean };

interface Frame {
  readonly name: string;
  readonly el: XmlElement | undefined;
  readonly kind: "scalar" | "object" | "list" | "generic";
  readonly obj: Record<string, unknown>;
  readonly arr: unknown[];
  readonly parts: Part[];
  textLength: number;
  /** This element's value is a record: hand it out instead of storing it. */
  readonly isRecord: boolean;
  /** This element is an item of its parent wrapper list. */
  readonly isItem: boolean;
}

/** The value of an element's text: text outside CDATA is trimmed, CDATA is kept as is. */
function joinParts(parts: Part[]): string {
  if (!parts.some((p) => p.cdata)) return parts.map((p) => p.text).join("").trim();
  let start = 0;
  let end = parts.length;
  while (start < end && !parts[start]!.cdata && parts[start]!.text.trim() === "") start++;
  while (end > start && !parts[end - 1]!.cdata && parts[end - 1]!.text.trim() === "") end--;
  return parts.slice(start, end).map((p) => p.text).join("");
}

/** Arrays this decoder made for repeated unknown elements (as opposed to values that are arrays). */
const repeated = new WeakSet<unknown[]>();

function appendRepeated(holder: Record<string, unknown>, key: string, value: unknown): void {
  if (!(key in holder)) {
    holder[key] = value;
    return;
  }
  const prev = holder[key];
  if (Array.isArray(prev) && repeated.has(prev)) prev.push(value);
  else {
    const list = [prev, value];
    repeated.add(list);
    holder[key] = list;
  }
}

function addExtra(obj: Record<string, unknown>, key: string, value: unknown): void {
  appendRepeated((obj.extra ??= {}) as Record<string, unknown>, key, value);
}

/** Builds values from saxes events; records go to `emit`. One instance per document. */
class Builder {
  readonly stack: Frame[] = [];
  root: XmlRoot;
  result: unknown;
  /** Set when the body is a Qualys error document rather than the expected root. */
  errorKind: "simple-return" | "service-response" | undefined;
  started = false;

  constructor(
    readonly expected: XmlRoot,
    readonly emit: (record: unknown) => void,
    readonly where: () => { line: number; column: number },
    readonly maxText: number,
    readonly collectRecords: boolean,
    readonly httpStatus?: number,
  ) {
    this.root = expected;
  }

  open(tag: SaxesTagPlain): void {
    if (!this.started) return this.openRoot(tag);
    const parent = this.stack[this.stack.length - 1]!;
    let el: XmlElement | undefined;
    let isItem = false;
    let isRecord = false;
    if (parent.kind === "list") {
      const item = parent.el!.item;
      if (item && item.name === tag.name) {
        el = item.element;
        isItem = true;
        isRecord = !!parent.el!.record && !this.collectRecords;
      }
    } else if (parent.kind === "object") {
      el = parent.el!.children?.[tag.name];
      isRecord = !!el && el.list === "repeat" && !!el.record && !this.collectRecords;
    }
    this.push(tag, el, isItem, isRecord);
  }

  openRoot(tag: SaxesTagPlain): void {
    this.started = true;
    if (tag.name !== this.expected.name) {
      if (tag.name === "SIMPLE_RETURN") {
        this.root = SIMPLE_RETURN;
        this.errorKind = "simple-return";
      } else if (tag.name === "ServiceResponse") {
        this.root = SERVICE_RESPONSE_ERROR;
        this.errorKind = "service-response";
      } else if (tag.name.toLowerCase() === "html") {
        throw new XmlParseError("Qualys answered with an HTML page, not XML (a proxy, maintenance or login page?)", { ...this.where(), httpStatus: this.httpStatus });
      } else {
        throw new XmlParseError(`Expected <${this.expected.name}> but the document is <${tag.name}>`, { ...this.where(), httpStatus: this.httpStatus });
      }
    }
    this.push(tag, this.root.element, false, false);
  }

  push(tag: SaxesTagPlain, el: XmlElement | undefined, isItem: boolean, isRecord: boolean): void {
    const kind = !el ? "generic" : el.list === "wrapped" ? "list" : el.children || el.attributes || el.text ? "object" : "scalar";
    const frame: Frame = { name: tag.name, el, kind, obj: {}, arr: [], parts: [], textLength: 0, isRecord, isItem };
    for (const [name, raw] of Object.entries(tag.attributes)) {
      const value = String(raw);
      const attr = el?.attributes?.[name];
      if (attr) frame.obj[attr.field] = coerce(value, attr.type, `${tag.name} ${name}=`, this.where());
      else if (kind === "generic") frame.obj[`@${name}`] = value;
      else if (!name.startsWith("xmlns")) addExtra(frame.obj, `@${name}`, value);
    }
    this.stack.push(frame);
  }

  text(text: string, cdata: boolean): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    top.textLength += text.length;
    if (top.textLength > this.maxText) throw new XmlParseError(`<${top.name}> holds more text than the ${this.maxText}-character limit`, this.where());
    top.parts.push({ text, cdata });
  }

  close(): void {
    const frame = this.stack.pop()!;
    const value = this.finish(frame);
    const parent = this.stack[this.stack.length - 1];
    if (!parent) {
      this.result = value;
      return;
    }
    if (frame.isRecord) {
      this.emit(value);
      return;
    }
    if (value === undefined) return;
    if (parent.kind === "list") {
      if (frame.isItem) parent.arr.push(value);
      else addExtra(parent.obj, frame.name, value);
    } else if (parent.kind === "object" && frame.el) {
      if (frame.el.list === "repeat") ((parent.obj[frame.el.field] ??= []) as unknown[]).push(value);
      else if (!(frame.el.list === "wrapped" && frame.el.record && !this.collectRecords)) parent.obj[frame.el.field] = value;
    } else if (parent.kind === "generic") {
      appendRepeated(parent.obj, frame.name, value);
    } else {
      addExtra(parent.obj, frame.name, value);
    }
  }

  finish(frame: Frame): unknown {
    const where = this.where();
    switch (frame.kind) {
      case "scalar": {
        const text = joinParts(frame.parts);
        return text === "" ? undefined : coerce(text, frame.el!.type ?? "string", frame.name, where);
      }
      case "list": {
        if (Object.keys(frame.obj).length) {
          // Unknown children of a wrapper are kept beside the list, not dropped.
          const parent = this.stack[this.stack.length - 1];
          if (parent) addExtra(parent.obj, frame.name, frame.obj.extra ?? frame.obj);
        }
        return frame.arr;
      }
      case "object": {
        const text = joinParts(frame.parts);
        if (frame.el!.text) {
          if (text !== "") frame.obj[frame.el!.text.field] = coerce(text, frame.el!.text.type, frame.name, where);
        } else if (text !== "") addExtra(frame.obj, "#text", text);
        return frame.obj;
      }
      case "generic": {
        const text = joinParts(frame.parts);
        if (Object.keys(frame.obj).length === 0) return text;
        if (text !== "") frame.obj["#text"] = text;
        return frame.obj;
      }
    }
  }
}

function toIterable(source: XmlSource): AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> {
  if (typeof source === "string") return [source];
  if (Symbol.asyncIterator in source || Symbol.iterator in source) return source as AsyncIterable<Uint8Array | string>;
  const stream = source as ReadableStream<Uint8Array>;
  return {
    async *[Symbol.asyncIterator]() {
      const reader = stream.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
    },
  };
}

async function* run(
  source: XmlSource,
  root: XmlRoot,
  options: DecodeOptions,
  collectRecords: boolean,
  settle: { resolve(d: unknown): void; reject(e: unknown): void },
): AsyncGenerator<unknown> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const queue: unknown[] = [];
  let tail = "";
  const where = () => ({ line: parser.line, column: parser.column });
  const builder = new Builder(root, (r) => queue.push(r), where, options.maxTextLength ?? 256 * 1024 * 1024, collectRecords, options.httpStatus);
  let failure: unknown;
  parser.on("error", (err) => {
    failure ??= new XmlParseError(`Malformed XML: ${err.message.replace(/^.*?:\d+:\d+: /, "")}`, {
      ...where(),
      excerpt: tail.slice(-60),
      httpStatus: options.httpStatus,
    });
  });
  const guard = (fn: () => void) => {
    if (failure) return;
    try {
      fn();
    } catch (err) {
      failure = err;
    }
  };
  parser.on("opentag", (tag) => guard(() => builder.open(tag as SaxesTagPlain)));
  parser.on("closetag", () => guard(() => builder.close()));
  parser.on("text", (t) => guard(() => builder.text(t, false)));
  parser.on("cdata", (t) => guard(() => builder.text(t, true)));

  const decoder = new TextDecoder("utf-8");
  let received = 0;
  let sawText = false;
  try {
    for await (const chunk of guardSource(toIterable(source), () => received, options)) {
      received += chunk.length;
      const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
      tail = (tail + text).slice(-200);
      if (!sawText && text.trim()) {
        sawText = true;
        if (!failure && !text.trimStart().startsWith("<")) {
          failure = new XmlParseError("The body is not XML", { excerpt: text.trim().slice(0, 80), httpStatus: options.httpStatus });
        }
      }
      if (!failure) parser.write(text);
      // Records completed before a fault are whole: hand them out, then report the fault.
      while (queue.length) yield queue.shift();
      if (failure) throw failure;
    }
    const rest = decoder.decode();
    if (rest) parser.write(rest);
    if (!failure) parser.close();
    while (queue.length) yield queue.shift();
    if (failure) throw failure;
    if (!builder.started) throw new XmlParseError("The body is empty: no XML document", { httpStatus: options.httpStatus });
    const doc = builder.result as Record<string, unknown>;
    checkQualysError(builder, doc, options);
    settle.resolve(doc);
  } catch (err) {
    settle.reject(err);
    throw err;
  }
}

/** A body that breaks off (reset, abort, timeout) is a truncated document: say so, keep the cause. */
async function* guardSource(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  received: () => number,
  options: DecodeOptions,
): AsyncGenerator<Uint8Array | string> {
  const iterator = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<Uint8Array | string>)[Symbol.iterator]()) as
    | AsyncIterator<Uint8Array | string>
    | Iterator<Uint8Array | string>;
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array | string>;
      try {
        next = await iterator.next();
      } catch (err) {
        if ((err as Error)?.name === "AbortError" || (err as Error)?.name === "TimeoutError") throw err;
        throw new XmlParseError(`The response body broke off after ${received()} bytes (${(err as Error)?.message ?? String(err)})`, {
          httpStatus: options.httpStatus,
        });
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

function checkQualysError(builder: Builder, doc: Record<string, unknown>, options: DecodeOptions): void {
  const base = { httpStatus: options.httpStatus, operation: options.operation };
  if (builder.errorKind === "service-response" || builder.root.name === "ServiceResponse") {
    const code = doc.responseCode;
    if (typeof code === "string" && code !== "SUCCESS") {
      // The expected schema may not name responseErrorDetails; then it sits in `extra`.
      const extra = (doc.extra ?? {}) as Record<string, unknown>;
      const details = (doc.responseErrorDetails ?? extra.responseErrorDetails ?? {}) as { errorMessage?: string; errorResolution?: string };
      throw new QualysApiError({ ...base, code, text: details.errorMessage ?? code, resolution: details.errorResolution });
    }
    if (builder.errorKind) throw new QualysApiError({ ...base, code: String(code ?? "UNKNOWN"), text: "unexpected QPS ServiceResponse" });
  }
  if (builder.errorKind === "simple-return" || builder.root.name === "SIMPLE_RETURN") {
    const response = (doc.response ?? {}) as { code?: string; text?: string };
    if (response.code !== undefined) throw new QualysApiError({ ...base, code: response.code, text: response.text ?? "" });
    if (builder.errorKind) {
      throw new QualysApiError({ ...base, code: "UNKNOWN", text: `expected <${builder.expected.name}>, got SIMPLE_RETURN: ${response.text ?? ""}` });
    }
  }
}

/**
 * Streams the records of a document; `document` resolves with the rest of it once the stream
 * has been read to the end (or rejects with the error that stopped it).
 */
export function decodeXml<R = unknown, D = unknown>(source: XmlSource, root: XmlRoot, options: DecodeOptions = {}): XmlRecordStream<R, D> {
  let settle!: { resolve(d: unknown): void; reject(e: unknown): void };
  const document = new Promise<D>((resolve, reject) => (settle = { resolve: resolve as (d: unknown) => void, reject }));
  // The caller may only want the records; an error is thrown from the iterator anyway.
  document.catch(() => {});
  let used = false;
  return {
    document,
    [Symbol.asyncIterator]() {
      if (used) throw new Error("an XML stream can be read only once");
      used = true;
      return run(source, root, options, false, settle) as AsyncGenerator<R>;
    },
  };
}

/** Decodes a whole (small) document, records included in their lists. */
export async function decodeXmlDocument<D = unknown>(source: XmlSource, root: XmlRoot, options: DecodeOptions = {}): Promise<D> {
  let settle!: { resolve(d: unknown): void; reject(e: unknown): void };
  const document = new Promise<D>((resolve, reject) => (settle = { resolve: resolve as (d: unknown) => void, reject }));
  document.catch(() => {});
  for await (const _ of run(source, root, options, true, settle)) void _;
  return document;
}
