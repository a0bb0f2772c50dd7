/**
 * Emits, from the decoded-XML schemas of a spec (those named by any `x-xml-schema` or
 * `x-actions[].xmlSchema`), the TypeScript interfaces of the decoded objects and the compact
 * runtime descriptors that drive the streaming decoder (src/runtime/xml/descriptor.ts documents
 * the schema convention).
 */

interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  xml?: { name?: string; attribute?: boolean; wrapped?: boolean };
  "x-xml-text"?: boolean;
  "x-xml-record"?: boolean;
}

interface Doc {
  components?: { schemas?: Record<string, Schema> };
}

const refName = (ref: string) => ref.replace("#/components/schemas/", "");

/** Every schema name an `x-xml-schema` / `xmlSchema` points at, in document order. */
function xmlRoots(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => xmlRoots(v, out));
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if ((key === "x-xml-schema" || key === "xmlSchema") && typeof v === "string") out.add(refName(v));
      else xmlRoots(v, out);
    }
  }
  return out;
}

export function emitXmlArtifacts(doc: Doc): { types: string; descriptors: string } {
  const schemas = doc.components?.schemas ?? {};
  const resolve = (s: Schema): Schema => {
    if (!s.$ref) return s;
    const target = schemas[refName(s.$ref)];
    if (!target) throw new Error(`x-xml-schema: unknown schema ${s.$ref}`);
    return target;
  };
  const roots = [...xmlRoots(doc)].sort();
  for (const r of roots) if (!schemas[r]?.xml?.name) throw new Error(`XML root schema ${r} needs xml.name (the root element)`);

  // ---- types ------------------------------------------------------------------------------
  const named = new Set<string>();
  const collect = (s: Schema | undefined) => {
    if (!s) return;
    if (s.$ref) {
      const name = refName(s.$ref);
      if (named.has(name)) return;
      named.add(name);
      collect(schemas[name]);
      return;
    }
    collect(s.items);
    Object.values(s.properties ?? {}).forEach(collect);
  };
  roots.forEach((r) => collect({ $ref: `#/components/schemas/${r}` }));

  const scalarType = (s: Schema): string => {
    const t = Array.isArray(s.type) ? s.type[0] : s.type;
    if (t === "string") return s.format === "date-time" || s.format === "date" ? "Date" : "string";
    if (t === "integer" || t === "number") return "number";
    if (t === "boolean") return "boolean";
    return "unknown";
  };
  const tsType = (s: Schema, indent: string): string => {
    if (s.$ref) return refName(s.$ref);
    if (s.type === "array") return `${wrap(tsType(s.items ?? {}, indent))}[]`;
    if (s.properties) return objectType(s, indent);
    return scalarType(s);
  };
  const wrap = (t: string) => (/^[\w.]+$/.test(t) ? t : `(${t})`);
  const objectType = (s: Schema, indent: string): string => {
    const inner = indent + "  ";
    const lines = Object.entries(s.properties ?? {}).map(([name, p]) => {
      const doc = p.description ? `${inner}/** ${p.description.replace(/\*\//g, "* /").replace(/\s+/g, " ").trim()} */\n` : "";
      const note = p["x-xml-record"] ? `${inner}/** Streamed record by record: absent from the rest-of-document object. */\n` : "";
      return `${doc}${note}${inner}${JSON.stringify(name).slice(1, -1).match(/^[A-Za-z_$][\w$]*$/) ? name : JSON.stringify(name)}?: ${tsType(p, inner)};`;
    });
    lines.push(`${inner}/** Elements and attributes the schema does not know, kept as decoded. */\n${inner}extra?: Record<string, unknown>;`);
    return `{\n${lines.join("\n")}\n${indent}}`;
  };
  const types = [...named]
    .sort()
    .map((name) => {
      const s = schemas[name]!;
      const doc = s.description ? `/** ${s.description.replace(/\*\//g, "* /").replace(/\s+/g, " ").trim()} */\n` : "";
      return s.properties || s.type === "object" ? `${doc}export interface ${name} ${objectType(s, "")}\n` : `${doc}export type ${name} = ${tsType(s, "")};\n`;
    })
    .join("\n");

  // ---- descriptors ------------------------------------------------------------------------
  type Element = Record<string, unknown>;
  const scalar = (s: Schema): string => {
    const t = Array.isArray(s.type) ? s.type[0] : s.type;
    if (t === "string") return s.format === "date-time" ? "date-time" : s.format === "date" ? "date" : "string";
    if (t === "integer" || t === "number" || t === "boolean") return t;
    throw new Error(`unsupported scalar type ${JSON.stringify(s.type)} in an XML schema`);
  };
  const elementName = (prop: Schema, fallback: string): string => prop.xml?.name ?? resolve(prop).xml?.name ?? fallback;
  const describe = (schemaIn: Schema, field: string, depth = 0): Element => {
    if (depth > 32) throw new Error("XML schema nests too deep (a $ref cycle?)");
    const s = resolve(schemaIn);
    if (!s.properties) return { field, type: scalar(s) };
    const children: Record<string, Element> = {};
    const attributes: Record<string, { field: string; type: string }> = {};
    let text: { field: string; type: string } | undefined;
    for (const [name, propIn] of Object.entries(s.properties)) {
      const prop = propIn;
      const resolved = resolve(prop);
      if (prop.xml?.attribute) attributes[prop.xml.name ?? name] = { field: name, type: scalar(resolved) };
      else if (prop["x-xml-text"]) text = { field: name, type: scalar(resolved) };
      else if (resolved.type === "array") {
        const items = resolved.items ?? {};
        const itemName = items.xml?.name ?? resolve(items).xml?.name ?? name;
        const record = prop["x-xml-record"] || resolved["x-xml-record"] ? { record: true } : {};
        if (prop.xml?.wrapped || resolved.xml?.wrapped) {
          children[prop.xml?.name ?? resolved.xml?.name ?? name] = {
            field: name,
            list: "wrapped",
            item: { name: itemName, element: describe(items, "item", depth + 1) },
            ...record,
          };
        } else {
          children[itemName] = { ...describe(items, name, depth + 1), field: name, list: "repeat", ...record };
        }
      } else children[elementName(prop, name)] = describe(prop, name, depth + 1);
    }
    return {
      field,
      ...(Object.keys(children).length ? { children } : {}),
      ...(Object.keys(attributes).length ? { attributes } : {}),
      ...(text ? { text } : {}),
    };
  };
  const descriptors =
    `import type { XmlRoot } from "../../runtime/xml/descriptor.js";\n\n` +
    roots
      .map((r) => `/** Decodes <${schemas[r]!.xml!.name}> into ${r}. */\nexport const ${r}: XmlRoot = ${JSON.stringify({ name: schemas[r]!.xml!.name, element: describe(schemas[r]!, "root") })};\n`)
      .join("\n");

  return { types, descriptors };
}
