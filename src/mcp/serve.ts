/**
 * `qualys mcp`: a Model Context Protocol server over stdio (the official TypeScript SDK's server
 * package, v2) serving the generated API tools and, with a database, the SQL tools and the HTML
 * report. Loaded only by the CLI command, through a dynamic import: the SDK is needed by nothing else.
 *
 * The SDK's low-level `Server` is used rather than `McpServer`: the tools come from a generated
 * table with JSON Schemas, and a call is refused (an unconfirmed write) or resumed from a cursor
 * before its arguments are checked, which `registerTool`'s own parsing would do first.
 * `serveStdio` serves both protocol eras: 2025 clients (`initialize`) and 2026-07-28 clients
 * (`server/discover`), each connection on a server built by `serverFor`.
 *
 * Every answer and error goes through the client's redactor before it leaves: no credential
 * can reach the model. Every API call goes through the client, so through its one scheduler.
 */
import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError, Server, type CallToolResult } from "@modelcontextprotocol/server";
import { serveStdio, StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Readable, Writable } from "node:stream";
import type { QualysClient } from "../client.js";
import { mcpTools } from "../generated/mcp-tools.js";
import { apiTools } from "./api-tools.js";
import type { Args } from "./cursor.js";
import { dbTools, type DbTools } from "./db/db-tools.js";
import { reportResource } from "./db/report-resource.js";
import { argumentChecks } from "./schema-check.js";
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
  const redact = (text: string) => options.client?.redactor.text(text) ?? text;
  const checks = argumentChecks();

  /** One tool call as the model reads it: refused, invalid, answered or failed, never a thrown error. */
  async function callTool(handler: ToolHandler, args: Args, signal: AbortSignal): Promise<CallToolResult> {
    try {
      const refusal = handler.refuses?.(args);
      if (refusal) return failure(refusal);
      if (handler.validates?.(args) ?? true) {
        const checked = checks(handler.definition)(args);
        if (!checked.valid) return failure(`invalid arguments for ${handler.definition.name}: ${checked.errorMessage ?? "they do not match its input schema"}`);
      }
      const answer = await handler.call(args, signal);
      return { content: [{ type: "text", text: redact(answer.text) }, ...(answer.note ? [{ type: "text" as const, text: redact(answer.note) }] : [])] };
    } catch (err) {
      return failure(redact(describe(err)));
    }
  }

  /** A server for one connection (serveStdio builds one per era probe too); the tools and the database are shared. */
  function serverFor(): Server {
    const server = new Server({ name: "qualys-ts", version: options.version }, { capabilities: { tools: {}, ...(report ? { resources: {} } : {}) }, instructions: INSTRUCTIONS });
    server.setRequestHandler("tools/list", () => ({ tools: handlers.map((h) => ({ ...h.definition, inputSchema: h.definition.inputSchema as { type: "object" } })) }));
    server.setRequestHandler("tools/call", (request, ctx) => {
      const handler = byName.get(request.params.name);
      if (!handler) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${request.params.name}${hidden(request.params.name, options)}`);
      return callTool(handler, (request.params.arguments ?? {}) as Args, ctx.mcpReq.signal);
    });
    if (report) {
      server.setRequestHandler("resources/list", () => ({ resources: [report.resource] }));
      server.setRequestHandler("resources/read", async (request) => {
        if (request.params.uri !== report.resource.uri) throw new ResourceNotFoundError(request.params.uri, `Unknown resource: ${request.params.uri}`);
        return { contents: [{ uri: report.resource.uri, mimeType: report.resource.mimeType, text: await report.read() }] };
      });
    }
    return server;
  }

  let ended!: () => void;
  const closed = new Promise<void>((resolve) => (ended = resolve));
  // The transport closes when stdin ends, when stdout fails, or when the server is closed.
  const transport = new ClosingStdioTransport(options.stdin ?? process.stdin, options.stdout ?? process.stdout, () => ended());
  try {
    const connection = serveStdio(serverFor, { transport, onerror: (err) => options.stderr.write(`qualys mcp: ${redact(err.message)}\n`) });
    if (options.signal?.aborted) void connection.close();
    options.signal?.addEventListener("abort", () => void connection.close(), { once: true });
    const modules = [...new Set(handlers.filter((h) => !h.definition.name.startsWith("db_")).map((h) => h.definition.name.split("_")[0]))];
    options.stderr.write(
      `qualys mcp: serving ${handlers.length} tools over stdio (${options.allowWrites ? "reads and writes, writes need confirm: true" : "reads only"}; modules: ${modules.join(", ") || "none"}${db ? `; database ${db.dialect}` : ""})\n`,
    );
    await closed;
  } finally {
    await db?.close();
  }
}

/** The stdio transport, saying when it has closed: serveStdio owns its `onclose`. */
class ClosingStdioTransport extends StdioServerTransport {
  constructor(
    stdin: Readable,
    stdout: Writable,
    private readonly onClosed: () => void,
  ) {
    super(stdin, stdout);
  }

  override async close(): Promise<void> {
    await super.close();
    this.onClosed();
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
