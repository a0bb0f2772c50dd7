/**
 * XML emitter: from the decoded-XML schemas of a bundled OpenAPI document (every schema a
 * `x-xml-schema` value, or an `xmlSchema` inside `x-actions`, points at, and what they $ref),
 * emits (a) the TypeScript interfaces of the decoded objects and (b) one compact runtime
 * descriptor per root schema for the streaming decoder. The convention is documented at the top
 * of src/runtime/xml/descriptor.ts. Output is deterministic (sorted, no timestamps). A schema
 * that breaks the convention fails generation with a message naming it.
 */
import type { XmlElement, XmlRoot, XmlScalar, XmlValue } from "../../src/runtime/xml/descriptor.js";

interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  xml?: { name?: string; attribute?: boolean; wrapped?: boolean };
  "x-xml-text"?: boolean;
  "x-xml-record"?: boolean;
}

interface Doc {
  components?: { schemas?: Record<string, Schema> };
}

export interface XmlEmitOptions {
  /** Import path of the descriptor types, from the descriptors module. */
  readonly runtimeImport?: string;
  /** Import path of the emitted types module, from the descriptors module. */
  readonly typesImport?: string;
}

const PREFIX = "#/components/schemas/";
const MAX_DEPTH = 40;

function refName(ref: string): string {
  if (!ref.startsWith(PREFIX)) throw new Error(`XML schema: only local component $refs are supported, got ${ref}`);
  return decodeURIComponent(ref.slice(PREFIX.length).replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Every schema an `x-xml-schema` / `xmlSchema` value points at, sorted. */
export function xmlRootNames(doc: unknown): string[] {
  const out = new Set<string>();
  const visit = (value: unknown, inActions: boolean) => {
    if (Array.isArray(value)) value.forEach((v) => visit(v, inActions));
    else if (value && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        const pointer = typeof v === "string" ? v : v && typeof v === "object" && typeof (v as Schema).$ref === "string" ? (v as Schema).$ref! : undefined;
        if ((key === "x-xml-schema" || (inActions && key === "xmlSchema")) && pointer) out.add(refName(pointer));
        else visit(v, inActions || key === "x-actions");
      }
    }
  };
  visit(doc, false);
  return [...out].sort();
}

class SchemaReader {
  readonly schemas: Record<string, Schema>;

  constructor(doc: Doc) {
    this.schemas = doc.components?.schemas ?? {};
  }

  named(name: string, from: string): Schema {
    const s = this.schemas[name];
    if (!s) throw new Error(`${from}: unknown schema #/components/schemas/${name}`);
    return s;
  }

  /** Follows $refs and merges allOf, keeping the outermost xml/description. */
  resolve(s: Schema, where: string, depth = 0): Schema {
    if (depth > MAX_DEPTH) throw new Error(`${where}: $ref chain too deep (a cycle?)`);
    if (s.$ref) {
      const target = this.resolve(this.named(refName(s.$ref), where), where, depth + 1);
      const { $ref: _, ...rest } = s;
      return { ...target, ...rest, xml: { ...target.xml, ...rest.xml } };
    }
    if (s.allOf?.length) {
      const parts = s.allOf.map((p) => this.resolve(p, where, depth + 1));
      const merged: Schema = { ...s, allOf: undefined };
      for (const p of parts) {
        if (p.properties) merged.properties = { ...merged.properties, ...p.properties };
        merged.type ??= p.type;
        merged.format ??= p.format;
        merged.enum ??= p.enum;
        merged.items ??= p.items;
        merged.xml = { ...p.xml, ...merged.xml };
        merged.description ??= p.description;
      }
      return merged;
    }
    return s;
  }
}

function primaryType(s: Schema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== "null");
  if (s.type) return s.type;
  if (s.properties) return "object";
  if (s.items) return "array";
  if (s.enum?.length) return typeof s.enum[0] === "number" ? "number" : typeof s.enum[0] === "boolean" ? "boolean" : "string";
  return undefined;
}

function scalarOf(s: Schema, where: string): XmlScalar {
  const t = primaryType(s);
  if (t === "string") return s.format === "date-time" ? "date-time" : s.format === "date" ? "date" : "string";
  if (t === "integer" || t === "number" || t === "boolean") return t;
  throw new Error(`${where}: an XML attribute or text needs a scalar type (string, integer, number, boolean), got ${JSON.stringify(s.type ?? null)}`);
}

