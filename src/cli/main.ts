/**
 * `qualys`: everyday Qualys exports from the shell.
 *
 *   npx tsx src/cli/main.ts --mock vm detections     (in the repository)
 *   qualys --format csv vm detections > det.csv      (installed: qualys-ts-cli's bin → qualys-ts/cli)
 *
 * Exit codes: 0 success, 1 the API or the network failed, 2 the command was used wrongly (or the
 * configuration is), 3 `qualys export` wrote everything but hosts Qualys could not serve (recorded
 * in export_bad_hosts), 130 interrupted. Errors are one line on stderr: no stack, no secret.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CommanderError } from "commander";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import { InvalidParameterError } from "../runtime/errors/invalid-parameter-error.js";
import { ExitCodeError } from "./exit-code-error.js";
import { buildProgram, type CliIo, type ProgramState } from "./program.js";

export type { CliIo } from "./program.js";

/** Runs the CLI on `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const state: ProgramState = {};
  const program = buildProgram(io, state);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // commander printed it
    if (brokenPipe(err)) return 0; // the reader went away (`| head`): not our failure
    if (io.signal?.aborted) {
      io.stderr.write("qualys: interrupted\n");
      return 130;
    }
    io.stderr.write(`qualys: ${oneLine(err, state)}\n`);
    if (err instanceof ExitCodeError) return err.exitCode;
    // Wrong configuration or parameters Qualys would refuse (checked before sending) are usage errors.
    return err instanceof ConfigurationError || err instanceof InvalidParameterError ? 2 : 1;
  }
}

/** The error's message on one line, with every secret of the connected client replaced. */
function oneLine(err: unknown, state: ProgramState): string {
  let text = err instanceof Error ? err.message : String(err);
  if (state.redact) text = state.redact(text);
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim() || (err as Error)?.name || "failed";
}

function brokenPipe(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

/** The process entry (bin and `tsx src/cli/main.ts`): real stdio, Ctrl-C aborts the command. */
export async function runAsProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: stop waiting for the clean-up
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSigint);
  // A reader that goes away mid-write (`| head`) must not become an uncaught error with a stack.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
  });
  try {
    process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
  } finally {
    process.off("SIGINT", onSigint);
  }
}

const invokedAs = process.argv[1];
if (invokedAs && import.meta.url === pathToFileURL(realpathSafe(invokedAs)).href) await runAsProcess();

function realpathSafe(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
