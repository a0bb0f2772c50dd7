/**
 * Emits src/generated/mcp-tools.ts: one Model Context Protocol tool per operation of every spec
 * (gateway operations by operationId, VM actions by function name), with its JSON Schema input
 * read from the operation's parameters and body (or the action's form parameters), its
 * description from the spec's summary and description, whether it only reads, and how it pages.
 * `qualys mcp` (src/mcp/) serves the table; nothing in it is written by hand.
 *
 * Left out: operations the spec gives no security (the token and session endpoints): the server
 * authenticates itself, and their answers are credentials.
 */
import { collectOperations } from "./operations.js";

type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;
/** Arguments the server itself adds to tools; no spec parameter may take these names. */
const RESERVED = new Set(["body", "cursor", "confirm"]);
/** OpenAPI-only keywords (and vendor extensions) that mean nothing to a JSON Schema validator or a model. */
const DROPPED = new Set(["example", "xml", "discriminator", "externalDocs"]);
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

interface Doc {
  paths?: Record<string, Record<string, Json>>;
  components?: Record<string, Record<string, Json>>;
}

/** Resolves a local `#/components/...` pointer of a bundled document. */
function resolve(doc: Doc, ref: string): Json {
  const parts = ref.replace(/^#\//, "").split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let at: unknown = doc;
  for (const part of parts) at = (at as Json | undefined)?.[part];
  if (!at || typeof at !== "object") throw new Error(`unresolved $ref ${ref}`);
  return at as Json;
}

/**
 * A self-contained JSON Schema: $refs inlined (a schema referring to itself goes to `$defs`),
 * OpenAPI-only keywords and read-only properties dropped (they are never sent).
 */
function inline(doc: Doc, schema: unknown, defs: Json, stack: string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(doc, s, defs, stack));
  if (!schema || typeof schema !== "object") return schema;
  const s = schema as Json;
  if (typeof s.$ref === "string") {
    const name = s.$ref.split("/").pop()!;
    if (stack.includes(s.$ref)) {
      if (!(name in defs)) {
        defs[name] = {};
        defs[name] = inline(doc, resolve(doc, s.$ref), defs, []);
      }
      return { $ref: `#/$defs/${name}` };
    }
    const { $ref, ...siblings } = s;
    const target = inline(doc, resolve(doc, $ref as string), defs, [...stack, $ref as string]) as Json;
    return { ...target, ...(inline(doc, siblings, defs, stack) as Json) };
  }
  const out: Json = {};
  const readOnly = new Set(
    Object.entries((s.properties ?? {}) as Record<string, Json>)
      .filter(([, p]) => (p.$ref ? resolve(doc, p.$ref as string) : p).readOnly === true)
      .map(([k]) => k),
  );
  for (const [key, value] of Object.entries(s)) {
    if (DROPPED.has(key) || key.startsWith("x-") || key === "readOnly") continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as Json)
          .filter(([k]) => !readOnly.has(k))
          .map(([k, v]) => [k, inline(doc, v, defs, stack)]),
      );
    } else if (key === "required" && Array.isArray(value)) {
      const required = value.filter((k) => !readOnly.has(k as string));
      if (required.length) out.required = required;
    } else if (value && typeof value === "object" && key !== "enum" && key !== "const" && key !== "default" && key !== "examples") {
      out[key] = inline(doc, value, defs, stack);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Up to two example values of a request body, as the spec gives them. */
function bodyExamples(media: Json | undefined): unknown[] {
  if (!media) return [];
  if (media.example !== undefined) return [media.example];
  return Object.values((media.examples ?? {}) as Record<string, Json>)
    .map((e) => e.value)
    .filter((v) => v !== undefined)
    .slice(0, 2);
}

function text(...parts: (string | undefined)[]): string {
  return parts
    .map((p) => p?.trim())
    .filter(Boolean)
    .join("\n\n");
}

const CURSOR = {
  type: "string",
  description: "Opaque cursor from the previous page's answer: pass it (alone, or with the same other arguments) to get the next page.",
};
const CONFIRM = {
  type: "boolean",
  description: "This call changes data in Qualys. Set to true only after the user has explicitly approved this exact call; without it the call is refused.",
};

function finish(properties: Json, required: string[], defs: Json, read: boolean, paged: boolean): Json {
  if (paged) properties.cursor = CURSOR;
  if (!read) {
    properties.confirm = CONFIRM;
    required = [...required, "confirm"];
  }
  return {
    type: "object",
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
    ...(Object.keys(defs).length ? { $defs: defs } : {}),
  };
}

function pagingNote(paged: boolean, read: boolean, deprecated: string | undefined): string | undefined {
  return text(
    deprecated,
    paged ? "Answers one page of records with `cursor` for the next page (none on the last)." : undefined,
    read ? undefined : "Changes data in Qualys: needs `confirm: true`, given only after the user approved the call.",
  );
}

/** A gateway (JSON) module: one tool per operation with security. */
function operationTools(module: string, doc: Doc): Json[] {
  const metas = new Map(collectOperations(doc as never).map((o) => [o.operationId, o.meta]));
  const tools: Json[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const meta = metas.get(op.operationId as string)!;
      if (meta.skipAuth) continue;
      const read = meta.idempotent === true && !["put", "patch", "delete"].includes(method);
      const where = `${module}.${String(op.operationId)}`;
      const defs: Json = {};
      const properties: Json = {};
      const required: string[] = [];
      const params: Record<string, string[]> = {};
      const declared = [...((item.parameters as Json[] | undefined) ?? []), ...((op.parameters as Json[] | undefined) ?? [])];
      for (const raw of declared) {
        const p = raw.$ref ? resolve(doc, raw.$ref as string) : raw;
        const name = p.name as string;
        const place = p.in as string;
        // Optional headers are protocol details (a versioned Accept…): the fetcher's defaults apply.
        if (place === "cookie" || (place === "header" && !p.required)) continue;
        if (RESERVED.has(name) || name in properties) throw new Error(`${where}: parameter "${name}" clashes with another tool argument`);
        const schema = inline(doc, p.schema ?? {}, defs) as Json;
        properties[name] = p.description && !schema.description ? { ...schema, description: p.description } : schema;
        if (p.required) required.push(name);
        (params[place] ??= []).push(name);
      }
      const content = ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
      const media = content["application/json"] ?? Object.values(content)[0];
      if (media) {
        const schema = inline(doc, media.schema ?? {}, defs) as Json;
        const examples = bodyExamples(media);
        properties.body = { ...schema, description: text(schema.description as string | undefined, "The request body."), ...(examples.length ? { examples } : {}) };
        if ((op.requestBody as Json).required) required.push("body");
      }
      const paging = meta.pagination as Json | undefined;
      const deprecated = meta.deprecated ? `Deprecated by Qualys${Object.entries(meta.deprecated as Json).map(([k, v]) => `; ${k} ${String(v)}`).join("")}.` : undefined;
      tools.push({
        name: `${module}_${String(op.operationId)}`,
        module,
        operation: op.operationId,
        kind: "operation",
        read,
        title: op.summary ?? op.operationId,
        description: text(op.summary as string | undefined, op.description as string | undefined, `\`${method.toUpperCase()} ${path}\``, pagingNote(!!paging, read, deprecated)),
        inputSchema: finish(properties, required, defs, read, !!paging),
        params,
        ...(media ? { body: true } : {}),
        output: (meta.parseAs as string | undefined) ?? "json",
        ...(paging ? { paging } : {}),
      });
    }
  }
  return tools;
}

