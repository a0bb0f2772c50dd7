/**
 * Turns tokenizer events (open / text / close) into decoded values, driven by an XmlElement
 * tree. Records go to `emit` the moment their element closes; everything else is assembled into
 * the rest-of-document. It keeps one frame per open element, so memory is bounded by nesting
 * depth plus the record being built.
 */
import { coerce, describeScalar, INVALID } from "./coerce.js";
import type { XmlElement, XmlScalar } from "./descriptor.js";
import { addExtra, appendRepeated, setOwn } from "./extra.js";
import { appendText, elementText, isXmlBlank, resetText, textBytes, trimXml, type TextAccumulator } from "./text.js";

const SCALAR = 0;
const OBJECT = 1;
const LIST = 2;
/** Not in the schema: kept in its raw form. */
const RAW = 3;
type Kind = typeof SCALAR | typeof OBJECT | typeof LIST | typeof RAW;

/** One open element. Frames are reused per depth (a page has millions of elements, few levels). */
interface Frame extends TextAccumulator {
  name: string;
  el: XmlElement | undefined;
  kind: Kind;
  obj: Record<string, unknown> | undefined;
  arr: unknown[] | undefined;
  /** Item of the parent's wrapped list. */
  isItem: boolean;
  /** Its value is handed to `emit`, not stored. */
  isRecord: boolean;
  /** It is a record or inside one: markers below are ignored. */
  inRecord: boolean;
  /** A child element has opened in it (its empty text is then no value of its own). */
  hasChildren: boolean;
}

const blankFrame = (): Frame => ({
  name: "",
  el: undefined,
  kind: RAW,
  obj: undefined,
  arr: undefined,
  isItem: false,
  isRecord: false,
  inRecord: false,
  hasChildren: false,
  text: "",
  more: undefined,
  length: 0,
  cdataStart: -1,
  cdataEnd: -1,
  bytes: 0,
  counted: 0,
});

export interface Tag {
  readonly name: string;
  readonly attributes: Record<string, string>;
}

export interface BuilderHooks {
  /** The descriptor for the root element (may switch to an error-document descriptor), or throws. */
  root(name: string): XmlElement;
  emit(record: unknown): void;
  /** Throws the error for a value that does not fit, with the current position. */
  invalid(message: string, element: string, value: string): never;
  /** Throws the error for input past a limit (text size, attribute size, depth). */
  limit(message: string, element: string): never;
}

export interface BuilderLimits {
  /** Largest text of one element, and of the attributes of one element, in UTF-8 bytes. */
  readonly maxTextBytes: number;
  /** Deepest nesting of elements, the root being level 1. */
  readonly maxDepth: number;
}

export class DocumentBuilder {
  private readonly frames: Frame[] = [];
  private depth = 0;
  /** Root value once the root element has closed. */
  result: unknown;
  /** Root element name once seen. */
  rootName: string | undefined;

  constructor(
    private readonly hooks: BuilderHooks,
    /** decodeXmlDocument: records are collected into their lists, not emitted. */
    private readonly collectRecords: boolean,
    private readonly limits: BuilderLimits,
  ) {}

  open(tag: Tag): void {
    // Bounded before anything is kept: 100,000 nested unknown elements once filled `extra` so
    // deep that JSON.stringify overflowed the stack.
    if (this.depth >= this.limits.maxDepth) this.hooks.limit(`Elements nested deeper than ${this.limits.maxDepth} levels (maxDepth)`, tag.name);
    const parent = this.depth > 0 ? this.frames[this.depth - 1] : undefined;
    if (!parent) {
      this.rootName = tag.name;
      this.push(tag, this.hooks.root(tag.name), false, false, false);
      return;
    }
    let el: XmlElement | undefined;
    let isItem = false;
    let isRecord = false;
    if (parent.kind === LIST) {
      const item = parent.el!.item;
      if (item !== undefined && item.name === tag.name) {
        el = item.element;
        isItem = true;
        isRecord = parent.el!.record === true && !parent.inRecord && !this.collectRecords;
      }
    } else if (parent.kind === OBJECT) {
      parent.hasChildren = true;
      const children = parent.el!.children;
      el = children !== undefined && Object.hasOwn(children, tag.name) ? children[tag.name] : undefined;
      isRecord = el !== undefined && el.list === "repeat" && el.record === true && !parent.inRecord && !this.collectRecords;
    }
    this.push(tag, el, isItem, isRecord, parent.inRecord || isRecord);
  }

