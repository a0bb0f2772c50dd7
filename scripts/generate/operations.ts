/**
 * Emits the typed fetchers of a gateway (JSON) module: a table of operation facts read from the
 * spec (method, path, idempotency, paging, deprecation) and a client interface with one fetcher
 * per operationId, so users call `car.searchJobs({ body })` and never type a path.
 */

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

interface OperationObject {
  operationId?: string;
  summary?: string;
  description?: string;
  deprecated?: boolean;
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
  requestBody?: { content?: Record<string, unknown> };
  "x-idempotent"?: boolean;
  "x-pagination"?: Record<string, unknown>;
  "x-end-of-support"?: string;
  "x-end-of-life"?: string;
  "x-replaced-by"?: string;
  "x-rate-limit-exempt"?: boolean;
  "x-accept"?: string;
  "x-response-status"?: Record<string, unknown>;
  /** The 2xx body is handed over unread, whatever its media type, for a decoder that reads it as it arrives. */
  "x-stream"?: boolean;
  /** Integers past 2^53 in the JSON answer stay exact (decimal strings) instead of being rounded by JSON.parse. */
  "x-exact-integers"?: boolean;
  parameters?: ParameterObject[];
}

interface ParameterObject {
  $ref?: string;
  name?: string;
  in?: string;
  "x-max-age-days"?: number;
}

interface OpenApiDoc {
  components?: { parameters?: Record<string, ParameterObject> };
  info?: { title?: string };
  security?: unknown[];
  "x-rate-limit-exempt"?: boolean;
  /** Media type to ask for with `Accept` (WAS answers XML unless asked for JSON). */
  "x-accept"?: string;
  /** Where a JSON answer says success or failure under HTTP 200 (`responseCode`…). */
  "x-response-status"?: Record<string, unknown>;
  "x-exact-integers"?: boolean;
  paths?: Record<string, Partial<Record<(typeof METHODS)[number], OperationObject>>>;
}

export interface EmittedOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly meta: Record<string, unknown>;
  readonly summary?: string;
  readonly deprecated: boolean;
  readonly itemsPath?: string[];
  /** The key each listed item is wrapped in (`{"Finding": {...}}`), unwrapped by `items()`. */
  readonly unwrap?: string;
}

export function collectOperations(doc: OpenApiDoc): EmittedOperation[] {
  const out: EmittedOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      if (!op.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      const meta: Record<string, unknown> = {
        operationId: op.operationId,
        method,
        path,
        idempotent: method === "get" || method === "head" || op["x-idempotent"] === true,
      };
      const bodyTypes = Object.keys(op.requestBody?.content ?? {});
      // openapi-fetch form-encodes a body only when told to by the Content-Type header.
      if (bodyTypes.length > 0 && bodyTypes.every((t) => t === "application/x-www-form-urlencoded")) {
        meta.requestContentType = "application/x-www-form-urlencoded";
      }
      const parseAs = parseAsOf(op);
      if (parseAs !== "json") meta.parseAs = parseAs;
      const accept = op["x-accept"] ?? doc["x-accept"];
      if (accept) meta.accept = accept;
      const responseStatus = op["x-response-status"] ?? doc["x-response-status"];
      if (responseStatus && parseAs === "json") meta.responseStatus = responseStatus;
      if ((op["x-exact-integers"] ?? doc["x-exact-integers"]) && parseAs === "json") meta.exactIntegers = true;
      if (op.deprecated) {
        meta.deprecated = stripUndefined({
          endOfSupport: op["x-end-of-support"],
          endOfLife: op["x-end-of-life"],
          replacement: op["x-replaced-by"],
        });
      }
      if (op["x-pagination"]) meta.pagination = op["x-pagination"];
      const maxAge = maxAgeOf(doc, [...((item as { parameters?: ParameterObject[] }).parameters ?? []), ...(op.parameters ?? [])], `${method.toUpperCase()} ${path}`);
      if (maxAge.length) meta.maxAge = maxAge;
      const security = op.security ?? doc.security ?? [];
      if (security.length === 0) meta.skipAuth = true;
      if (op["x-rate-limit-exempt"] ?? doc["x-rate-limit-exempt"]) meta.exemptFromRateLimit = true;
      const items = op["x-pagination"]?.items;
      const unwrap = op["x-pagination"]?.unwrap;
      out.push({
        operationId: op.operationId,
        method,
        path,
        meta,
        summary: op.summary,
        deprecated: op.deprecated === true,
        itemsPath: typeof items === "string" ? items.split(".") : undefined,
        unwrap: typeof unwrap === "string" ? unwrap : undefined,
      });
    }
  }
  return out;
}

