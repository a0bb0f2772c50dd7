/** `qualys export`: the whole subscription into SQLite or PostgreSQL (see src/export/). */
import { InvalidArgumentError, type Command } from "commander";
import { parseDatabaseUrl } from "../../db/url.js";
import { parseCsamFilter, type CsamFilter } from "../../runtime/csam/filters.js";
import { QualysError } from "../../runtime/errors/qualys-error.js";
import { checkExportDbUrl, DEFAULT_DB_URL } from "../../export/open-store.js";
import { BATCH_SIZE, DEFAULT_CONCURRENCY, KINDS, POSTURE_BATCH_SIZE, type ExportFilters, type ExportKind } from "../../export/options.js";
import { int, type Run } from "../command.js";
import { ExitCodeError } from "../exit-code-error.js";
import { ExportBar, summaryLine, badHostsLine, invalidUtf8Line } from "../export-progress.js";

interface ExportCliOptions {
  db?: string;
  what?: ExportKind[];
  since?: string;
  full?: boolean;
  concurrency: number;
  batchSize: number;
  workers: number;
  decodeThreads?: number;
  ips?: string;
  agIds?: string;
  osPattern?: string;
  qids?: string;
  severities?: string;
  status?: string;
  showQds?: boolean;
  results: boolean;
  includeIgnored?: boolean;
  includeDisabled?: boolean;
  assetFilter?: CsamFilter[];
  findingStatus?: string;
  findingSeverities?: string;
  postureBatchSize: number;
  postureEvidence?: boolean;
}