/** `type: object` (or properties) decodes to an object; anything else with a type to a scalar. */
function isObject(s: Schema): boolean {
  return primaryType(s) === "object" || primaryType(s) === undefined;
}

/** Builds the runtime descriptors (plain JSON) of every XML root schema of the document. */
export function buildXmlDescriptors(doc: unknown): Record<string, XmlRoot> {
  const reader = new SchemaReader(doc as Doc);
  const out: Record<string, XmlRoot> = {};
  for (const name of xmlRootNames(doc)) {
    const schema = reader.resolve(reader.named(name, "x-xml-schema"), name);
    if (!schema.xml?.name) throw new Error(`XML root schema ${name} needs xml.name (the root element)`);
    if (!isObject(schema)) throw new Error(`XML root schema ${name} must be an object schema`);
    const element = describeObject(reader, schema, "root", name, 0);
    const records = recordFields(element);
    // decodeXml yields one record type: two streamed lists in one document would mix them.
    if (records.length > 1) throw new Error(`XML root schema ${name} marks ${records.length} lists with x-xml-record (${records.join(", ")}); one at most`);
    out[name] = { name: schema.xml.name, element };
  }
  return out;
}

/** Fields of the streamed lists of a document (markers inside a record do not stream). */
function recordFields(element: XmlElement): string[] {
  if (element.record) return [element.field];
  const below = [...Object.values(element.children ?? {}), ...(element.item ? [element.item.element] : [])];
  return below.flatMap(recordFields);
}

function describeObject(reader: SchemaReader, s: Schema, field: string, where: string, depth: number): XmlElement {
  if (depth > MAX_DEPTH) throw new Error(`${where}: XML schema nests too deep (a $ref cycle?)`);
  const children: Record<string, XmlElement> = {};
  const attributes: Record<string, XmlValue> = {};
  let text: XmlValue | undefined;
  const claim = (map: Record<string, unknown>, key: string, what: string, at: string) => {
    if (Object.hasOwn(map, key)) throw new Error(`${at}: ${what} <${key}> is mapped twice in ${where}`);
  };
  for (const [prop, raw] of Object.entries(s.properties ?? {})) {
    const at = `${where}.${prop}`;
    if (prop === "extra") throw new Error(`${at}: "extra" is reserved for content the schema does not describe`);
    const p = reader.resolve(raw, at);
    const ownXml = raw.xml ?? {};
    if (ownXml.attribute || p.xml?.attribute) {
      if (raw["x-xml-text"]) throw new Error(`${at}: a property cannot be both an attribute and the text`);
      const attr = ownXml.name ?? prop;
      claim(attributes, attr, "attribute", at);
      attributes[attr] = { field: prop, type: scalarOf(p, at) };
      continue;
    }
    if (raw["x-xml-text"] || p["x-xml-text"]) {
      if (text) throw new Error(`${at}: only one property can be x-xml-text in ${where}`);
      text = { field: prop, type: scalarOf(p, at) };
      continue;
    }
    const record = raw["x-xml-record"] || p["x-xml-record"] ? { record: true as const } : {};
    if (primaryType(p) === "array") {
      const itemsRaw = p.items ?? {};
      const items = reader.resolve(itemsRaw, `${at}[]`);
      const itemElement = isObject(items) ? describeObject(reader, items, "item", `${at}[]`, depth + 1) : { field: "item", type: scalarOf(items, `${at}[]`) };
      if (ownXml.wrapped || p.xml?.wrapped) {
        const wrapper = ownXml.name ?? p.xml?.name ?? prop;
        const itemName = itemsRaw.xml?.name ?? items.xml?.name;
        if (!itemName) throw new Error(`${at}: the items of a wrapped list need xml.name (the repeated element)`);
        claim(children, wrapper, "element", at);
        children[wrapper] = { field: prop, list: "wrapped", item: { name: itemName, element: itemElement }, ...record };
      } else {
        const itemName = itemsRaw.xml?.name ?? items.xml?.name ?? ownXml.name ?? p.xml?.name ?? prop;
        claim(children, itemName, "element", at);
        children[itemName] = { ...itemElement, field: prop, list: "repeat", ...record };
      }
      continue;
    }
    if (record.record) throw new Error(`${at}: x-xml-record belongs on an array property`);
    const elementName = ownXml.name ?? p.xml?.name ?? prop;
    claim(children, elementName, "element", at);
    children[elementName] = isObject(p) ? describeObject(reader, p, prop, at, depth + 1) : { field: prop, type: scalarOf(p, at) };
  }
  return {
    field,
    ...(Object.keys(children).length ? { children } : {}),
    ...(Object.keys(attributes).length ? { attributes } : {}),
    ...(text ? { text } : {}),
  };
}