interface Action {
  function: string;
  action?: string;
  method?: string;
  params: string;
  idempotent: boolean;
  paging: "truncation" | "qps" | "none";
  summary?: string;
}

/** An XML (VM) module: one tool per `x-actions` entry, its arguments the action's form parameters. */
function actionTools(module: string, doc: Doc): Json[] {
  const tools: Json[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as Json;
      if (!Array.isArray(op["x-actions"])) continue;
      if (Array.isArray(op.security) && op.security.length === 0) continue;
      for (const a of op["x-actions"] as Action[]) {
        const defs: Json = {};
        const params = inline(doc, { $ref: a.params }, defs) as Json;
        const properties = { ...((params.properties ?? {}) as Json) };
        delete properties.action;
        for (const name of Object.keys(properties)) if (RESERVED.has(name)) throw new Error(`${module}.${a.function}: parameter "${name}" clashes with a tool argument`);
        const required = ((params.required ?? []) as string[]).filter((r) => r !== "action");
        const paged = a.paging !== "none";
        const dates = { endOfSupport: op["x-end-of-support"], endOfLife: op["x-end-of-life"], replacement: op["x-replaced-by"] };
        const deprecated = op.deprecated ? `Deprecated by Qualys at the documented path${Object.entries(dates).filter(([, v]) => v).map(([k, v]) => `; ${k} ${String(v)}`).join("")}.` : undefined;
        tools.push({
          name: `${module}_${a.function}`,
          module,
          operation: a.function,
          kind: "action",
          read: a.idempotent === true,
          title: a.summary ?? a.function,
          description: text(a.summary, params.description as string | undefined, `\`${(a.method ?? method).toUpperCase()} ${path}\`${a.action ? ` action=${a.action}` : ""}`, pagingNote(paged, a.idempotent, deprecated)),
          inputSchema: finish(properties, required, defs, a.idempotent, paged),
          ...(paged ? { paging: a.paging } : {}),
        });
      }
    }
  }
  return tools;
}

/** The tool table for every module, in module order; `xml(module)` says which modules are VM-style XML actions. */
export function emitMcpTools(docs: ReadonlyMap<string, unknown>, xml: (module: string) => boolean): string {
  const tools: Json[] = [];
  for (const [module, doc] of [...docs].sort(([a], [b]) => a.localeCompare(b))) {
    tools.push(...(xml(module) ? actionTools(module, doc as Doc) : operationTools(module, doc as Doc)));
  }
  const names = new Set<string>();
  for (const t of tools) {
    const name = t.name as string;
    if (!NAME.test(name)) throw new Error(`MCP tool name ${name} is not 1–64 characters of A-Z a-z 0-9 _ . -`);
    if (names.has(name)) throw new Error(`MCP tool ${name} is defined twice`);
    names.add(name);
  }
  return `// Generated by scripts/generate.ts from every spec in redocly.yaml. Do not edit: change the specs and run \`npm run generate\`.
/* eslint-disable */

import type { McpToolSpec } from "../mcp/tool-spec.js";

/** One MCP tool per operation and VM action, in module order (\`qualys mcp\`). */
export const mcpTools: readonly McpToolSpec[] = [
${tools.map((t) => `  ${JSON.stringify(t)},`).join("\n")}
];
`;
}
