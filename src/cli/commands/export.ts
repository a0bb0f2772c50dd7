/** `qualys export`: the whole subscription into SQLite or PostgreSQL (see src/export/). */
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_DB_URL, parseDbUrl } from "../../export/db-url.js";
import { BATCH_SIZE, DEFAULT_CONCURRENCY, KINDS, type ExportFilters, type ExportKind } from "../../export/options.js";
import { int, type Run } from "../command.js";
import { ExportBar, summaryLine } from "../export-progress.js";

interface ExportCliOptions {
  db?: string;
  what: ExportKind[];
  since?: string;
  full?: boolean;
  concurrency: number;
  batchSize: number;
  workers?: number;
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
}

function kinds(value: string): ExportKind[] {
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const k of list) if (!KINDS.includes(k as ExportKind)) throw new InvalidArgumentError(`"${k}" is not one of ${KINDS.join(", ")}.`);
  if (!list.length) throw new InvalidArgumentError(`name at least one of ${KINDS.join(", ")}.`);
  return list as ExportKind[];
}

const flag = (on: boolean | undefined): 0 | 1 | undefined => (on === undefined ? undefined : on ? 1 : 0);

export function exportCommands(program: Command, run: Run, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream & { isTTY?: boolean }): void {
  program
    .command("export")
    .description("export hosts, detections and the KnowledgeBase into SQLite or PostgreSQL: parallel, resumable, incremental")
    .option("--db <url>", `sqlite:<file> or postgres://user:pass@host/db (default: QUALYS_DB_URL, else ${DEFAULT_DB_URL})`)
    .option("--what <list>", "hosts,detections,kb", kinds, [...KINDS])
    .option("--since <date>", "only what changed since YYYY-MM-DD[THH:MM:SSZ] (default: the last successful run's start less 1 h)")
    .option("--full", "everything, and mark hosts Qualys no longer lists as removed")
    .option("--concurrency <n>", "requests per API at once, at most (Qualys's limit caps it further)", int, DEFAULT_CONCURRENCY)
    .option("--batch-size <n>", `host ids per batch, ${BATCH_SIZE.min}-${BATCH_SIZE.max}`, int, BATCH_SIZE.default)
    .option("--workers <n>", "XML decode threads (0: in the main thread; default: one per core but one)", int)
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
    .hook("preAction", (command) => {
      const o = command.opts<ExportCliOptions>();
      // A bad URL is a usage error before anything connects or is written.
      try {
        parseDbUrl(o.db ?? process.env.QUALYS_DB_URL ?? DEFAULT_DB_URL);
      } catch (err) {
        command.error(`error: ${(err as Error).message}`, { exitCode: 2 });
      }
      if (o.full && o.since) command.error("error: give --since or --full, not both", { exitCode: 2 });
      if (o.batchSize < BATCH_SIZE.min || o.batchSize > BATCH_SIZE.max) command.error(`error: --batch-size must be ${BATCH_SIZE.min}-${BATCH_SIZE.max}`, { exitCode: 2 });
      if (o.concurrency < 1) command.error("error: --concurrency must be at least 1", { exitCode: 2 });
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
        try {
          // Loaded when the command runs: every other command starts without the database drivers.
          const { exportSubscription } = await import("../../export/export-subscription.js");
          const summary = await exportSubscription(client, {
            db: o.db ?? process.env.QUALYS_DB_URL ?? DEFAULT_DB_URL,
            what: o.what,
            since: o.since,
            full: o.full,
            concurrency: o.concurrency,
            batchSize: o.batchSize,
            workers: o.workers,
            filters,
            signal,
            onProgress: (p) => bar.update(p),
          });
          bar.stop();
          stdout.write(`${summaryLine(summary)}\n`);
        } finally {
          bar.stop();
        }
      }),
    );
}
