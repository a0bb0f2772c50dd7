/** A tool as the server serves it: what `tools/list` shows, and how a call runs. */
import type { Answer } from "./answer.js";
import type { Args } from "./cursor.js";
import type { JsonSchema } from "./tool-spec.js";

export interface ToolDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly annotations: {
    readonly title: string;
    readonly readOnlyHint: boolean;
    readonly destructiveHint: boolean;
    readonly idempotentHint: boolean;
    readonly openWorldHint: boolean;
  };
}

export interface ToolHandler {
  readonly definition: ToolDefinition;
  /** Why a call with these arguments is refused before anything else (a write without `confirm: true`). */
  readonly refuses?: (args: Args) => string | undefined;
  /** Whether these arguments are checked against the input schema before the call (default: always). */
  readonly validates?: (args: Args) => boolean;
  call(args: Args, signal?: AbortSignal): Promise<Answer>;
}
