/** One entry of the generated MCP tool table (src/generated/mcp-tools.ts, from scripts/generate/mcp.ts). */
import type { PaginationSpec } from "../runtime/types.js";

/** A JSON Schema object, as the MCP `inputSchema` of a tool. */
export type JsonSchema = Readonly<Record<string, unknown>>;

interface ToolSpecBase {
  /** `<module>_<operationId or function>`, e.g. `car_searchJobs`, `vm_listHosts`. */
  readonly name: string;
  /** The spec's module (`car`, `vm`…): the client namespace the call goes through. */
  readonly module: string;
  /** The operationId (gateway) or action function name (VM). */
  readonly operation: string;
  /** Only reads: GET/HEAD, a POST the spec marks `x-idempotent`, or a VM action marked `idempotent`. */
  readonly read: boolean;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
}

/** A gateway (JSON) operation: flat arguments mapped back to path/query/header parameters and `body`. */
export interface OperationToolSpec extends ToolSpecBase {
  readonly kind: "operation";
  readonly params: Readonly<Partial<Record<"path" | "query" | "header", readonly string[]>>>;
  readonly body?: boolean;
  /** How the 2xx body is read (`json`, `text`, `stream` for downloads). */
  readonly output: string;
  readonly paging?: PaginationSpec;
}

/** A VM (XML) action: the arguments are its form parameters. */
export interface ActionToolSpec extends ToolSpecBase {
  readonly kind: "action";
  readonly paging?: "truncation" | "qps";
}

export type McpToolSpec = OperationToolSpec | ActionToolSpec;
