/**
 * Emits the typed action functions of a VM (XML API) module from the `x-actions` lists of its
 * spec: one function per action, with its form parameters typed from the spec and its result
 * typed from the decoded XML schema (a stream of records, a decoded document, or the raw body).
 */
import { pascal } from "./operations.js";

interface Action {
  action?: string;
  method?: "get" | "post";
  kind?: "form" | "qps";
  function: string;
  params: string;
  xmlSchema?: string;
  output?: "raw";
  example: string;
  idempotent: boolean;
  paging: "truncation" | "qps" | "none";
  summary?: string;
}

interface Schema {
  $ref?: string;
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  "x-xml-record"?: boolean;
}

interface Doc {
  paths?: Record<string, Record<string, { "x-actions"?: Action[]; deprecated?: boolean; security?: unknown[]; "x-rate-limit-exempt"?: boolean; "x-end-of-support"?: string; "x-end-of-life"?: string; "x-replaced-by"?: string }>>;
  components?: { schemas?: Record<string, Schema> };
}

const schemaName = (pointer: string) => pointer.replace("#/components/schemas/", "");

/** The schema name of the repeating record (`x-xml-record`) under a root schema, if any. */
function recordOf(doc: Doc, root: string, seen = new Set<string>()): string | undefined {
  if (seen.has(root)) return undefined;
  seen.add(root);
  const visit = (schema: Schema | undefined): string | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return recordOf(doc, schemaName(schema.$ref), seen);
    if (schema.type === "array" && schema["x-xml-record"]) {
      if (!schema.items?.$ref) throw new Error(`${root}: an x-xml-record array needs items that $ref a named schema`);
      return schemaName(schema.items.$ref);
    }
    for (const child of Object.values(schema.properties ?? {})) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(doc.components?.schemas?.[root]);
}

export function emitVmActions(doc: Doc, module: string): string {
  const Name = pascal(module);
  const table: string[] = [];
  const members: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      for (const a of op["x-actions"] ?? []) {
        const params = schemaName(a.params);
        const root = a.xmlSchema ? schemaName(a.xmlSchema) : undefined;
        const record = root ? recordOf(doc, root) : undefined;
        const meta: Record<string, unknown> = {
          function: a.function,
          path,
          method: a.method ?? method,
          ...(a.action ? { action: a.action } : {}),
          kind: a.kind ?? (a.method === "get" || method === "get" ? "query" : "form"),
          idempotent: a.idempotent,
          paging: a.paging,
          output: a.output === "raw" ? "raw" : record ? "records" : "document",
          ...(root ? { descriptor: root } : {}),
          example: a.example,
          ...(op.security?.length === 0 ? { skipAuth: true } : {}),
          ...(op["x-rate-limit-exempt"] ? { exemptFromRateLimit: true } : {}),
          ...(op.deprecated
            ? { deprecated: Object.fromEntries(Object.entries({ endOfSupport: op["x-end-of-support"], endOfLife: op["x-end-of-life"], replacement: op["x-replaced-by"] }).filter(([, v]) => v)) }
            : {}),
        };
        table.push(`  ${a.function}: ${JSON.stringify(meta)},`);
        const paramsType = `Params<${JSON.stringify(params)}>`;
        const required = hasRequired(doc, params);
        const arg = `params${required ? "" : "?"}: ${paramsType}`;
        const result = a.output === "raw" ? "Promise<Response>" : record ? `RecordStream<X.${record}, X.${root}>` : `Promise<X.${root}>`;
        const lines = [a.summary, `\`${(a.method ?? method).toUpperCase()} ${path}\`${a.action ? ` action=${a.action}` : ""}`];
        if (op.deprecated) lines.push(`@deprecated Deprecated by Qualys${op["x-end-of-support"] ? `; end of support ${op["x-end-of-support"]}` : ""}`);
        members.push(`  /**\n${lines.filter(Boolean).map((l) => `   * ${l}`).join("\n")}\n   */\n  ${a.function}(${arg}, options?: VmCallOptions): ${result};`);
      }
    }
  }
  return `import type { Runtime } from "../../runtime/runtime.js";
import { defineVmModule, type RecordStream, type VmActionTable, type VmCallOptions } from "../../runtime/vm/module.js";
import * as descriptors from "./xml-descriptors.js";
import type * as X from "./xml-types.js";
import type { components } from "./types.js";

/** An action's form parameters as the spec types them, without \`action\` (the function sets it). */
type Params<N extends keyof components["schemas"]> = Omit<components["schemas"][N], "action">;

/** Where each ${module} action goes and how its answer is read, from the spec's \`x-actions\`. */
export const ${module}Actions = {
${table.join("\n")}
} as const satisfies VmActionTable;

export type ${Name}ActionName = keyof typeof ${module}Actions;

export interface ${Name}Client {
${members.join("\n")}
}

export function create${Name}Client(runtime: Runtime): ${Name}Client {
  return defineVmModule(runtime, ${JSON.stringify(module)}, ${module}Actions, descriptors) as unknown as ${Name}Client;
}
`;
}

function hasRequired(doc: Doc, name: string): boolean {
  const schema = doc.components?.schemas?.[name] as { required?: string[] } | undefined;
  return (schema?.required ?? []).some((r) => r !== "action");
}
