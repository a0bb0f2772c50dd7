/**
 * The real `qualys mcp` as a child process (`node --import tsx src/cli/main.ts mcp …`, what an
 * MCP client runs), driven by the SDK's own Client over stdio. The environment holds only the
 * Qualys variables a test gives, and an empty config home.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type CallToolResult } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

export const root = join(import.meta.dirname, "..", "..");

export interface McpSession {
  readonly client: Client;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  /** Calls a tool; the result as the model sees it. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** `era: "modern"` connects on protocol revision 2026-07-28 (server/discover) only; by default the 2025 `initialize` handshake. */
export async function startMcp(args: readonly string[], env: Record<string, string> = {}, options: { era?: "modern" } = {}): Promise<McpSession> {
  const clean = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => !e[0].startsWith("QUALYS_") && e[1] !== undefined));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--import", "tsx", join(root, "src", "cli", "main.ts"), "mcp", ...args],
    cwd: root,
    env: { ...clean, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "qualys-ts-home-")), ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: "qualys-ts-tests", version: "0" }, options.era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {});
  try {
    await client.connect(transport);
  } catch (err) {
    throw new Error(`qualys mcp did not start: ${(err as Error).message}\n${stderr}`);
  }
  return {
    client,
    stderr: () => stderr,
    call: async (name, callArgs = {}) => (await client.callTool({ name, arguments: callArgs })) as CallToolResult,
    close: () => client.close(),
  };
}

/** The first text of a result, parsed as JSON. */
export function json<T = Record<string, unknown>>(result: CallToolResult): T {
  const first = result.content[0];
  if (first?.type !== "text") throw new Error(`no text in ${JSON.stringify(result)}`);
  try {
    return JSON.parse(first.text) as T;
  } catch {
    throw new Error(`not JSON: ${first.text.slice(0, 500)}`);
  }
}

/** Every text of a result, joined. */
export function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** A token as the gateway hands out (the server never asks /auth for it). */
export function fakeJwt(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "HS512" })}.${part({ sub: "acme2ab12", iat: now, exp: now + 4 * 3600 })}.c2ln`;
}