/** Field path from a root to its streamed record list, and the list's item schema. */
function recordPath(reader: SchemaReader, s: Schema, where: string, depth = 0): { path: string[]; items: Schema } | undefined {
  if (depth > MAX_DEPTH) return undefined;
  for (const [prop, raw] of Object.entries(s.properties ?? {})) {
    const p = reader.resolve(raw, `${where}.${prop}`);
    if (primaryType(p) === "array") {
      if (raw["x-xml-record"] || p["x-xml-record"]) return { path: [prop], items: p.items ?? {} };
      continue;
    }
    if (p.properties) {
      const found = recordPath(reader, p, `${where}.${prop}`, depth + 1);
      if (found) return { path: [prop, ...found.path], items: found.items };
    }
  }
  return undefined;
}

// ---- TypeScript types ---------------------------------------------------------------------

const IDENT = /^[A-Za-z_$][\w$]*$/;
const key = (name: string) => (IDENT.test(name) ? name : JSON.stringify(name));
const comment = (text: string, indent: string) => `${indent}/** ${text.replace(/\*\//g, "* /").replace(/\s+/g, " ").trim()} */\n`;

class TypeWriter {
  readonly used = new Set<string>();

  constructor(private readonly reader: SchemaReader) {}

  /** Named schemas reachable from the roots. */
  collect(s: Schema | undefined, where: string, depth = 0): void {
    if (!s || depth > MAX_DEPTH) return;
    if (s.$ref) {
      const name = refName(s.$ref);
      if (this.used.has(name)) return;
      this.used.add(name);
      this.collect(this.reader.named(name, where), name, depth + 1);
      return;
    }
    s.allOf?.forEach((p) => this.collect(p, where, depth + 1));
    this.collect(s.items, where, depth + 1);
    for (const p of Object.values(s.properties ?? {})) this.collect(p, where, depth + 1);
  }

  type(s: Schema, indent: string, where: string): string {
    if (s.$ref && !s.allOf) return refName(s.$ref);
    // `allOf: [{$ref}]` is how OpenAPI 3.0 tools attach a description to a $ref.
    if (!s.$ref && !s.properties && s.allOf?.length === 1 && s.allOf[0]!.$ref) return refName(s.allOf[0]!.$ref);
    const r = s.allOf ? this.reader.resolve(s, where) : s;
    const t = primaryType(r);
    if (t === "array") {
      const inner = this.type(r.items ?? {}, indent, `${where}[]`);
      return IDENT.test(inner) || /^\w+(\.\w+)*$/.test(inner) ? `${inner}[]` : `(${inner})[]`;
    }
    if (t === "object" || t === undefined) return this.object(r, indent, where);
    if (t === "string") {
      if (r.format === "date-time" || r.format === "date") return "Date";
      // Known values help completion; Qualys adds values, so any string stays allowed.
      const values = (r.enum ?? []).filter((v): v is string => typeof v === "string");
      return values.length ? `${values.map((v) => JSON.stringify(v)).join(" | ")} | (string & {})` : "string";
    }
    if (t === "integer" || t === "number") return "number";
    if (t === "boolean") return "boolean";
    return "unknown";
  }

  object(s: Schema, indent: string, where: string): string {
    const inner = `${indent}  `;
    const lines: string[] = [];
    for (const [prop, p] of Object.entries(s.properties ?? {})) {
      const resolved = this.reader.resolve(p, `${where}.${prop}`);
      const notes = [p.description ?? (p.$ref ? undefined : resolved.description)].filter(Boolean) as string[];
      const xml = p.xml ?? {};
      if (xml.attribute) notes.push(`Attribute \`${xml.name ?? prop}\`.`);
      if (p["x-xml-text"]) notes.push("The element's text.");
      if (p["x-xml-record"] || resolved["x-xml-record"]) notes.push("Streamed record by record: absent from the rest-of-document object.");
      const doc = notes.length ? comment(notes.join(" "), inner) : "";
      lines.push(`${doc}${inner}${key(prop)}?: ${this.type(p, inner, `${where}.${prop}`)};`);
    }
    lines.push(`${inner}/** Undeclared elements and attributes, kept raw (src/runtime/xml/descriptor.ts). */\n${inner}extra?: Record<string, unknown>;`);
    return `{\n${lines.join("\n")}\n${indent}}`;
  }
}

