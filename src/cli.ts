/**
 * `qualys-ts/cli`: the `qualys` command as functions, for the bin of the `qualys-ts-cli` package
 * (packages/cli), which also brings the packages the CLI needs (commander, csv-stringify,
 * cli-progress, the report's vega, the drivers…). Loaded only when called, so a missing one is a
 * one-line error naming it, not a stack.
 */
import type { CliIo } from "./cli/main.js";
import { MissingDependencyError } from "./runtime/errors/missing-dependency-error.js";
import { importOptional } from "./runtime/optional-import.js";

export type { CliIo } from "./cli/main.js";

// main.js imports commander at its top: a missing commander surfaces as the import's failure.
const load = () => importOptional<typeof import("./cli/main.js")>("commander", "The qualys command", () => import("./cli/main.js"));

/** Runs the CLI on `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  return (await load()).main(argv, io);
}

/** The process entry: real stdio and exit code, Ctrl-C aborts the command. */
export async function runAsProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  let cli: typeof import("./cli/main.js");
  try {
    cli = await load();
  } catch (err) {
    if (!(err instanceof MissingDependencyError)) throw err;
    process.stderr.write(`qualys: ${err.message} (or install qualys-ts-cli, which brings all the CLI needs)\n`);
    process.exitCode = 1;
    return;
  }
  await cli.runAsProcess(argv);
}
