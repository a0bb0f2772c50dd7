/**
 * specs → a Postman collection (v2.1) and one environment per Qualys platform, for people who
 * explore the APIs by hand: every gateway operation, and every VM action (x-actions) as its own
 * request, in one folder per module. Gateway requests use the JWT the collection's pre-request
 * script gets from /auth; VM requests use Basic auth and X-Requested-With.
 *
 * Requests address `{{<module>Url}}`, a collection variable set to `{{gatewayUrl}}` or `{{apiUrl}}`
 * from the environment, so a mock (one server per module) can override each module alone.
 */
import { createHash } from "node:crypto";
import { PLATFORMS } from "../../src/runtime/platforms.js";
import { PRE_REQUEST_SCRIPT } from "./postman-auth.js";
import { asText, deref, sampleOf, type Doc, type Schema } from "./postman-samples.js";

export const COLLECTION_FILE = "qualys-ts.postman_collection.json";
const SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  description?: string;
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  deprecated?: boolean;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, MediaType> };
  security?: unknown[];
  "x-actions"?: VmAction[];
}

interface VmAction {
  action?: string;
  method?: string;
  kind?: "form" | "qps";
  function: string;
  params: string;
  summary?: string;
}

type Json = Record<string, unknown>;

/** A stable id from text: the same spec gives the same bytes. */
const idOf = (text: string) => {
  const h = createHash("sha1").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const lines = (text: string) => text.split("\n");

function parameterValue(doc: Doc, p: Parameter): string {
  if (p.example !== undefined) return asText(p.example);
  const first = p.examples && Object.values(p.examples)[0];
  if (first?.value !== undefined) return asText(first.value);
  return asText(sampleOf(doc, p.schema));
}

function bodyOf(doc: Doc, op: Operation): Json | undefined {
  const content = op.requestBody?.content;
  if (!content) return undefined;
  const [type, media] = Object.entries(content)[0]!;
  const example = media.example ?? (media.examples && Object.values(media.examples)[0]?.value);
  if (type === "application/x-www-form-urlencoded") {
    const schema = deref<Schema>(doc, media.schema ?? {});
    const given = (example ?? {}) as Record<string, unknown>;
    return {
      mode: "urlencoded",
      urlencoded: Object.entries(schema.properties ?? {}).map(([key, prop]) => ({
        key,
        value: key in given ? asText(given[key]) : asText(sampleOf(doc, prop)),
        disabled: !(schema.required ?? []).includes(key) && !(key in given),
        ...(deref<Schema>(doc, prop).description ? { description: deref<Schema>(doc, prop).description } : {}),
      })),
    };
  }
  const value = example ?? sampleOf(doc, media.schema);
  const json = type.includes("json");
  return {
    mode: "raw",
    raw: json ? JSON.stringify(value ?? {}, null, 2) : asText(value),
    options: { raw: { language: json ? "json" : type.includes("xml") ? "xml" : "text" } },
  };
}

function describe(op: Operation, extra: string[] = []): string {
  const parts = [op.description?.trim(), op.deprecated ? "**Deprecated.**" : undefined, `operationId: \`${op.operationId}\``, ...extra];
  return parts.filter(Boolean).join("\n\n");
}

function urlOf(module: string, path: string, query: Json[], variables: Json[]): Json {
  const postmanPath = path.replace(/\{([^}]+)\}/g, ":$1");
  const raw = `{{${module}Url}}${postmanPath}${query.filter((q) => !q.disabled).length ? "?" + query.filter((q) => !q.disabled).map((q) => `${q.key}=${q.value}`).join("&") : ""}`;
  return {
    raw,
    host: [`{{${module}Url}}`],
    path: postmanPath.split("/").filter((s, i, all) => s !== "" || i === all.length - 1),
    ...(query.length ? { query } : {}),
    ...(variables.length ? { variable: variables } : {}),
  };
}

