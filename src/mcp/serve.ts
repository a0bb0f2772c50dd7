/**
 * `qualys mcp`: a Model Context Protocol server over stdio (the official TypeScript SDK) serving
 * the generated API tools and, with a database, the SQL tools and the HTML report. Loaded only by
 * the CLI command, through a dynamic import: the SDK is needed by nothing else.
 *
 * Every answer and error goes through the client's redactor before it leaves: no credential
 * can reach the model. Every API call goes through the client, so through its one scheduler.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListResourcesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema, ErrorCode, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { Readable, Writable } from "node:stream";
import type { QualysClient } from "../client.js";
import { mcpTools } from "../generated/mcp-tools.js";
import { apiTools } from "./api-tools.js";
import type { Args } from "./cursor.js";
import { dbTools, type DbTools } from "./db/db-tools.js";
import { reportResource } from "./db/report-resource.js";
import { validationSchema } from "./schema-check.js";
import type { ToolHandler } from "./tool-handler.js";

export interface McpServeOptions {
  /** The connected client; none with `dbOnly`. */
  readonly client?: QualysClient;
  readonly allowWrites?: boolean;
  readonly modules?: readonly string[];
  /** The export database URL: adds the SQL tools and the report resource. */
  readonly db?: string;
  /** Characters of JSON a tool answer may have. */
  readonly maxChars: number;
  readonly maxRows: number;
  readonly sqlTimeoutMs: number;
  readonly version: string;
  /** Stops the server (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Where the server says what it serves, and why it stopped. */
  readonly stderr: Writable;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
}

const INSTRUCTIONS = `Tools for the Qualys cloud platform, generated from its API descriptions (one tool per operation, named <module>_<operation>), and, when configured, for the export database (db_*).
Listings answer one page with a \`cursor\`: call the same tool again with it for the next page; \`last: true\` marks the last page. Answers are cut to a size limit with a note saying what was cut.
Tools that change data (launching scans, purging hosts…) are only listed when the server allows writes, and run only with \`confirm: true\`, which you may set only after the user approved that exact call.
Calls share the subscription's rate limits; a busy API makes a call wait rather than fail.`;

/** Runs the server until stdin closes or `signal` aborts. */
export async function serveMcp(options: McpServeOptions): Promise<void> {
  const handlers: ToolHandler[] = options.client ? apiTools(options.client, { allowWrites: options.allowWrites, modules: options.modules, limit: options.maxChars }) : [];
  let db: DbTools | undefined;
  if (options.db) {
    db = await dbTools(options.db, { maxRows: options.maxRows, timeoutMs: options.sqlTimeoutMs, limit: options.maxChars });
    handlers.push(...db.tools);
  }
  const report = options.db ? reportResource(options.db) : undefined;
  const byName = new Map(handlers.map((h) => [h.definition.name, h]));
  const validator = new AjvJsonSchemaValidator();
  const validators = new Map<string, (args: unknown) => { valid: boolean; errorMessage?: string }>();
  const redact = (text: string) => options.client?.redactor.text(text) ?? text;

  const server = new Server({ name: "qualys-ts", version: options.version }, { capabilities: { tools: {}, ...(report ? { resources: {} } : {}) }, instructions: INSTRUCTIONS });

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: handlers.map((h) => ({ ...h.definition, inputSchema: h.definition.inputSchema as { type: "object" } })) }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const handler = byName.get(request.params.name);
    if (!handler) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}${hidden(request.params.name, options)}`);
    const args = (request.params.arguments ?? {}) as Args;
    try {
      const refusal = handler.refuses?.(args);
      if (refusal) return failure(refusal);
      if (handler.validates?.(args) ?? true) {
        let validate = validators.get(handler.definition.name);
        if (!validate) {
          validate = validator.getValidator(validationSchema(handler.definition.inputSchema) as never);
          validators.set(handler.definition.name, validate);
        }
        const checked = validate(args);
        if (!checked.valid) return failure(`invalid arguments for ${handler.definition.name}: ${checked.errorMessage ?? "they do not match its input schema"}`);
      }
      const answer = await handler.call(args, extra.signal);
      return { content: [{ type: "text", text: redact(answer.text) }, ...(answer.note ? [{ type: "text" as const, text: redact(answer.note) }] : [])] };
    } catch (err) {
      return failure(redact(describe(err)));
    }
  });

  if (report) {
    server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [report.resource] }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      if (request.params.uri !== report.resource.uri) throw new McpError(ErrorCode.InvalidParams, `Unknown resource: ${request.params.uri}`);
      return { contents: [{ uri: report.resource.uri, mimeType: report.resource.mimeType, text: await report.read() }] };
    });
  }

  const stdin = options.stdin ?? process.stdin;
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout);
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    stdin.once("end", () => void server.close());
    stdin.once("close", () => void server.close());
    options.signal?.addEventListener("abort", () => void server.close(), { once: true });
  });
  try {
    await server.connect(transport);
    const modules = [...new Set(handlers.filter((h) => !h.definition.name.startsWith("db_")).map((h) => h.definition.name.split("_")[0]))];
    options.stderr.write(
      `qualys mcp: serving ${handlers.length} tools over stdio (${options.allowWrites ? "reads and writes, writes need confirm: true" : "reads only"}; modules: ${modules.join(", ") || "none"}${db ? `; database ${db.dialect}` : ""})\n`,
    );
    await closed;
  } finally {
    await db?.close();
  }
}

/** Why a tool of the table is not served, if it is one. */
function hidden(name: string, options: McpServeOptions): string {
  const tool = mcpTools.find((t) => t.name === name);
  if (!tool) return "";
  if (!options.client) return " (the server serves only the database tools)";
  if (!tool.read && !options.allowWrites) return " (it changes data in Qualys: the server lists such tools only when started with --allow-writes)";
  return ` (module ${tool.module} is not among the served modules)`;
}

function failure(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text }] };
}

/** An error as the model reads it: its kind and message (Qualys's code and resolution are in the message). */
function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
