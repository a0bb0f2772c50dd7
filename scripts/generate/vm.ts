/**
 * Emits the typed action functions of a VM (XML API) module from the `x-actions` lists of its
 * bundled spec: an action table (path, action, idempotency, paging, output, descriptor, API
 * versions) and `create<Module>Client(runtime)` with one function per action, its form
 * parameters typed from the spec and its result typed from the decoded XML schema (a stream of
 * records, a decoded document, or the raw body).
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
  required?: string[];
  "x-xml-record"?: boolean;
}

interface Operation {
  "x-actions"?: Action[];
  "x-qualys-versions"?: unknown;
  deprecated?: boolean;
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>;
  "x-rate-limit-exempt"?: boolean;
  "x-end-of-support"?: string;
  "x-end-of-life"?: string;
  "x-replaced-by"?: string;
}

interface Doc {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const SCHEMA = "#/components/schemas/";
const METHODS = new Set(["get", "post"]);
const PAGING = new Set(["truncation", "qps", "none"]);

function schemaName(pointer: string, where: string): string {
  if (typeof pointer !== "string" || !pointer.startsWith(SCHEMA)) throw new Error(`${where}: expected a "${SCHEMA}…" pointer, got ${JSON.stringify(pointer)}`);
  return pointer.slice(SCHEMA.length);
}

/** The schema name of the repeating record (`x-xml-record`) under a root schema, if any. */
function recordOf(doc: Doc, root: string, seen = new Set<string>()): string | undefined {
  if (seen.has(root)) return undefined;
  seen.add(root);
  const visit = (schema: Schema | undefined): string | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return recordOf(doc, schemaName(schema.$ref, root), seen);
    if (schema.type === "array" && schema["x-xml-record"]) {
      if (!schema.items?.$ref) throw new Error(`${root}: an x-xml-record array needs items that $ref a named schema`);
      return schemaName(schema.items.$ref, root);
    }
    for (const child of Object.values(schema.properties ?? {})) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(doc.components?.schemas?.[root]);
}

/** "2.0" from "/api/2.0/fo/…" (kept in step with src/runtime/vm/versions.ts). */
export const versionOf = (path: string) => /^\/api\/(\d+\.\d+)\//.exec(path)?.[1];

/** One version of an action as the action table carries it: where it is and, for older ones, when Qualys stops it. */
export interface VersionEntry {
  readonly path: string;
  readonly endOfSupport?: string;
  readonly endOfLife?: string;
  /** Why a date is missing (`x-unverified-reason`). */
  readonly unverified?: string;
  readonly source: string;
}

