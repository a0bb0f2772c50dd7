/**
 * Emits the version table (src/generated/versions.ts) from the bundled specs and
 * specs/common/api-versions.yaml: one row per VM action with an `x-qualys-versions` history, one
 * per gateway operation that replaces deprecated ones (`x-replaced-by`), and one per whole-API
 * row of the common file. Checks what it reads: a whole-API row that names a module must match
 * paths of that module's spec, and a replaced-by must name an operation that is not deprecated.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { pathVersion, type ApiVersionInfo, type ApiVersionRow } from "../../src/runtime/api-versions.js";
import { versionHistory, versionOf } from "./vm.js";

interface Operation {
  operationId?: string;
  summary?: string;
  deprecated?: boolean;
  "x-actions"?: { action?: string; function: string }[];
  "x-qualys-versions"?: unknown;
  "x-end-of-support"?: string;
  "x-end-of-life"?: string;
  "x-replaced-by"?: string;
  "x-source"?: string;
  "x-unverified"?: boolean;
  "x-unverified-reason"?: string;
}

interface Doc {
  paths?: Record<string, Record<string, Operation>>;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function operationsOf(doc: Doc): { path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method]! })));
}

/** VM actions with a version history: one row each (their older versions differ per action). */
function vmRows(module: string, doc: Doc): ApiVersionRow[] {
  const rows: ApiVersionRow[] = [];
  for (const { path, method, op } of operationsOf(doc)) {
    const history = versionHistory(path, op["x-qualys-versions"], `${method.toUpperCase()} ${path}`);
    if (!history) continue;
    for (const a of op["x-actions"] ?? []) {
      const name = a.action ?? a.function;
      rows.push({
        api: op.summary ?? path,
        module,
        operation: a.function,
        method: method.toUpperCase(),
        ...(a.action ? { action: a.action } : {}),
        current: { version: versionOf(path)!, path, source: history.source },
        older: history.older
          .filter((o) => !o.actions || o.actions.includes(name))
          .map(({ actions: _, ...o }) => ({ version: versionOf(o.path)!, ...o })),
      });
    }
  }
  return rows;
}

/** "v5" from "/sm/v5/script", "2.0" from "/rest/2.0/…". */
const gatewayVersion = (path: string): string => pathVersion(path) ?? "unversioned";

/** Gateway operations that replace deprecated ones: the replacement is current, the deprecated ones older. */
function replacementRows(module: string, doc: Doc): ApiVersionRow[] {
  const ops = operationsOf(doc);
  const byId = new Map(ops.map((o) => [o.op.operationId, o]));
  const rows = new Map<string, ApiVersionRow & { older: ApiVersionInfo[] }>();
  for (const { path, method, op } of ops) {
    const replacement = op["x-replaced-by"];
    if (!op.deprecated || !replacement) continue;
    const where = `${module} ${method.toUpperCase()} ${path}`;
    const target = byId.get(replacement);
    if (!target) throw new Error(`${where}: x-replaced-by names ${replacement}, which is not an operation of ${module}`);
    if (target.op.deprecated) throw new Error(`${where}: x-replaced-by names ${replacement}, which is deprecated itself: the default must be current`);
    if (!op["x-source"]) throw new Error(`${where}: a deprecated operation needs x-source (where its dates come from)`);
    if (!target.op["x-source"]) throw new Error(`${where}: ${replacement} replaces it, so it needs x-source (where its being current comes from)`);
    for (const key of ["x-end-of-support", "x-end-of-life"] as const) {
      if (op[key] !== undefined && !MONTH.test(String(op[key]))) throw new Error(`${where}: ${key} must be "YYYY-MM"`);
    }
    if (!op["x-end-of-life"] && op["x-unverified"] !== true) throw new Error(`${where}: no x-end-of-life: say why with x-unverified and x-unverified-reason`);
    let row = rows.get(replacement);
    if (!row) {
      row = {
        api: target.op.summary ?? target.path,
        module,
        operation: replacement,
        method: target.method.toUpperCase(),
        current: { version: gatewayVersion(target.path), path: target.path, source: target.op["x-source"] },
        older: [],
      };
      rows.set(replacement, row);
    }
    row.older.push({
      version: gatewayVersion(path),
      path,
      source: op["x-source"],
      operation: op.operationId!,
      ...(op["x-end-of-support"] ? { endOfSupport: String(op["x-end-of-support"]) } : {}),
      ...(op["x-end-of-life"] ? { endOfLife: String(op["x-end-of-life"]) } : {}),
      ...(!op["x-end-of-life"] && op["x-unverified-reason"] ? { unverified: op["x-unverified-reason"] } : {}),
    });
  }
  for (const row of rows.values()) row.older.sort((a, b) => b.version.localeCompare(a.version, "en", { numeric: true }));
  return [...rows.values()];
}