/** JSON bodies are parsed (unless `x-stream` says the runtime decodes them as they arrive); text stays text; anything else (zip, XML, octet-stream) streams. */
/** Query parameters with `x-max-age-days`: how far back a time filter may reach (QFlow's 30 days). */
function maxAgeOf(doc: OpenApiDoc, params: ParameterObject[], where: string): { in: "query"; name: string; days: number }[] {
  const out: { in: "query"; name: string; days: number }[] = [];
  for (const raw of params) {
    const p = raw.$ref ? doc.components?.parameters?.[raw.$ref.replace("#/components/parameters/", "")] : raw;
    const days = p?.["x-max-age-days"];
    if (days === undefined) continue;
    if (p!.in !== "query" || !p!.name || !(Number.isInteger(days) && days > 0)) throw new Error(`${where}: x-max-age-days needs a query parameter and a whole number of days > 0`);
    out.push({ in: "query", name: p!.name, days });
  }
  return out;
}

/** JSON bodies are parsed; text stays text; anything else (zip, XML, octet-stream) streams. */
function parseAsOf(op: OperationObject): "json" | "text" | "stream" {
  if (op["x-stream"] === true) return "stream";
  const types = Object.entries(op.responses ?? {})
    .filter(([status]) => status.startsWith("2"))
    .flatMap(([, response]) => Object.keys(response.content ?? {}));
  if (types.length === 0 || types.some((t) => /json/.test(t))) return "json";
  if (types.every((t) => t.startsWith("text/plain"))) return "text";
  return "stream";
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function pascal(name: string): string {
  return name.replace(/(^|[-_])(\w)/g, (_, __, c: string) => c.toUpperCase());
}

export function emitOperations(doc: OpenApiDoc, module: string, family: "gateway" | "vm"): string {
  const ops = collectOperations(doc);
  const Name = pascal(module);
  const opType = (o: EmittedOperation) => `paths[${JSON.stringify(o.path)}][${JSON.stringify(o.method)}]`;

  const table = ops
    .map((o) => `  ${o.operationId}: ${JSON.stringify(o.meta)},`)
    .join("\n");

  const members = ops
    .map((o) => {
      const doc = [o.summary, o.deprecated ? `@deprecated ${deprecationText(o.meta)}` : undefined]
        .filter(Boolean)
        .map((l) => `   * ${l}`)
        .join("\n");
      const item = o.itemsPath && `ItemOf<${opType(o)}, ${JSON.stringify(o.itemsPath)}>`;
      const type = item
        ? `PagedFetcher<${opType(o)}, ${o.unwrap ? `UnwrapItem<${item}, ${JSON.stringify(o.unwrap)}>` : item}>`
        : o.meta.parseAs === "stream"
          ? `StreamFetcher<${opType(o)}>`
          : `Fetcher<${opType(o)}>`;
      return `  /**\n   * \`${o.method.toUpperCase()} ${o.path}\`${doc ? `\n${doc}` : ""}\n   */\n  readonly ${o.operationId}: ${type};`;
    })
    .join("\n");

  const usesPaged = ops.some((o) => o.itemsPath);
  const usesStream = ops.some((o) => o.meta.parseAs === "stream");
  const imports = [
    "defineModule",
    "type Fetcher",
    "type OperationTable",
    ...(usesPaged ? ["type ItemOf", "type PagedFetcher"] : []),
    ...(ops.some((o) => o.unwrap) ? ["type UnwrapItem"] : []),
    ...(usesStream ? ["type StreamFetcher"] : []),
  ];

  return `import { ${imports.join(", ")} } from "../../runtime/module.js";
import type { Runtime } from "../../runtime/runtime.js";
import type { paths } from "./types.js";

/** What the runtime needs to know of each ${module} operation, read from the spec. */
export const ${module}Operations = {
${table}
} as const satisfies OperationTable;

export type ${Name}OperationId = keyof typeof ${module}Operations;

/** ${doc.info?.title ?? module}: one fetcher per operation. */
export interface ${Name}Client {
${members}
}

export function create${Name}Client(runtime: Runtime): ${Name}Client {
  return defineModule(runtime, ${JSON.stringify(module)}, ${JSON.stringify(family)}, ${module}Operations) as unknown as ${Name}Client;
}
`;
}

function deprecationText(meta: Record<string, unknown>): string {
  const d = (meta.deprecated ?? {}) as Record<string, string>;
  return [
    "Deprecated by Qualys",
    d.endOfSupport && `end of support ${d.endOfSupport}`,
    d.endOfLife && `end of life ${d.endOfLife}`,
    d.replacement && `use \`${d.replacement}\``,
  ]
    .filter(Boolean)
    .join("; ");
}
