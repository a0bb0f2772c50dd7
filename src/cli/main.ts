/**
 * `qualys`: everyday Qualys exports from the shell, streamed as JSON, NDJSON or CSV.
 * Exit codes: 0 success, 1 the API (or the network) failed, 2 the command was used wrongly.
 */
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import { QualysError } from "../runtime/errors/qualys-error.js";
import { connect } from "./connect.js";
import { writeRecords, type Format } from "./output.js";
import { Progress } from "./progress.js";

const int = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number");
  return n;
};

interface Globals {
  format: Format;
  mock?: boolean;
  config?: string;
  vmAuth?: "basic" | "session" | "oidc";
}

export function buildProgram(io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Command {
  const program = new Command("qualys")
    .description("Export hosts, detections, scans, reports, findings and more from Qualys.")
    .addOption(new Option("-f, --format <format>", "output format").choices(["json", "ndjson", "csv"]).default("json"))
    .option("--mock", "run against the bundled Prism mock of the specs (no Qualys account)")
    .option("--config <file>", "JSON config with credentials and platform (default ~/.config/qualys-ts/config.json)")
    .addOption(new Option("--vm-auth <mode>", "VM API auth").choices(["basic", "session", "oidc"]))
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  /** Runs a command body with a connected client, printing records as they come. */
  const run =
    <A extends unknown[]>(body: (ctx: { client: Awaited<ReturnType<typeof connect>>["client"]; progress: Progress; emit: (records: AsyncIterable<unknown> | Iterable<unknown>) => Promise<void> }, ...args: A) => Promise<void>) =>
    async (...args: A) => {
      const globals = program.opts<Globals>();
      const progress = new Progress(io.stderr);
      const { client, close } = await connect({ mock: globals.mock, config: globals.config, vmAuth: globals.vmAuth, onRateLimit: () => progress.rateLimitWait() });
      try {
        await body({ client, progress, emit: (records) => writeRecords(records, globals.format, io.stdout as NodeJS.WriteStream, () => progress.record()).then(() => undefined) }, ...args);
      } finally {
        progress.done();
        await close();
      }
    };

  program
    .command("auth")
    .description("credentials")
    .command("check")
    .description("check the credentials against the VM API (portal and scanner versions)")
    .action(run(async ({ client, emit }) => emit([await client.vm.getPortalVersion()])));

  const vm = program.command("vm").description("VM / PA / PC XML API");
  vm.command("hosts")
    .description("list hosts (all pages)")
    .option("--ids <ids>", "host ids and ranges, e.g. 1,5-9")
    .addOption(new Option("--details <level>", "detail level").choices(["Basic", "Basic/AGs", "All", "All/AGs", "None"]).default("Basic"))
    .option("--truncation-limit <n>", "hosts per page", int)
    .action(run(async ({ client, progress, emit }, o: { ids?: string; details: "Basic"; truncationLimit?: number }) =>
      emit(client.vm.listHosts({ ids: o.ids, details: o.details, truncation_limit: o.truncationLimit }, { onPage: () => progress.page() })),
    ));
  vm.command("detections")
    .description("stream every host with its detections (all pages, constant memory)")
    .option("--ids <ids>", "host ids and ranges")
    .option("--qids <qids>", "QIDs and ranges")
    .option("--severities <list>", "e.g. 4-5")
    .option("--status <list>", "New,Active,Re-Opened,Fixed")
    .option("--show-qds", "include QDS scores and factors")
    .option("--truncation-limit <n>", "hosts per page", int)
    .action(run(async ({ client, progress, emit }, o: { ids?: string; qids?: string; severities?: string; status?: string; showQds?: boolean; truncationLimit?: number }) =>
      emit(
        client.vm.listHostDetections(
          { ids: o.ids, qids: o.qids, severities: o.severities, status: o.status, show_qds: o.showQds ? 1 : undefined, show_qds_factors: o.showQds ? 1 : undefined, truncation_limit: o.truncationLimit },
          { onPage: () => progress.page() },
        ),
      ),
    ));
  const scans = vm.command("scans").description("VM scans");
  scans.command("list")
    .description("list scans")
    .option("--state <states>", "Running,Paused,Canceled,Finished,Error,Queued,Loading")
    .action(run(async ({ client, emit }, o: { state?: string }) => emit(client.vm.listScans({ state: o.state }))));
  scans.command("launch")
    .description("launch a VM scan")
    .requiredOption("--title <title>", "scan title")
    .option("--ip <ips>", "IPs and ranges")
    .option("--asset-group-ids <ids>", "asset group ids")
    .option("--option-id <id>", "option profile id", int)
    .option("--scanner <name>", "scanner appliance name")
    .action(run(async ({ client, emit }, o: { title: string; ip?: string; assetGroupIds?: string; optionId?: number; scanner?: string }) => {
      if (!o.ip && !o.assetGroupIds) throw new ConfigurationError("give --ip or --asset-group-ids");
      const answer = await client.vm.launchScan({ scan_title: o.title, ip: o.ip, asset_group_ids: o.assetGroupIds, option_id: o.optionId, iscanner_name: o.scanner });
      await emit([{ text: answer.response?.text, ...Object.fromEntries((answer.response?.itemList ?? []).map((i) => [i.key ?? "", i.value])) }]);
    }));
  const reports = vm.command("reports").description("reports");
  reports.command("list").description("list reports").action(run(async ({ client, emit }) => emit(client.vm.listReports())));
  reports.command("fetch")
    .description("download a finished report to a file or stdout")
    .argument("<id>", "report id", int)
    .option("-o, --output <file>", "write here instead of stdout")
    .action(run(async ({ client }, id: number, o: { output?: string }) => {
      const response = await client.vm.fetchReport({ id });
      if (!response.body) return;
      await pipeline(Readable.fromWeb(response.body as never), o.output ? createWriteStream(o.output) : (io.stdout as NodeJS.WritableStream));
    }));
  vm.command("kb")
    .description("stream KnowledgeBase vulnerabilities")
    .option("--ids <qids>", "QIDs and ranges")
    .option("--modified-after <date>", "YYYY-MM-DD[THH:MM:SSZ]")
    .addOption(new Option("--details <level>").choices(["Basic", "All", "None"]))
    .action(run(async ({ client, emit }, o: { ids?: string; modifiedAfter?: string; details?: "Basic" }) =>
      emit(client.vm.listVulns({ ids: o.ids, last_modified_after: o.modifiedAfter, details: o.details })),
    ));

  const car = program.command("car").description("Custom Assessment and Remediation");
  car.command("scripts")
    .description("script types and languages (the ids scripts are created with)")
    .action(run(async ({ client, emit }) => {
      const [types, languages] = await Promise.all([client.car.listScriptTypes(), client.car.listScriptLanguages()]);
      await emit([...(types.body?.list ?? []).map((t) => ({ kind: "type", ...t })), ...(languages.body?.list ?? []).map((l) => ({ kind: "language", ...l }))]);
    }));
  car.command("jobs")
    .description("stream script jobs (sort + searchAfter, past 10,000)")
    .option("--filter <qql>", "QQL filter, e.g. script.name:backup")
    .option("--page-size <n>", "records per page", int, 1000)
    .action(run(async ({ client, emit }, o: { filter?: string; pageSize: number }) =>
      emit(mapItems(client.car.searchJobs.items({ body: { filter: o.filter, sort: [{ "created.dateTime": "desc" }, { id: "desc" }], pageSize: o.pageSize } }), (i) => i.data)),
    ));

  program
    .command("etm")
    .description("Enterprise TruRisk Management")
    .command("findings")
    .description("run a findings report and stream its records")
    .option("--qql <qql>", "findings QQL, e.g. finding.severity:[5]")
    .option("--asset-qql <qql>", "asset QQL")
    .option("--timeout <minutes>", "give up waiting after this long", int, 30)
    .action(run(async ({ client, emit }, o: { qql?: string; assetQql?: string; timeout: number }) => {
      const report = await client.etm.findingsReport({ reportFormat: "JSON", findingsQql: o.qql, assetQql: o.assetQql }, { timeoutMs: o.timeout * 60_000, pollIntervalMs: 2000 });
      await emit(report);
    }));

  const qflow = program.command("qflow").description("QFlow workflows");
  qflow.command("workflows")
    .description("list workflows (all pages)")
    .option("--query <qql>", "QQL, e.g. qflow.name: RDS")
    .action(run(async ({ client, emit }, o: { query?: string }) => emit(client.qflow.listWorkflows.items({ params: { query: { pageSize: 100, pageNumber: 1, query: o.query } } }))));
  qflow.command("executions")
    .description("list a workflow's executions (last 30 days)")
    .argument("<workflowId>")
    .action(run(async ({ client, emit }, workflowId: string) =>
      emit(client.qflow.listWorkflowExecutions.items({ params: { path: { workflowId }, query: { pageSize: 100, pageNumber: 1 } } })),
    ));
  qflow.command("run")
    .description("run a workflow")
    .argument("<workflowId>")
    .option("--input <json>", "workflow input as JSON")
    .action(run(async ({ client, emit }, workflowId: string, o: { input?: string }) => {
      let input: Record<string, unknown> | undefined;
      try {
        input = o.input ? (JSON.parse(o.input) as Record<string, unknown>) : undefined;
      } catch {
        throw new ConfigurationError("--input is not valid JSON");
      }
      const started = await client.qflow.runWorkflow({ params: { path: { workflowId } }, body: input ? { input } : {} });
      await emit([started.data]);
    }));

  program
    .command("sdr")
    .description("SaaS Detection and Response")
    .command("controls")
    .description("list SaaS controls")
    .option("--fields <list>", "fields to return, comma-separated")
    .action(run(async ({ client, emit }, o: { fields?: string }) => {
      const controls = await client.saasdr.listControls({ params: { query: { fields: o.fields } } });
      await emit(Array.isArray(controls) ? controls : [controls]);
    }));

  return program;
}

async function* mapItems<T, U>(items: AsyncIterable<T>, fn: (t: T) => U): AsyncGenerator<U> {
  for await (const item of items) yield fn(item);
}

/** Runs the CLI; resolves with the exit code. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream;
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigurationError) {
      io.stderr.write(`qualys: ${err.message}\n`);
      return 2;
    }
    if (err instanceof QualysError) {
      io.stderr.write(`qualys: ${err.message}\n`);
      return 1;
    }
    io.stderr.write(`qualys: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}
