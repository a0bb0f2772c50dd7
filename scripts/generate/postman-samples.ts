/**
 * Example values for Postman requests, from the spec: the operation's own example first, then the
 * schema's example / default / enum / const, else an empty value of the schema's type. Only
 * required properties go into a built JSON body, so a request is valid as generated.
 */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  format?: string;
}

export interface Doc {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, Schema>; parameters?: Record<string, unknown> };
  info?: { title?: string; description?: string };
}

/** Follows local `$ref`s ("#/components/…"). */
export function deref<T>(doc: Doc, value: T | { $ref?: string }, depth = 0): T {
  const ref = (value as { $ref?: string } | undefined)?.$ref;
  if (!ref || depth > 20) return value as T;
  const target = ref
    .replace(/^#\//, "")
    .split("/")
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  return deref(doc, target as T, depth + 1);
}

/** A value for `schema`, or undefined when it says nothing usable. */
export function sampleOf(doc: Doc, input: Schema | undefined, depth = 0): unknown {
  const schema = deref<Schema | undefined>(doc, input);
  if (!schema || depth > 6) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const alternative = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (alternative) return sampleOf(doc, alternative, depth + 1);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sampleOf(doc, s, depth + 1) ?? {}));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "object" || schema.properties) {
    const out: Record<string, unknown> = {};
    for (const name of schema.required ?? []) {
      const value = sampleOf(doc, schema.properties?.[name], depth + 1);
      out[name] = value ?? "";
    }
    return out;
  }
  if (type === "array") return [];
  if (type === "integer" || type === "number") return 0;
  if (type === "boolean") return false;
  if (type === "string") return "";
  return undefined;
}

/** A form or query value as Postman shows it: strings as they are, lists comma-joined, others JSON. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(asText).join(",");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