/** The TypeScript source of the decoded types and the descriptors module. */
export function emitXmlArtifacts(doc: unknown, options: XmlEmitOptions = {}): { types: string; descriptors: string } {
  const reader = new SchemaReader(doc as Doc);
  const descriptors = buildXmlDescriptors(doc);
  const roots = Object.keys(descriptors);

  const writer = new TypeWriter(reader);
  for (const r of roots) writer.collect({ $ref: `${PREFIX}${r}` }, r);
  const types = [...writer.used]
    .sort()
    .map((name) => {
      const s = reader.named(name, name);
      const doc = s.description ? comment(s.description, "") : "";
      const t = primaryType(reader.resolve(s, name));
      return t === "object" || t === undefined ? `${doc}export interface ${name} ${writer.object(reader.resolve(s, name), "", name)}\n` : `${doc}export type ${name} = ${writer.type(s, "", name)};\n`;
    })
    .join("\n");

  const runtimeImport = options.runtimeImport ?? "../../runtime/xml/descriptor.js";
  const typesImport = options.typesImport ?? "./xml-types.js";
  const shared = sharedElements(Object.values(descriptors));
  const body = roots.map((r) => {
    const root = descriptors[r]!;
    const found = recordPath(reader, reader.resolve(reader.named(r, r), r), r);
    let record = "never";
    if (found) {
      const itemType = found.items.$ref && !found.items.allOf ? `T.${refName(found.items.$ref)}` : undefined;
      record = itemType ?? found.path.reduce((acc, f) => `NonNullable<${acc}[${JSON.stringify(f)}]>`, `T.${r}`) + "[number]";
    }
    const note = found ? `streams ${found.path.join(".")} record by record` : "no streamed records";
    return `/** Decodes <${root.name}> into ${r} (${note}). */\nexport const ${r}: XmlRoot<${record}, T.${r}> = ${serialize(root, shared)};\n`;
  });
  const sharedSource = [...shared].map(([json, id]) => `const ${id}: XmlElement = ${serialize(JSON.parse(json), shared, json)};\n`).join("");
  const imports = roots.length
    ? `import type { XmlElement, XmlRoot } from ${JSON.stringify(runtimeImport)};\nimport type * as T from ${JSON.stringify(typesImport)};\n\n` +
      (sharedSource ? `// Element descriptors used by more than one root.\n${sharedSource}\n` : "")
    : "export {};\n";
  return { types: types || "export {};\n", descriptors: imports + body.join("\n") };
}

/** Smallest element subtree worth naming once instead of repeating. */
const SHARED_MIN_CHARS = 100;

/**
 * Element subtrees that occur more than once across the roots (REQUEST, WARNING, TAGS…), in
 * definition order: shorter first, so a subtree is defined before any subtree that uses it.
 */
function sharedElements(roots: readonly XmlRoot[]): Map<string, string> {
  const counts = new Map<string, number>();
  const walk = (value: unknown) => {
    if (!value || typeof value !== "object") return;
    if (typeof (value as XmlElement).field === "string") {
      const json = JSON.stringify(value);
      if (json.length >= SHARED_MIN_CHARS) counts.set(json, (counts.get(json) ?? 0) + 1);
    }
    for (const v of Object.values(value)) walk(v);
  };
  roots.forEach((r) => walk(r.element));
  const repeated = [...counts].filter(([, n]) => n > 1).map(([json]) => json);
  repeated.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return new Map(repeated.map((json, i) => [json, `e${i}`]));
}

/** JSON, with shared subtrees replaced by their constant's name. */
function serialize(value: unknown, shared: Map<string, string>, self?: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => serialize(v, shared)).join(",")}]`;
  if (typeof (value as XmlElement).field === "string") {
    const json = JSON.stringify(value);
    const id = json === self ? undefined : shared.get(json);
    if (id) return id;
  }
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${serialize(v, shared)}`)
    .join(",")}}`;
}
