/**
 * The Qualys API tools: the generated table narrowed to what the server was told to expose (reads
 * only unless writes are allowed; some modules), each call checked (a write needs `confirm: true`;
 * a cursor must be one of ours) and run through the client.
 */
import type { QualysClient } from "../client.js";
import { mcpTools } from "../generated/mcp-tools.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import { callAction } from "./action-call.js";
import { resumeArgs, type Args } from "./cursor.js";
import { callOperation } from "./operation-call.js";
import { recordDecoder } from "./record-stream.js";
import type { ToolHandler } from "./tool-handler.js";
import type { McpToolSpec } from "./tool-spec.js";

export interface ApiToolOptions {
  /** List the operations that change data too (each call still needs `confirm: true`). */
  readonly allowWrites?: boolean;
  /** Only these modules (`car`, `vm`…); all when omitted. */
  readonly modules?: readonly string[];
  /** Characters of JSON an answer may have. */
  readonly limit: number;
}

/** The tools of the table that these options expose, in table order. */
export function selectTools(options: Pick<ApiToolOptions, "allowWrites" | "modules">, table: readonly McpToolSpec[] = mcpTools): McpToolSpec[] {
  const known = [...new Set(table.map((t) => t.module))];
  const unknown = (options.modules ?? []).filter((m) => !known.includes(m));
  if (unknown.length) throw new ConfigurationError(`--modules: unknown module ${unknown.join(", ")} (known: ${known.join(", ")})`);
  return table.filter((t) => (options.allowWrites || t.read) && (!options.modules || options.modules.includes(t.module)));
}

const STREAM_NOTE = "Answers the records that fit one answer, with `cursor` for the ones after them (none at the end).";

/** What tools/list shows of a tool: a record stream also says it pages, and takes the `cursor` its answers give. */
function listed(tool: McpToolSpec): { description: string; inputSchema: McpToolSpec["inputSchema"] } {
  if (!recordDecoder(tool.name)) return { description: tool.description, inputSchema: tool.inputSchema };
  const properties = tool.inputSchema.properties as Record<string, unknown>;
  const cursor = { type: "string", description: "Opaque cursor from the previous answer: pass it (alone, or with the same other arguments) to get the records after the ones shown." };
  return { description: `${tool.description}\n\n${STREAM_NOTE}`, inputSchema: { ...tool.inputSchema, properties: { ...properties, cursor } } };
}

export class RefusedError extends Error {
  override readonly name = "RefusedError";
}

export function apiTools(client: QualysClient, options: ApiToolOptions): ToolHandler[] {
  const tools = selectTools(options);
  // A spec generated into the table but not wired into the client would list tools that always fail.
  const namespaces = client as unknown as Record<string, Record<string, unknown> | undefined>;
  const missing = tools.filter((t) => typeof namespaces[t.module]?.[t.operation] !== "function").map((t) => `${t.module}.${t.operation}`);
  if (missing.length) throw new ConfigurationError(`the client has no ${missing.join(", ")}: add the module to createQualysClient (src/client.ts)`);
  return tools.map((tool) => ({
    definition: {
      name: tool.name,
      title: tool.title,
      ...listed(tool),
      annotations: { title: tool.title, readOnlyHint: tool.read, destructiveHint: !tool.read, idempotentHint: tool.read, openWorldHint: true },
    },
    refuses: (args: Args) =>
      tool.read || args.confirm === true
        ? undefined
        : `${tool.name} changes data in Qualys and was not run: ask the user to approve this exact call, then call it again with "confirm": true`,
    // A cursor's arguments came from this server (checked in resumeArgs), not from the model.
    validates: (args: Args) => args.cursor === undefined,
    async call(args: Args, signal?: AbortSignal) {
      // Checked again here: a call must never reach Qualys unconfirmed, whoever calls it.
      if (!tool.read && args.confirm !== true) throw new RefusedError(`${tool.name} changes data in Qualys: it needs "confirm": true`);
      const { confirm: _confirm, ...rest } = args;
      const { cursor, args: run } = resumeArgs(tool.name, rest);
      const start = cursor?.start ?? run;
      const settings = { signal, limit: options.limit };
      return tool.kind === "operation" ? callOperation(client, tool, start, cursor, run, settings) : callAction(client, tool, start, cursor, run, settings);
    },
  }));
}