  private push(tag: Tag, el: XmlElement | undefined, isItem: boolean, isRecord: boolean, inRecord: boolean): void {
    const kind: Kind = el === undefined ? RAW : el.list === "wrapped" ? LIST : el.type !== undefined ? SCALAR : OBJECT;
    const frame = (this.frames[this.depth] ??= blankFrame());
    frame.name = tag.name;
    frame.el = el;
    frame.kind = kind;
    frame.obj = undefined;
    frame.arr = undefined;
    frame.isItem = isItem;
    frame.isRecord = isRecord;
    frame.inRecord = inRecord;
    frame.hasChildren = false;
    resetText(frame);
    const attributes = tag.attributes;
    // UTF-16 units of names and values so far: UTF-8 needs at most 3 bytes per unit, so bytes
    // are counted (once, for all attributes) only when the limit is in reach. -1: counted.
    let units = 0;
    for (const name in attributes) {
      const raw = attributes[name]!;
      if (units >= 0 && (units += name.length + raw.length) * 3 > this.limits.maxTextBytes) {
        this.checkAttributes(tag);
        units = -1;
      }
      const known = el?.attributes !== undefined && Object.hasOwn(el.attributes, name) ? el.attributes[name] : undefined;
      if (known !== undefined) {
        (frame.obj ??= {})[known.field] = this.value(known.type === "string" ? raw : trimXml(raw), known.type, `${tag.name}@${name}`);
      } else if (name !== "xmlns" && !name.startsWith("xmlns:")) {
        // Namespace declarations are syntax, not data.
        if (kind === RAW) setOwn((frame.obj ??= {}), `@${name}`, raw);
        else addExtra((frame.obj ??= {}), `@${name}`, raw);
      }
    }
    this.depth++;
  }

  /** All attributes of one element together, and each value alone, fit in maxTextBytes. */
  private checkAttributes(tag: Tag): void {
    const max = this.limits.maxTextBytes;
    let total = 0;
    for (const name in tag.attributes) {
      const value = Buffer.byteLength(tag.attributes[name]!);
      if (value > max) this.hooks.limit(`Attribute ${name} of <${tag.name}> holds more than ${max} bytes (maxTextBytes)`, `${tag.name}@${name}`);
      total += Buffer.byteLength(name) + value;
    }
    if (total > max) this.hooks.limit(`The attributes of <${tag.name}> hold more than ${max} bytes (maxTextBytes)`, tag.name);
  }

  text(chunk: string, cdata: boolean): void {
    // Outside the root only whitespace and comments can occur (the tokenizer rejects the rest).
    if (this.depth === 0) return;
    const top = this.frames[this.depth - 1]!;
    // Leading blank text is trimmed anyway; skipping it keeps pretty-printing out of the buffers.
    if (!cdata && top.length === 0 && top.cdataStart < 0 && isXmlBlank(chunk)) return;
    appendText(top, chunk, cdata);
    // UTF-8 needs at most 3 bytes per UTF-16 unit: count bytes only when the limit is in reach.
    const max = this.limits.maxTextBytes;
    if (top.length * 3 > max && textBytes(top) > max) this.hooks.limit(`<${top.name}> holds more than ${max} bytes of text (maxTextBytes)`, top.name);
  }