/** An operation's `x-qualys-versions`, checked: where its own (current) version comes from, and the older ones. */
export interface VersionHistory {
  readonly source: string;
  readonly older: readonly (VersionEntry & { readonly actions?: readonly string[] })[];
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Reads and checks `x-qualys-versions: { source, older: [{ path, actions?, x-end-of-support?, x-end-of-life?, source, x-unverified? }] }`. */
export function versionHistory(path: string, listed: unknown, where: string): VersionHistory | undefined {
  if (listed === undefined) return undefined;
  const fail = (why: string) => {
    throw new Error(`${where}: x-qualys-versions ${why}`);
  };
  if (!listed || typeof listed !== "object" || Array.isArray(listed)) fail("must be { source, older: [...] }");
  const { source, older } = listed as { source?: unknown; older?: unknown };
  if (typeof source !== "string" || !source.trim()) fail("needs a source: where the current version comes from");
  if (!Array.isArray(older)) fail("needs older: a list (empty when Qualys keeps this version)");
  const own = versionOf(path);
  if (!own) fail(`is for paths with /api/<version>/; ${path} has none`);
  const entries = (older as unknown[]).map((raw, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const at = `older[${i}]`;
    const v = typeof e.path === "string" ? versionOf(e.path) : undefined;
    if (!v) fail(`${at} needs a path with /api/<version>/`);
    if (Number(v) >= Number(own)) fail(`${at} (${v}) is not older than the operation's own path (${own}): the spec path must be the current version`);
    if (typeof e.source !== "string" || !e.source.trim()) fail(`${at} needs a source`);
    for (const key of ["x-end-of-support", "x-end-of-life"]) {
      if (e[key] !== undefined && (typeof e[key] !== "string" || !MONTH.test(e[key] as string))) fail(`${at} ${key} must be "YYYY-MM", got ${JSON.stringify(e[key])}`);
    }
    if (e["x-end-of-life"] === undefined && e["x-unverified"] !== true) fail(`${at} has no x-end-of-life: say why with x-unverified and x-unverified-reason`);
    if (e.actions !== undefined && (!Array.isArray(e.actions) || e.actions.some((a) => typeof a !== "string"))) fail(`${at} actions must be a list of action names`);
    return {
      path: e.path as string,
      ...(e.actions ? { actions: e.actions as string[] } : {}),
      ...(e["x-end-of-support"] ? { endOfSupport: e["x-end-of-support"] as string } : {}),
      ...(e["x-end-of-life"] ? { endOfLife: e["x-end-of-life"] as string } : {}),
      ...(e["x-unverified"] === true ? { unverified: String(e["x-unverified-reason"] ?? "") } : {}),
      source: e.source as string,
    };
  });
  return { source: source as string, older: entries };
}

/**
 * version → where one action is, from its operation's version history: the operation's own path
 * (the current version) and the older versions known for the action (an entry with `actions`
 * covers only those).
 */
function versionsOf(path: string, history: VersionHistory | undefined, action: string, where: string): Record<string, VersionEntry> | undefined {
  if (!history) return undefined;
  const versions: Record<string, VersionEntry> = { [versionOf(path)!]: { path, source: history.source } };
  for (const { actions, ...entry } of history.older) {
    if (actions && !actions.includes(action)) continue;
    const v = versionOf(entry.path)!;
    if (versions[v]) throw new Error(`${where}: x-qualys-versions names version ${v} twice`);
    versions[v] = entry;
  }
  // Sorted by version so the output does not depend on the spec's order.
  return Object.fromEntries(Object.entries(versions).sort(([a], [b]) => Number(a) - Number(b)));
}

function exampleNames(op: Operation): Set<string> {
  const names = new Set<string>();
  for (const response of Object.values(op.responses ?? {})) {
    for (const media of Object.values(response.content ?? {})) for (const name of Object.keys(media.examples ?? {})) names.add(name);
  }
  return names;
}

function checkAction(a: Action, where: string, examples: Set<string>, seen: Set<string>): void {
  if (!a || typeof a.function !== "string" || !/^[a-z][A-Za-z0-9]*$/.test(a.function)) throw new Error(`${where}: an x-actions entry needs a camelCase function name`);
  if (seen.has(a.function)) throw new Error(`${where}: function ${a.function} is defined twice`);
  seen.add(a.function);
  if (typeof a.idempotent !== "boolean") throw new Error(`${where} ${a.function}: idempotent must be true or false`);
  if (!PAGING.has(a.paging)) throw new Error(`${where} ${a.function}: paging must be truncation, qps or none`);
  if (a.paging === "qps" && a.kind !== "qps") throw new Error(`${where} ${a.function}: qps paging needs kind: qps`);
  if (!a.xmlSchema && a.output !== "raw") throw new Error(`${where} ${a.function}: needs an xmlSchema, or output: raw`);
  if (!examples.has(a.example)) throw new Error(`${where} ${a.function}: example "${a.example}" is not a named response example of the operation`);
}

/** "2.0 (end of support 2025-12, end of life 2026-06)" for a doc comment. */
function retirementText(version: string, entry: VersionEntry): string {
  const dates = [entry.endOfSupport && `end of support ${entry.endOfSupport}`, entry.endOfLife && `end of life ${entry.endOfLife}`].filter(Boolean);
  return dates.length ? `${version} (${dates.join(", ")})` : version;
}

const paramsHaveRequired = (doc: Doc, name: string) => (doc.components?.schemas?.[name]?.required ?? []).some((r) => r !== "action");

export function emitVmActions(doc: Doc, module: string): string {
  const Name = pascal(module);
  const table: string[] = [];
  const members: string[] = [];
  const versioned: string[] = [];
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method) || !op["x-actions"]) continue;
      const where = `${method.toUpperCase()} ${path}`;
      // The path of a VM action is its current version: an older one is listed in x-qualys-versions, never the default.
      if (op.deprecated || op["x-end-of-support"] || op["x-end-of-life"] || op["x-replaced-by"]) {
        throw new Error(`${where}: a VM operation's path must be the current version; move the retired path into x-qualys-versions.older (with its dates) instead of marking the operation deprecated`);
      }
      const examples = exampleNames(op);
      for (const a of op["x-actions"]) {
        checkAction(a, where, examples, seen);
        const versions = versionsOf(path, versionHistory(path, op["x-qualys-versions"], where), a.action ?? a.function, where);
        const params = schemaName(a.params, `${where} ${a.function} params`);
        if (!doc.components?.schemas?.[params]) throw new Error(`${where} ${a.function}: no schema ${params}`);
        const root = a.xmlSchema ? schemaName(a.xmlSchema, `${where} ${a.function} xmlSchema`) : undefined;
        const record = root ? recordOf(doc, root) : undefined;
        const httpMethod = a.method ?? (method as "get" | "post");
        const output = a.output === "raw" ? "raw" : record ? "records" : "document";
        const meta: Record<string, unknown> = {
          function: a.function,
          path,
          method: httpMethod,
          ...(a.action ? { action: a.action } : {}),
          kind: a.kind ?? (httpMethod === "get" ? "query" : "form"),
          idempotent: a.idempotent,
          paging: a.paging,
          output,
          ...(root ? { descriptor: root } : {}),
          example: a.example,
          ...(op.security?.length === 0 ? { skipAuth: true } : {}),
          ...(op["x-rate-limit-exempt"] ? { exemptFromRateLimit: true } : {}),
          // The runtime needs where each version is and its dates; the sources go to the version table.
          ...(versions ? { version: versionOf(path), versions: Object.fromEntries(Object.entries(versions).map(([v, { path: p, endOfSupport, endOfLife }]) => [v, { path: p, ...(endOfSupport ? { endOfSupport } : {}), ...(endOfLife ? { endOfLife } : {}) }])) } : {}),
        };
        table.push(`  ${a.function}: ${JSON.stringify(meta)},`);

        const versionType = versions ? Object.keys(versions).map((v) => JSON.stringify(v)).join(" | ") : "never";
        if (versions) versioned.push(`    readonly ${a.function}?: ${versionType};`);
        const arg = `params${paramsHaveRequired(doc, params) ? "" : "?"}: Params<${JSON.stringify(params)}>`;
        const doc_ = [a.summary, `\`${httpMethod.toUpperCase()} ${path}\`${a.action ? ` action=${a.action}` : ""}`];
        if (versions) {
          const older = Object.keys(versions).filter((v) => v !== versionOf(path));
          doc_.push(`API ${versionOf(path)} (current)${older.length ? `; older, selectable with \`apiVersion\`: ${older.map((v) => retirementText(v, versions[v]!)).join(", ")}` : ""}.`);
        }
        const comment = `  /**\n${doc_.filter(Boolean).map((l) => `   * ${l}`).join("\n")}\n   */\n`;
        if (output === "raw") {
          const o = `VmRawCallOptions<${versionType}>`;
          // Before a required options argument, optional params must be spelled `| undefined`.
          const argBefore = arg.replace(/^params\?: (.*)$/, "params: $1 | undefined");
          members.push(
            `${comment}  ${a.function}(${argBefore}, options: ${o} & { as: "text" }): Promise<string>;\n` +
              `  ${a.function}(${argBefore}, options: ${o} & { as: "stream" }): Promise<ReadableStream<Uint8Array>>;\n` +
              `  ${a.function}(${arg}, options?: ${o} & { as?: "response" }): Promise<Response>;`,
          );
        } else {
          const result = record ? `RecordStream<X.${record}, X.${root}>` : `Promise<X.${root}>`;
          members.push(`${comment}  ${a.function}(${arg}, options?: VmCallOptions<${versionType}>): ${result};`);
        }
      }
    }
  }
  return `import type { Runtime } from "../../runtime/runtime.js";
import { defineVmModule, type RecordStream, type VmActionTable, type VmCallOptions, type VmRawCallOptions } from "../../runtime/vm/module.js";
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

export interface ${Name}ClientOptions {
  /** Qualys API version per action (default: the current one, the spec's path; older ones from \`x-qualys-versions\`); a call's \`apiVersion\` wins. */
  readonly apiVersions?: {
${versioned.join("\n")}
  };
}

export interface ${Name}Client {
${members.join("\n")}
}

export function create${Name}Client(runtime: Runtime, options: ${Name}ClientOptions = {}): ${Name}Client {
  return defineVmModule(runtime, ${JSON.stringify(module)}, ${module}Actions, descriptors, options) as unknown as ${Name}Client;
}
`;
}
