/** Messages between the MCP server and its SQL child process. */
import type { Dialect } from "../../db/database.js";
import type { Row } from "./database.js";

export type ToChild = { readonly type: "open"; readonly url: string } | { readonly type: "query"; readonly id: number; readonly sql: string; readonly timeoutMs: number };

export interface ChildFailure {
  readonly name: string;
  readonly message: string;
}

export type FromChild =
  | { readonly type: "ready"; readonly dialect: Dialect }
  | { readonly type: "failed"; readonly error: ChildFailure }
  | { readonly type: "rows"; readonly id: number; readonly rows: Row[] }
  | { readonly type: "error"; readonly id: number; readonly error: ChildFailure };
