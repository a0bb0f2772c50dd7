/**
 * `qualys mcp`: a Model Context Protocol server over stdio for AI assistants — every operation of
 * the specs as a tool (reads only unless --allow-writes), and with --db the export database.
 * The server and its SDK (@modelcontextprotocol/server, an optional package that qualys-ts-cli
 * does not bring) load only when this command runs.
 */
import type { Command } from "commander";
import { MissingDependencyError } from "../../runtime/errors/missing-dependency-error.js";
import { importOptional } from "../../runtime/optional-import.js";
import { int, type Run } from "../command.js";
import type { CliIo } from "../program.js";

interface McpFlags {
  allowWrites?: boolean;
  modules?: string[];
  db?: string;
  dbOnly?: boolean;
  maxChars: number;
  maxRows: number;
  sqlTimeout: number;
}

const list = (value: string) => value.split(",").map((s) => s.trim()).filter(Boolean);

export function mcpCommand(program: Command, run: Run, io: CliIo, version: string): void {
  program
    .command("mcp")
    .description("MCP server over stdio for AI assistants: every Qualys API operation as a tool (reads only by default), and the export database with --db")
    .option("--allow-writes", "also list the operations that change data (launch scans, purge hosts…); each call then needs confirm: true")
    .option("--modules <list>", "only these modules' tools, e.g. vm,car (default: all)", list)
    .option("--db <url>", "also serve the export database: a read-only SQL tool, named questions and the HTML report")
    .option("--db-only", "serve only the database tools (no Qualys credentials needed); needs --db")
    .option("--max-chars <n>", "largest tool answer, in characters of JSON", int, 60_000)
    .option("--max-rows <n>", "most rows a SQL answer holds", int, 500)
    .option("--sql-timeout <ms>", "longest a SQL statement may run", int, 10_000)
    .action(async (flags: McpFlags, command: Command) => {
      if (flags.dbOnly && !flags.db) command.error("error: --db-only needs --db <url>", { exitCode: 2 });
      for (const [name, value] of [["--max-chars", flags.maxChars], ["--max-rows", flags.maxRows], ["--sql-timeout", flags.sqlTimeout]] as const) {
        if (value < 1) command.error(`error: ${name} must be at least 1`, { exitCode: 2 });
      }
      // Not brought by qualys-ts-cli (the CLI's install budget): installed beside it, globally or with npx.
      const { serveMcp } = await importOptional("@modelcontextprotocol/server", "`qualys mcp`", () => import("../../mcp/serve.js")).catch((err: unknown) => {
        if (err instanceof MissingDependencyError) err.message += ` (with a global qualys-ts-cli: npm install -g ${err.packageName}; with npx: npx -y -p qualys-ts-cli -p ${err.packageName} qualys mcp)`;
        throw err;
      });
      const settings = {
        allowWrites: flags.allowWrites,
        modules: flags.modules,
        db: flags.db,
        maxChars: flags.maxChars,
        maxRows: flags.maxRows,
        sqlTimeoutMs: flags.sqlTimeout,
        version,
        signal: io.signal,
        stderr: io.stderr,
      };
      if (flags.dbOnly) await serveMcp(settings);
      // The command goes last, as commander hands it to every action: `--mock` starts the mocks of --modules only.
      else await run(async (ctx, _command: Command) => serveMcp({ ...settings, client: ctx.client, signal: ctx.signal }))(command);
    });
}
