/**
 * The `qualys` command tree: global options (--format, --columns, --mock, --config, --vm-auth,
 * --api-versions) and one sub-command per everyday export, each a thin layer over the client.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { Command, Option } from "commander";
import { packageRoot } from "../mock/index.js";
import type { Run } from "./command.js";
import { authCommands } from "./commands/auth.js";
import { parseApiVersions } from "./api-versions.js";
import { carCommands } from "./commands/car.js";
import { csamCommands } from "./commands/csam.js";
import { doctorCommand } from "./commands/doctor.js";
import { etmCommands } from "./commands/etm.js";
import { exportCommands } from "./commands/export.js";
import { mcpCommand } from "./commands/mcp.js";
import { pcrsCommands } from "./commands/pcrs.js";
import { qflowCommands } from "./commands/qflow.js";
import { reportCommand } from "./commands/report.js";
import { sdrCommands } from "./commands/sdr.js";
import { vmCommands } from "./commands/vm.js";
import { wasCommands } from "./commands/was.js";
import { connect } from "./connect.js";
import { tolerateMockTotals } from "./mock-listing.js";
import { atLevel, logLevelFromEnv, streamLogger } from "../runtime/observe/logger.js";
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
  /** The connected client's redactor: every secret it holds or was handed, in every encoding. */
  redact?: (text: string) => string;
}

interface Globals {
  format: Format;
  columns?: string[];
  mock?: boolean;
  config?: string;
  vmAuth?: "basic" | "session" | "jwt" | "oidc";
  apiVersions?: Record<string, string>;
  redis?: string;
  proxy?: string;
  caFile?: string;
  verbose?: boolean;
}

const ENVIRONMENT_HELP = `
Credentials (first found):
  --config <file>                        JSON: {"username", "password", "platform"} (or clientId/clientSecret,
                                         or token; apiUrl/gatewayUrl instead of platform); chmod 600
  QUALYS_USERNAME, QUALYS_PASSWORD       or QUALYS_CLIENT_ID, QUALYS_CLIENT_SECRET (QUALYS_CLIENT_LEVEL=user
                                         for a user-level client: token from /auth/oidc), or QUALYS_TOKEN
  QUALYS_PLATFORM                        US1…US4, EU1…EU3, IN1, CA1, AE1, UK1, AU1, KSA1, GOV1
  QUALYS_API_URL, QUALYS_GATEWAY_URL     explicit URLs (private cloud, proxy)
  QUALYS_REDIS_URL                       as --redis: rate limits shared by every process using it
  QUALYS_API_VERSIONS                    as --api-versions (config file: "apiVersions": {"listVulns": "3.0"})

API versions: every command calls the newest version Qualys documents for each endpoint (qualys
doctor lists them). --api-versions keeps named actions on an older one, with a warning once it is
past its end of support; a version Qualys has retired fails with the version to use.
  ~/.config/qualys-ts/config.json        as --config

Network and logs:
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY      proxy, as curl reads them (either case); --proxy wins
  NODE_EXTRA_CA_CERTS, --ca-file <pem>   extra CAs to trust (a company proxy or private CA)
  QUALYS_LOG=debug|info|warn|error       request log on stderr (--verbose: info)

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
  if (name === "auth" || name === "doctor") return ["auth", "vm"];
  if (name === "sdr") return ["saasdr"];
  if (name === "mcp") return top!.opts<{ modules?: string[] }>().modules;
  return name ? [name] : undefined;
}

export function buildProgram(io: CliIo, state: ProgramState = {}): Command {
  const program = new Command("qualys")
    .description("Everyday Qualys exports — hosts, detections, assets, compliance posture, web apps, scans, reports, findings, workflows — streamed as JSON, NDJSON or CSV.")
    .version(version(), "-V, --version")
    .addOption(new Option("-f, --format <format>", "output format").choices(["json", "ndjson", "csv"]).default("json"))
    .option("--columns <list>", "CSV only: these columns, in this order (dotted names, e.g. host.id,qid)", list)
    .option("--mock", "run against the bundled Prism mock of the specs (no Qualys account)")
    .option("--config <file>", "JSON file with credentials and platform")
    .addOption(new Option("--vm-auth <mode>", "VM API auth: basic (default with a password), session, or jwt (the gateway token; default with a client or token; also called oidc)").choices(["basic", "session", "jwt", "oidc"]))
    .addOption(
      new Option("--api-versions <list>", "keep VM actions on an older Qualys API version, e.g. listVulns=3.0,listHostDetections=4.0 (default: the current ones)")
        .env("QUALYS_API_VERSIONS")
        .argParser(parseApiVersions),
    )
    .addOption(new Option("--redis <url>", "share the subscription's rate limits with other processes through Redis (redis://host:port)").env("QUALYS_REDIS_URL"))
    .option("--proxy <url>", "HTTP(S) proxy, http://[user:pass@]host:port (default: HTTPS_PROXY / HTTP_PROXY / NO_PROXY)")
    .option("--ca-file <pem>", "extra CA certificates to trust (PEM file)")
    .option("-v, --verbose", "one line per request on stderr (as QUALYS_LOG=info)")
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
      // --verbose means at least info; QUALYS_LOG=debug still wins.
      const fromEnv = logLevelFromEnv();
      const level = globals.verbose && fromEnv !== "debug" ? "info" : fromEnv;
      const connection = await connect({
        mock: globals.mock,
        mockModules: mockModulesFor(args[args.length - 1]),
        config: globals.config,
        vmAuth: globals.vmAuth,
        apiVersions: globals.apiVersions,
        redisUrl: globals.redis,
        proxy: globals.proxy,
        caFile: globals.caFile,
        logger: level ? atLevel(level, streamLogger(io.stderr)) : undefined,
        hooks: {
          onRateLimit: (info) => progress.rateLimitWait(info.waitMs),
          onDeprecated: (warning) => void io.stderr.write(`${warning.message}\n`),
          onWarning: (warning) => void io.stderr.write(`${warning.message}\n`),
        },
      });
      state.redact = (text) => connection.client.redactor.text(text);
      try {
        await body(
          {
            client: connection.client,
            progress,
            signal,
            stdout: io.stdout,
            emit: async (records, csv) => {
              const shape = globals.columns ? { ...csv, columns: globals.columns } : csv;
              const source = globals.mock ? tolerateMockTotals(records, (line) => void io.stderr.write(`${line}\n`)) : records;
              await writeRecords(source, io.stdout, { format: globals.format, csv: shape, onRecord: () => progress.record(), interrupted: () => signal.aborted });
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
  doctorCommand(program, run, { explicitFormat: () => program.getOptionValueSource("format") !== "default" });
  vmCommands(program, run);
  carCommands(program, run);
  csamCommands(program, run);
  etmCommands(program, run);
  pcrsCommands(program, run);
  qflowCommands(program, run);
  sdrCommands(program, run);
  wasCommands(program, run);
  reportCommand(program, io);
  exportCommands(program, run, io.stdout, io.stderr);
  mcpCommand(program, run, io, version());
  return program;
}