interface CommonRow {
  api?: unknown;
  module?: unknown;
  version?: unknown;
  path?: unknown;
  source?: unknown;
  note?: unknown;
  older?: unknown;
}

/** Whole-API rows of specs/common/api-versions.yaml, checked against the specs they name. */
function commonRows(repoRoot: string, docs: ReadonlyMap<string, unknown>): ApiVersionRow[] {
  const file = "specs/common/api-versions.yaml";
  const parsed = parse(readFileSync(join(repoRoot, file), "utf8")) as { rows?: CommonRow[] };
  return (parsed.rows ?? []).map((r, i) => {
    const where = `${file} rows[${i}]`;
    const text = (v: unknown, name: string) => {
      if (typeof v !== "string" || !v.trim()) throw new Error(`${where}: ${name} must be a non-empty string`);
      return v;
    };
    const api = text(r.api, "api");
    const path = text(r.path, "path");
    const module = r.module === undefined ? undefined : text(r.module, "module");
    if (module) {
      const doc = docs.get(module) as Doc | undefined;
      if (!doc) throw new Error(`${where}: module ${module} has no spec in redocly.yaml`);
      if (!Object.keys(doc.paths ?? {}).some((p) => p.startsWith(path))) throw new Error(`${where}: no path of the ${module} spec starts with ${path}`);
    } else if (r.note === undefined) {
      throw new Error(`${where}: a row the SDK does not call needs a note saying so`);
    }
    if (!Array.isArray(r.older)) throw new Error(`${where}: older must be a list`);
    const older = (r.older as Record<string, unknown>[]).map((o, j) => {
      const at = `${where} older[${j}]`;
      for (const key of ["endOfSupport", "endOfLife"]) if (o[key] !== undefined && !MONTH.test(String(o[key]))) throw new Error(`${at}: ${key} must be "YYYY-MM"`);
      if (typeof o.version !== "string" || typeof o.path !== "string" || typeof o.source !== "string") throw new Error(`${at}: needs version, path and source`);
      return { version: o.version, path: o.path, source: o.source, ...(o.endOfSupport ? { endOfSupport: String(o.endOfSupport) } : {}), ...(o.endOfLife ? { endOfLife: String(o.endOfLife) } : {}) };
    });
    return {
      api,
      ...(module ? { module } : {}),
      current: { version: text(r.version, "version"), path, source: text(r.source, "source") },
      older,
      ...(r.note !== undefined ? { note: text(r.note, "note") } : {}),
    };
  });
}

export function emitVersionTable(repoRoot: string, docs: ReadonlyMap<string, unknown>): string {
  const rows: ApiVersionRow[] = [];
  for (const [module, doc] of [...docs].sort(([a], [b]) => a.localeCompare(b))) {
    rows.push(...(module.startsWith("vm") ? vmRows(module, doc as Doc) : replacementRows(module, doc as Doc)));
  }
  rows.push(...commonRows(repoRoot, docs));
  return `import type { ApiVersionRow } from "../runtime/api-versions.js";

/**
 * Every Qualys endpoint whose version matters, with the version the SDK calls by default (the
 * current one) and the older ones with their End-of-Support / End-of-Life dates and sources.
 * From specs/vm.yaml (\`x-qualys-versions\`), the gateway specs (\`deprecated\` + \`x-replaced-by\`)
 * and specs/common/api-versions.yaml.
 */
export const apiVersionTable: readonly ApiVersionRow[] = [
${rows.map((r) => `  ${JSON.stringify(r)},`).join("\n")}
];
`;
}