  close(): void {
    const frame = this.frames[--this.depth]!;
    const parent = this.depth > 0 ? this.frames[this.depth - 1] : undefined;
    const value = this.finish(frame, parent);
    // The frame is reused by the next sibling: drop what it held.
    frame.obj = undefined;
    frame.arr = undefined;
    resetText(frame);
    if (parent === undefined) {
      this.result = value;
      return;
    }
    if (frame.isRecord) {
      this.hooks.emit(value);
      return;
    }
    if (value === undefined) return;
    const el = frame.el;
    switch (parent.kind) {
      case LIST:
        if (frame.isItem) (parent.arr ??= []).push(value);
        else addExtra((parent.obj ??= {}), frame.name, value);
        return;
      case OBJECT: {
        const obj = (parent.obj ??= {});
        if (el === undefined) addExtra(obj, frame.name, value);
        else if (el.list === "repeat") {
          const list = obj[el.field] as unknown[] | undefined;
          if (list === undefined) obj[el.field] = [value];
          else list.push(value);
        } else if (el.list === "wrapped") {
          // A streamed list leaves nothing in the rest-of-document.
          if (el.record === true && !parent.inRecord && !this.collectRecords) return;
          const list = obj[el.field] as unknown[] | undefined;
          if (list === undefined) obj[el.field] = value;
          else list.push(...(value as unknown[]));
        } else if (obj[el.field] === undefined) obj[el.field] = value;
        else addExtra(obj, frame.name, value);
        return;
      }
      case RAW:
        appendRepeated((parent.obj ??= {}), frame.name, value);
        return;
      case SCALAR:
        // A child inside an element declared as a scalar: kept, and moved up when the scalar closes.
        addExtra((parent.obj ??= {}), frame.name, value);
        return;
    }
  }

  private finish(frame: Frame, parent: Frame | undefined): unknown {
    switch (frame.kind) {
      case SCALAR: {
        if (frame.obj !== undefined) this.keepAside(frame, parent, frame.obj.extra);
        const text = elementText(frame);
        const type = frame.el!.type!;
        // A present but empty string is "" (an empty CDATA title is real output); an empty
        // number, date or boolean has no value and stays absent.
        if (text === "") return type === "string" ? "" : undefined;
        return this.value(text, type, frame.name);
      }
      case LIST: {
        const text = frame.length === 0 ? "" : elementText(frame);
        if (frame.obj !== undefined || text !== "") {
          const aside = { ...(frame.obj?.extra as Record<string, unknown> | undefined) };
          if (text !== "") aside["#text"] = text;
          this.keepAside(frame, parent, aside);
        }
        return frame.arr ?? [];
      }
      case OBJECT: {
        const obj = (frame.obj ??= {});
        const text = frame.length === 0 ? "" : elementText(frame);
        const target = frame.el!.text;
        if (target !== undefined) {
          if (text !== "") obj[target.field] = this.value(text, target.type, frame.name);
          // `<QDS_FACTOR name="a"/>` has an empty string as its text, like an empty leaf.
          else if (target.type === "string" && !frame.hasChildren && obj[target.field] === undefined) obj[target.field] = "";
        } else if (text !== "") addExtra(obj, "#text", text);
        return obj;
      }
      case RAW: {
        const text = frame.length === 0 ? "" : elementText(frame);
        if (frame.obj === undefined) return text;
        if (text !== "") setOwn(frame.obj, "#text", text);
        return frame.obj;
      }
    }
  }

  /** Content a scalar or a list cannot hold in place goes to the parent's extra under the element name. */
  private keepAside(frame: Frame, parent: Frame | undefined, content: unknown): void {
    if (content === undefined) return;
    if (parent === undefined) return;
    addExtra((parent.obj ??= {}), frame.name, content);
  }

  private value(text: string, type: XmlScalar, element: string): unknown {
    const v = coerce(text, type);
    if (v === INVALID) this.hooks.invalid(describeScalar(type), element, text);
    return v;
  }
}
