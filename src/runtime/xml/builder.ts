/**
 * Turns tokenizer events (open / text / close) into decoded values, driven by an XmlElement
 * tree. Records go to `emit` the moment their element closes; everything else is assembled into
 * the rest-of-document. It keeps one frame per open element, so memory is bounded by nesting
 * depth plus the record being built.
 */
import { coerce, describeScalar, INVALID } from "./coerce.js";
import type { XmlElement, XmlScalar } from "./descriptor.js";
import { addExtra, appendRepeated, setOwn } from "./extra.js";
import { LIST, OBJECT, Plan, RAW, rootPlan, SCALAR, type Kind } from "./plan.js";
import { appendText, elementText, isXmlBlank, resetText, textBytes, trimXml, type TextAccumulator } from "./text.js";

/** One open element. Frames are reused per depth (a page has millions of elements, few levels). */
interface Frame extends TextAccumulator {
  name: string;
  /** Undefined for an element the schema does not know (RAW). */
  plan: Plan | undefined;
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
  /** The last known child opened in it: the next one is guessed from it. */
  last: Plan | undefined;
  /** Bits (Plan.bit) of the single-valued children stored in `obj`. */
  seen: number;
  /** The last two blank texts met at this depth: pretty-printing repeats the same few. */
  blank1: string;
  blank2: string;
}

const blankFrame = (): Frame => ({
  name: "",
  plan: undefined,
  kind: RAW,
  obj: undefined,
  arr: undefined,
  isItem: false,
  isRecord: false,
  inRecord: false,
  hasChildren: false,
  last: undefined,
  seen: 0,
  blank1: "",
  blank2: "",
  text: "",
  more: undefined,
  length: 0,
  cdataStart: -1,
  cdataEnd: -1,
  bytes: 0,
  counted: 0,
});

/**
 * The text of an element holding a typed value. CDATA keeps a string verbatim, but around a
 * number, date or boolean its spaces are only spaces: `<![CDATA[ 42 ]]>` is 42.
 */
function valueText(frame: Frame, type: XmlScalar): string {
  const text = elementText(frame);
  return frame.cdataStart >= 0 && type !== "string" ? trimXml(text) : text;
}

