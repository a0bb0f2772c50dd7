/**
 * The demo's MCP step: `qualys --mock mcp` started as an AI assistant would start it (a child
 * process spoken to over stdio by the SDK's client), its tools listed, and one tool called.
 */
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const clip = (line: string) => (line.length > 150 ? `${line.slice(0, 149)}…` : line);

/** Returns the number of failures (0 or 1). */
export async function mcpDemo(mockUrls: Readonly<Record<string, string>>): Promise<number> {
  const root = join(import.meta.dirname, "..");
  const args = ["--mock", "mcp"];
  console.log(`\n# An AI assistant asks Qualys: the MCP server, one tool per operation of the specs\n$ qualys ${args.join(" ")}   (spoken to over stdio by an MCP client)`);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args],
    cwd: root,
    env: { ...(process.env as Record<string, string>), QUALYS_MOCK_URLS: JSON.stringify(mockUrls) },
    stderr: "pipe",
  });
  const client = new Client({ name: "qualys-ts-demo", version: "0" });
  try {
    await client.connect(transport);
    const { tools } = await client.listTools();
    console.log(`  tools/list → ${tools.length} tools: ${tools.slice(0, 6).map((t) => t.name).join(", ")}, …`);
    const call = { name: "vm_listHostDetections", arguments: { severities: "3-5", show_qds: 1, truncation_limit: 100 } };
    console.log(`  tools/call ${JSON.stringify(call)}`);
    const result = await client.callTool(call);
    const first = result.content as { type: string; text?: string }[];
    const lines = JSON.stringify(JSON.parse(first[0]?.text ?? "null"), null, 2).split("\n");
    for (const line of lines.slice(0, 10)) console.log(`  ${clip(line)}`);
    if (lines.length > 10) console.log(`  … ${lines.length - 10} more lines`);
    console.log(`  → ${result.isError ? "a failed call" : "answered"}`);
    return result.isError ? 1 : 0;
  } catch (err) {
    console.log(`  → failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await client.close();
  }
}