/** A repeatable `--asset-filter`, checked as it is parsed (a usage error otherwise). */
function collectAssetFilter(value: string, previous: CsamFilter[] = []): CsamFilter[] {
  try {
    return [...previous, parseCsamFilter(value)];
  } catch (err) {
    if (err instanceof QualysError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

function kinds(value: string): ExportKind[] {
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const k of list) if (!KINDS.includes(k as ExportKind)) throw new InvalidArgumentError(`"${k}" is not one of ${KINDS.join(", ")}.`);
  if (!list.length) throw new InvalidArgumentError(`name at least one of ${KINDS.join(", ")}.`);
  return list as ExportKind[];
}

const flag = (on: boolean | undefined): 0 | 1 | undefined => (on === undefined ? undefined : on ? 1 : 0);

/** Exit code of a run with bad hosts recorded: everything else was written (documented in README and main.ts). */
export const EXIT_BAD_HOSTS = 3;

export function exportCommands(program: Command, run: Run, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream & { isTTY?: boolean }): void {
  program
    .command("export")
    .description("export the subscription into SQLite or PostgreSQL: parallel, resumable, incremental, shared by workers on one PostgreSQL database")
    .option("--db <url>", `sqlite:<file> or postgres://user:pass@host/db (default: QUALYS_DB_URL, else ${DEFAULT_DB_URL})`)
    .option("--what <list>", `comma list of ${KINDS.join(",")} (default: every kind the subscription has)`, kinds)
    .option("--since <date>", "only what changed since YYYY-MM-DD[THH:MM:SSZ] (default: the last successful run's start less 1 h)")
    .option("--full", "everything, and mark hosts, assets, web apps and findings Qualys no longer lists as removed")
    .option("--concurrency <n>", "requests per API at once from this process, at most (Qualys's limit caps it further)", int, DEFAULT_CONCURRENCY)
    .option("--batch-size <n>", `host ids per batch, ${BATCH_SIZE.min}-${BATCH_SIZE.max}`, int, BATCH_SIZE.default)
    .option("--workers <n>", "processes on this run, this one included (PostgreSQL only; other machines join by pointing at the same --db)", int, 1)
    .option("--decode-threads <n>", "XML decode threads per process (0: in the main thread; default: one per core but one)", int)
    .option("--ips <ips>", "IPs and ranges")
    .option("--ag-ids <ids>", "asset group ids")
    .option("--os-pattern <regex>", "operating system PCRE")
    .option("--qids <qids>", "QIDs and ranges")
    .option("--severities <list>", "severities, e.g. 4-5")
    .option("--status <list>", "detection statuses (default all: New,Active,Re-Opened,Fixed)")
    .option("--show-qds", "include QDS scores and their factors")
    .option("--no-results", "leave out the scan results text (much smaller)")
    .option("--include-ignored", "include ignored detections")
    .option("--include-disabled", "include disabled detections")
    .option("--asset-filter <FIELD:OPERATOR:VALUE>", "CSAM asset search filter, repeatable (ANDed), e.g. operatingSystem.category1:EQUALS:Windows", collectAssetFilter)
    .option("--finding-status <list>", "WAS finding statuses, e.g. NEW,ACTIVE,REOPENED (default all)")
    .option("--finding-severities <list>", "WAS finding severities, e.g. 4-5")
    .option("--posture-batch-size <n>", `hosts per PC posture call, ${POSTURE_BATCH_SIZE.min}-${POSTURE_BATCH_SIZE.max}`, int, POSTURE_BATCH_SIZE.default)
    .option("--posture-evidence", "PC posture with its evidence (pc_posture_evidence; large)")
    .addHelpText(
      "after",
      `\nExit codes: 0 done; 1 failed (batches that failed are listed; run again to retry them); 2 usage;\n${EXIT_BAD_HOSTS} done except hosts Qualys could not serve (recorded in export_bad_hosts; the next run tries them first).`,
    )
    .hook("preAction", (command) => {
      const o = command.opts<ExportCliOptions>();
      const url = o.db ?? process.env.QUALYS_DB_URL ?? DEFAULT_DB_URL;
      // A bad URL is a usage error before anything connects or is written.
      try {
        checkExportDbUrl(url);
      } catch (err) {
        command.error(`error: --db: ${(err as Error).message}`, { exitCode: 2 });
      }
      if (o.full && o.since) command.error("error: give --since or --full, not both", { exitCode: 2 });
      if (o.batchSize < BATCH_SIZE.min || o.batchSize > BATCH_SIZE.max) command.error(`error: --batch-size must be ${BATCH_SIZE.min}-${BATCH_SIZE.max}`, { exitCode: 2 });
      if (o.postureBatchSize < POSTURE_BATCH_SIZE.min || o.postureBatchSize > POSTURE_BATCH_SIZE.max) {
        command.error(`error: --posture-batch-size must be ${POSTURE_BATCH_SIZE.min}-${POSTURE_BATCH_SIZE.max}`, { exitCode: 2 });
      }
      if (o.concurrency < 1) command.error("error: --concurrency must be at least 1", { exitCode: 2 });
      if (o.workers < 1 || o.workers > 64) command.error("error: --workers must be 1-64", { exitCode: 2 });
      if (o.workers > 1 && parseDatabaseUrl(url).dialect === "sqlite") {
        command.error("error: --workers: a SQLite export runs in one process; export into PostgreSQL (--db postgres://…) to share a run between processes", { exitCode: 2 });
      }
    })
    .action(
      run(async ({ client, signal }, o: ExportCliOptions) => {
        const filters: ExportFilters = {
          ips: o.ips,
          ag_ids: o.agIds,
          os_pattern: o.osPattern,
          qids: o.qids,
          severities: o.severities,
          status: o.status,
          show_qds: flag(o.showQds),
          show_qds_factors: flag(o.showQds),
          show_results: o.results ? undefined : 0,
          include_ignored: flag(o.includeIgnored),
          include_disabled: flag(o.includeDisabled),
        };
        for (const key of Object.keys(filters) as (keyof ExportFilters)[]) if (filters[key] === undefined) delete filters[key];
        const bar = await ExportBar.on(stderr);
        // Loaded when the command runs: every other command starts without the database drivers.
        const { exportSubscription } = await import("../../export/export-subscription.js");
        const { startChildWorkers } = await import("../export-workers.js");
        const children = o.workers > 1 ? startChildWorkers(o.workers - 1, stderr) : undefined;
        const onAbort = () => children?.stop();
        signal.addEventListener("abort", onAbort, { once: true });
        try {
          const summary = await exportSubscription(client, {
            db: o.db ?? process.env.QUALYS_DB_URL ?? DEFAULT_DB_URL,
            what: o.what,
            since: o.since,
            full: o.full,
            concurrency: o.concurrency,
            batchSize: o.batchSize,
            decodeThreads: o.decodeThreads,
            filters,
            moduleFilters: { assets: o.assetFilter, findingStatus: o.findingStatus, findingSeverities: o.findingSeverities },
            postureBatchSize: o.postureBatchSize,
            postureEvidence: o.postureEvidence,
            signal,
            onProgress: (p) => bar.update(p),
          });
          bar.stop();
          const codes = children ? await children.done : [];
          for (const line of summary.skipped) stderr.write(`qualys export: skipped ${line}\n`);
          stdout.write(`${summaryLine(summary)}\n`);
          if (summary.invalidUtf8) stderr.write(`${invalidUtf8Line(summary)}\n`);
          if (summary.badHosts.length) throw new ExitCodeError(badHostsLine(summary), EXIT_BAD_HOSTS);
          const worst = Math.max(0, ...codes);
          if (worst) throw new ExitCodeError(`${codes.filter((c) => c).length} of ${codes.length + 1} worker processes failed (their errors are above)`, worst);
        } finally {
          bar.stop();
          signal.removeEventListener("abort", onAbort);
          if (children) {
            children.stop();
            await children.done;
          }
        }
      }),
    );
}