/** XML-blank text, compared first with the blank texts last met at this depth. */
function isBlank(frame: Frame, chunk: string): boolean {
  if (chunk === frame.blank1 || chunk === frame.blank2) return true;
  if (!isXmlBlank(chunk)) return false;
  frame.blank2 = frame.blank1;
  frame.blank1 = chunk;
  return true;
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

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    // Bounded before anything is kept: 100,000 nested unknown elements once filled `extra` so
    // deep that JSON.stringify overflowed the stack.
    if (this.depth >= this.limits.maxDepth) this.hooks.limit(`Elements nested deeper than ${this.limits.maxDepth} levels (maxDepth)`, name);
    if (this.depth === 0) {
      this.rootName = name;
      this.push(name, attributes, rootPlan(name, this.hooks.root(name)), false, false, false);
      return;
    }
    const parent = this.frames[this.depth - 1]!;
    const parentPlan = parent.plan;
    let plan: Plan | undefined;
    let isItem = false;
    let isRecord = false;
    if (parent.kind === OBJECT) {
      parent.hasChildren = true;
      const last = parent.last;
      const guess = last === undefined ? parentPlan!.first : last.next;
      if (guess !== undefined && guess.name === name) plan = guess;
      else {
        plan = parentPlan!.child(name);
        if (plan !== undefined) {
          if (last === undefined) parentPlan!.first = plan;
          else last.next = plan;
        }
      }
      if (plan !== undefined) {
        parent.last = plan;
        isRecord = plan.repeats && plan.record && !parent.inRecord && !this.collectRecords;
      }
    } else if (parent.kind === LIST && parentPlan!.itemName === name) {
      plan = parentPlan!.item();
      isItem = true;
      isRecord = parentPlan!.record && !parent.inRecord && !this.collectRecords;
    }
    this.push(name, attributes, plan, isItem, isRecord, parent.inRecord || isRecord);
  }

  private push(tagName: string, attributes: Readonly<Record<string, string>>, plan: Plan | undefined, isItem: boolean, isRecord: boolean, inRecord: boolean): void {
    const frame = (this.frames[this.depth] ??= blankFrame());
    frame.name = tagName;
    frame.plan = plan;
    frame.kind = plan === undefined ? RAW : plan.kind;
    frame.obj = undefined;
    frame.arr = undefined;
    frame.isItem = isItem;
    frame.isRecord = isRecord;
    frame.inRecord = inRecord;
    frame.hasChildren = false;
    frame.last = undefined;
    frame.seen = 0;
    resetText(frame);
    this.depth++;
    this.attributes(frame, tagName, attributes);
  }

  private attributes(frame: Frame, tagName: string, attributes: Readonly<Record<string, string>>): void {
    const known = frame.plan?.attributes;
    const kind = frame.kind;
    // UTF-16 units of names and values so far: UTF-8 needs at most 3 bytes per unit, so bytes
    // are counted (once, for all attributes) only when the limit is in reach. -1: counted.
    let units = 0;
    for (const name in attributes) {
      const raw = attributes[name]!;
      if (units >= 0 && (units += name.length + raw.length) * 3 > this.limits.maxTextBytes) {
        this.checkAttributes(tagName, attributes);
        units = -1;
      }
      const attribute = known !== undefined && Object.hasOwn(known, name) ? known[name] : undefined;
      if (attribute !== undefined) {
        (frame.obj ??= {})[attribute.field] = this.value(attribute.type === "string" ? raw : trimXml(raw), attribute.type, `${tagName}@${name}`);
      } else if (name !== "xmlns" && !name.startsWith("xmlns:")) {
        // Namespace declarations are syntax, not data.
        if (kind === RAW) setOwn((frame.obj ??= {}), `@${name}`, raw);
        else addExtra((frame.obj ??= {}), `@${name}`, raw);
      }
    }
  }

  /** All attributes of one element together, and each value alone, fit in maxTextBytes. */
  private checkAttributes(tagName: string, attributes: Readonly<Record<string, string>>): void {
    const max = this.limits.maxTextBytes;
    let total = 0;
    for (const name in attributes) {
      const value = Buffer.byteLength(attributes[name]!);
      if (value > max) this.hooks.limit(`Attribute ${name} of <${tagName}> holds more than ${max} bytes (maxTextBytes)`, `${tagName}@${name}`);
      total += Buffer.byteLength(name) + value;
    }
    if (total > max) this.hooks.limit(`The attributes of <${tagName}> hold more than ${max} bytes (maxTextBytes)`, tagName);
  }

  text(chunk: string, cdata: boolean): void {
    // Outside the root only whitespace and comments can occur (the tokenizer rejects the rest).
    if (this.depth === 0) return;
    const top = this.frames[this.depth - 1]!;
    // Blank text between child elements goes: skipping it keeps pretty-printing out of the
    // buffers. A scalar's text is trimmed when it closes, so its text is not looked at here.
    if (!cdata && top.kind !== SCALAR && top.length === 0 && top.cdataStart < 0 && isBlank(top, chunk)) return;
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
    const plan = frame.plan;
    switch (parent.kind) {
      case LIST:
        if (frame.isItem) (parent.arr ??= []).push(value);
        else addExtra((parent.obj ??= {}), frame.name, value);
        return;
      case OBJECT: {
        const obj = (parent.obj ??= {});
        if (plan === undefined) addExtra(obj, frame.name, value);
        else if (plan.repeats) {
          const list = obj[plan.field] as unknown[] | undefined;
          if (list === undefined) obj[plan.field] = [value];
          else list.push(value);
        } else if (plan.kind === LIST) {
          // A streamed list leaves nothing in the rest-of-document.
          if (plan.record && !parent.inRecord && !this.collectRecords) return;
          const list = obj[plan.field] as unknown[] | undefined;
          if (list === undefined) obj[plan.field] = value;
          else list.push(...(value as unknown[]));
        } else if (plan.bit !== 0 ? (parent.seen & plan.bit) === 0 : obj[plan.field] === undefined) {
          parent.seen |= plan.bit;
          obj[plan.field] = value;
        } else addExtra(obj, frame.name, value);
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
        const type = frame.plan!.type!;
        const text = valueText(frame, type);
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
        const target = frame.plan!.text;
        const text = frame.length === 0 ? "" : target === undefined ? elementText(frame) : valueText(frame, target.type);
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