/** One request per gateway operation. */
function gatewayItems(module: string, doc: Doc): Json[] {
  const items: Json[] = [];
  for (const [path, pathItem] of Object.entries(doc.paths ?? {})) {
    const shared = ((pathItem as { parameters?: Parameter[] }).parameters ?? []).map((p) => deref<Parameter>(doc, p));
    for (const method of METHODS) {
      const op = (pathItem as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const params = [...shared, ...(op.parameters ?? []).map((p) => deref<Parameter>(doc, p))];
      const query = params.filter((p) => p.in === "query").map((p) => ({ key: p.name, value: parameterValue(doc, p), disabled: !p.required, ...(p.description ? { description: p.description } : {}) }));
      const variables = params.filter((p) => p.in === "path").map((p) => ({ key: p.name, value: parameterValue(doc, p), ...(p.description ? { description: p.description } : {}) }));
      const header = params.filter((p) => p.in === "header").map((p) => ({ key: p.name, value: module === "auth" && /secret|clientid/i.test(p.name) ? `{{${p.name}}}` : parameterValue(doc, p) }));
      const body = bodyOf(doc, op);
      const contentType = op.requestBody?.content && Object.keys(op.requestBody.content)[0];
      if (contentType && body?.mode === "raw") header.push({ key: "Content-Type", value: contentType });
      // JSON APIs on the API server (WAS) take the VM API's Basic auth and X-Requested-With.
      if (onApiServer(module, doc)) header.push({ key: "X-Requested-With", value: "{{requestedWith}}" });
      if (module === "auth" && body?.mode === "urlencoded") {
        for (const field of body.urlencoded as { key: string; value: string }[]) if (field.key === "username" || field.key === "password") field.value = `{{${field.key}}}`;
      }
      items.push({
        id: idOf(`${module}.${op.operationId}`),
        name: op.summary ?? op.operationId,
        request: {
          ...(module === "auth" ? { auth: { type: "noauth" } } : {}),
          method: method.toUpperCase(),
          header,
          ...(body ? { body } : {}),
          url: urlOf(module, path, query, variables),
          description: describe(op),
        },
      });
    }
  }
  return items;
}

/** One request per VM action: the action's form (or query, or QPS XML) with its parameters, off unless required. */
function vmItems(module: string, doc: Doc): Json[] {
  const items: Json[] = [];
  for (const [path, pathItem] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (pathItem as Record<string, Operation | undefined>)[method];
      for (const action of op?.["x-actions"] ?? []) {
        const schema = deref<Schema>(doc, { $ref: action.params });
        const fields = Object.entries(schema.properties ?? {}).map(([key, prop]) => {
          const required = (schema.required ?? []).includes(key);
          const value = key === "action" ? action.action : key === "username" || key === "password" ? `{{${key}}}` : asText(sampleOf(doc, prop));
          const description = deref<Schema>(doc, prop).description;
          return { key, value: value ?? "", disabled: !required, ...(description ? { description } : {}) };
        });
        const verb = (action.method ?? method).toUpperCase();
        const header = [
          { key: "X-Requested-With", value: "{{requestedWith}}" },
          { key: "Prefer", value: `example=${(action as { example?: string }).example ?? ""}`, disabled: true, description: "Prism mock only: which named example to answer with." },
        ];
        let body: Json | undefined;
        let query: Json[] = [];
        if (action.kind === "qps") {
          body = bodyOf(doc, op!);
          header.push({ key: "Content-Type", value: "text/xml" });
        } else if (verb === "GET") {
          query = fields;
        } else {
          body = { mode: "urlencoded", urlencoded: fields };
        }
        items.push({
          id: idOf(`${module}.${action.function}`),
          name: `${action.function}${action.summary ? ` — ${action.summary}` : ""}`,
          request: {
            method: verb,
            header,
            ...(body ? { body } : {}),
            url: urlOf(module, path, query, []),
            description: describe({ ...op!, operationId: action.function }, [`Path operation: \`${op!.operationId}\`${action.action ? `, action=${action.action}` : ""}.`]),
          },
        });
      }
    }
  }
  return items;
}

/** VM, and the JSON modules whose spec says they live on the API server (`x-api-host: api`). */
function onApiServer(module: string, doc: Doc): boolean {
  return module.startsWith("vm") || (doc as { "x-api-host"?: string })["x-api-host"] === "api";
}

/** The collection and the per-platform environments, by file name under postman/. */
export function emitPostman(docs: ReadonlyMap<string, unknown>): Map<string, string> {
  const modules = [...docs.keys()].sort();
  const folders = modules.map((module) => {
    const doc = docs.get(module) as Doc;
    const vm = module.startsWith("vm");
    const basic = onApiServer(module, doc);
    return {
      id: idOf(`folder.${module}`),
      name: module,
      description: doc.info?.title ?? module,
      item: vm ? vmItems(module, doc) : gatewayItems(module, doc),
      ...(basic ? { auth: { type: "basic", basic: [{ key: "username", value: "{{username}}", type: "string" }, { key: "password", value: "{{password}}", type: "string" }] } } : {}),
    };
  });
  const collection = {
    info: {
      _postman_id: idOf("qualys-ts collection"),
      name: "qualys-ts",
      description: "Qualys APIs from the qualys-ts specs (generated by `npm run generate`; do not edit). Pick a platform environment, set username and password (or clientId/clientSecret, with clientLevel \"user\" for a user-level client, or token).",
      schema: SCHEMA_URL,
    },
    auth: { type: "bearer", bearer: [{ key: "token", value: "{{jwt}}", type: "string" }] },
    event: [{ listen: "prerequest", script: { id: idOf("prerequest"), type: "text/javascript", exec: lines(PRE_REQUEST_SCRIPT) } }],
    variable: [
      ...modules.map((m) => ({ key: `${m}Url`, value: onApiServer(m, docs.get(m) as Doc) ? "{{apiUrl}}" : "{{gatewayUrl}}" })),
      { key: "requestedWith", value: "qualys-ts" },
      { key: "jwt", value: "" },
      { key: "jwtExpiresAt", value: "0" },
    ],
    item: folders,
  };
  const files = new Map<string, string>([[COLLECTION_FILE, JSON.stringify(collection, null, 2) + "\n"]]);
  for (const [name, urls] of Object.entries(PLATFORMS)) {
    const environment = {
      id: idOf(`environment.${name}`),
      name: `Qualys ${name}`,
      values: [
        { key: "gatewayUrl", value: urls.gatewayUrl, type: "default", enabled: true },
        { key: "apiUrl", value: "apiUrl" in urls ? urls.apiUrl : "", type: "default", enabled: true },
        { key: "username", value: "", type: "default", enabled: true },
        { key: "password", value: "", type: "secret", enabled: true },
        { key: "clientId", value: "", type: "default", enabled: true },
        { key: "clientSecret", value: "", type: "secret", enabled: true },
        { key: "clientLevel", value: "subscription", type: "default", enabled: true },
        { key: "token", value: "", type: "secret", enabled: true },
      ],
      _postman_variable_scope: "environment",
    };
    files.set(`${name}.postman_environment.json`, JSON.stringify(environment, null, 2) + "\n");
  }
  return files;
}
