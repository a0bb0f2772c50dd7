/**
 * The `qualys` command tree: global options (--format, --columns, --mock, --config, --vm-auth)
 * and one sub-command per everyday export, each a thin layer over the client.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { Command, Option } from "commander";
import type { Credentials } from "../runtime/auth/index.js";
import { packageRoot } from "../mock/index.js";
import type { Run } from "./command.js";
import { authCommands } from "./commands/auth.js";
import { carCommands } from "./commands/car.js";
import { etmCommands } from "./commands/etm.js";
import { exportCommands } from "./commands/export.js";
import { qflowCommands } from "./commands/qflow.js";
import { sdrCommands } from "./commands/sdr.js";
import { vmCommands } from "./commands/vm.js";
import { connect } from "./connect.js";
import { writeRecords, type Format } from "./output.js";
import { Progress } from "./progress.js";

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean };
  /** Aborts the running command (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** What the program learned while running, for the error report. */
export interface ProgramState {
  credentials?: Credentials;
}

interface Globals {
  format: Format;
  columns?: string[];
  mock?: boolean;
  config?: string;
  vmAuth?: "basic" | "session" | "oidc";
}

const ENVIRONMENT_HELP = `
Credentials (first found):
  --config <file>                        JSON: {"username", "password", "platform"} (or clientId/clientSecret,
                                         or token; apiUrl/gatewayUrl instead of platform); chmod 600
  QUALYS_USERNAME, QUALYS_PASSWORD       or QUALYS_CLIENT_ID, QUALYS_CLIENT_SECRET, or QUALYS_TOKEN
  QUALYS_PLATFORM                        US1…US4, EU1…EU3, IN1, CA1, AE1, UK1, AU1, KSA1, GOV1
  QUALYS_API_URL, QUALYS_GATEWAY_URL     explicit URLs (private cloud, proxy)
  ~/.config/qualys-ts/config.json        as --config

Exit codes: 0 success, 1 the API or the network failed, 2 the command was used wrongly.`;

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

const list = (value: string) => value.split(",").map((s) => s.trim()).filter(Boolean);

/** The Prism mocks a command needs (commander hands the command itself as the last action argument). */
function mockModulesFor(command: unknown): string[] | undefined {
  let top = command instanceof Command ? command : undefined;
  while (top?.parent?.parent) top = top.parent;
  const name = top?.name();
  if (name === "auth") return ["auth", "vm"];
  if (name === "sdr") return ["saasdr"];
  return name ? [name] : undefined;
}

export function buildProgram(io: CliIo, state: ProgramState = {}): Command {
  const program = new Command("qualys")
    .description("Everyday Qualys exports — hosts, detections, scans, reports, findings, workflows — streamed as JSON, NDJSON or CSV.")
    .version(version(), "-V, --version")
    .addOption(new Option("-f, --format <format>", "output format").choices(["json", "ndjson", "csv"]).default("json"))
    .option("--columns <list>", "CSV only: these columns, in this order (dotted names, e.g. host.id,qid)", list)
    .option("--mock", "run against the bundled Prism mock of the specs (no Qualys account)")
    .option("--config <file>", "JSON file with credentials and platform")
    .addOption(new Option("--vm-auth <mode>", "VM API auth (default basic with a password, oidc with a token)").choices(["basic", "session", "oidc"]))
    .addHelpText("after", ENVIRONMENT_HELP)
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .hook("preAction", () => {
      const globals = program.opts<Globals>();
      if (globals.columns && globals.format !== "csv") program.error("error: --columns needs --format csv", { exitCode: 2 });
    });

  const signal = io.signal ?? new AbortController().signal;
  const run: Run =
    (body) =>
    async (...args) => {
      const globals = program.opts<Globals>();
      const progress = new Progress(io.stderr);
      const connection = await connect({
        mock: globals.mock,
        mockModules: mockModulesFor(args[args.length - 1]),
        config: globals.config,
        vmAuth: globals.vmAuth,
        hooks: {
          onRateLimit: (info) => progress.rateLimitWait(info.waitMs),
          onDeprecated: (warning) => void io.stderr.write(`${warning.message}\n`),
        },
      });
      state.credentials = connection.credentials;
      try {
        await body(
          {
            client: connection.client,
            progress,
            signal,
            stdout: io.stdout,
            emit: async (records, csv) => {
              const shape = globals.columns ? { ...csv, columns: globals.columns } : csv;
              await writeRecords(records, io.stdout, { format: globals.format, csv: shape, onRecord: () => progress.record() });
            },
          },
          ...args,
        );
      } finally {
        progress.done();
        await connection.close();
      }
    };

  authCommands(program, run);
  vmCommands(program, run);
  carCommands(program, run);
  etmCommands(program, run);
  qflowCommands(program, run);
  sdrCommands(program, run);
  exportCommands(program, run, io.stdout, io.stderr);
  return program;
}
