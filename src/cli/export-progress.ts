/**
 * The progress bars of `qualys export` (cli-progress, on stderr, only on a terminal): one per kind —
 * ids done / planned (hosts, QIDs; batches for kinds that page by a cursor), rows written and their
 * rate, ETA — for the whole run, whichever worker did the work. And the one-line summary at the end.
 */
import type { MultiBar, SingleBar } from "cli-progress";
import type { ExportProgress, ExportSummary, KindProgress } from "../export/export-subscription.js";
import { importOptional } from "../runtime/optional-import.js";

/** What a kind's bar counts, and what its rows are called. */
const UNITS: Readonly<Record<string, { readonly ids: string; readonly rows: string }>> = {
  hosts: { ids: "hosts", rows: "hosts" },
  detections: { ids: "hosts", rows: "detections" },
  kb: { ids: "QIDs", rows: "QIDs" },
  posture: { ids: "hosts", rows: "postures" },
  assets: { ids: "assets", rows: "assets" },
  webapps: { ids: "web apps", rows: "web apps" },
  findings: { ids: "findings", rows: "findings" },
};

export class ExportBar {
  readonly #multi: MultiBar | undefined;
  readonly #bars = new Map<string, { bar: SingleBar; t0: number }>();
  #width = 0;

  private constructor(multi: MultiBar | undefined) {
    this.#multi = multi;
  }

  /** Bars on a terminal (cli-progress is loaded then), nothing otherwise. */
  static async on(stream: NodeJS.WritableStream & { isTTY?: boolean }): Promise<ExportBar> {
    if (!stream.isTTY) return new ExportBar(undefined);
    const { default: cliProgress } = await importOptional<{ default: typeof import("cli-progress") }>("cli-progress", "The export progress bar");
    return new ExportBar(new cliProgress.MultiBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: "{label} {bar} {value}/{total} {unit} | {records} {rows} ({rate}/s) | ETA {eta_formatted}",
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    ));
  }

  update(p: ExportProgress): void {
    if (!this.#multi) return;
    this.#width = Math.max(this.#width, ...Object.keys(p.kinds).map((k) => k.length));
    for (const [kind, k] of Object.entries(p.kinds) as [string, KindProgress][]) {
      const unit = UNITS[kind] ?? { ids: "batches", rows: "rows" };
      const byIds = k.ids > 0;
      const [value, total] = byIds ? [k.idsDone, k.ids] : [k.batchesDone, k.batches];
      let entry = this.#bars.get(kind);
      const seconds = Math.max(0.001, (Date.now() - (entry?.t0 ?? Date.now())) / 1000);
      const payload = {
        label: kind.padEnd(this.#width),
        unit: byIds ? unit.ids : "batches",
        records: k.records.toLocaleString("en-US"),
        rows: unit.rows,
        rate: Math.round(k.records / seconds).toLocaleString("en-US"),
      };
      if (!entry) {
        entry = { bar: this.#multi.create(total, value, payload), t0: Date.now() };
        this.#bars.set(kind, entry);
      } else {
        entry.bar.setTotal(total);
        entry.bar.update(value, payload);
      }
    }
  }

  stop(): void {
    this.#multi?.stop();
  }
}

const n = (v: number) => v.toLocaleString("en-US");

/** Rows of each kind, as the summary line names them. */
const NOUNS: Readonly<Record<string, string>> = { hosts: "hosts", detections: "detections", kb: "QIDs", posture: "PC postures", assets: "assets", webapps: "web apps", findings: "WAS findings" };
/** What a table's rows are called when a full run marks them removed. */
const MARKED: Readonly<Record<string, string>> = { assets: "assets", was_webapps: "web apps", was_findings: "WAS findings" };

export function summaryLine(s: ExportSummary): string {
  const seconds = s.elapsedMs / 1000;
  const parts = [
    ...Object.entries(s.totals).map(([kind, count]) => `${n(count)} ${NOUNS[kind] ?? kind}`),
    ...(s.removed ? [`${n(s.removed)} hosts marked removed`] : []),
    ...Object.entries(s.marked ?? {}).filter(([, count]) => count > 0).map(([table, count]) => `${n(count)} ${MARKED[table] ?? table} marked removed`),
    ...(s.retries ? [`${s.retries} retried batches`] : []),
    ...(s.badHosts.length ? [`${n(s.badHosts.length)} bad hosts`] : []),
    ...(s.invalidUtf8 ? [`${n(s.invalidUtf8)} invalid UTF-8 sequences`] : []),
  ];
  const rate = seconds > 0 && s.detections ? ` (${n(Math.round(s.detections / seconds))} detections/s)` : "";
  const how = `${s.mode}${s.since ? ` since ${s.since}` : ""}${s.resumed ? ", resumed" : ""}${s.joined ? ", joined" : ""}`;
  return `export run ${s.runId} (${how}): ${parts.join(", ")} in ${seconds.toFixed(1)} s${rate} → ${s.db}`;
}

/** The warning `qualys export` gives when answers held bytes that are not UTF-8 (their records are written, with U+FFFD). */
export function invalidUtf8Line(s: ExportSummary): string {
  const what = s.invalidUtf8 === 1 ? "1 byte sequence that is" : `${n(s.invalidUtf8)} byte sequences that are`;
  return `qualys export: warning: Qualys' answers held ${what} not valid UTF-8; the records holding them were written with U+FFFD (\uFFFD) in their place, counted in export_runs.invalid_utf8 of run ${s.runId}`;
}

/** The line `qualys export` ends with when hosts could not be exported (exit code 3). */
export function badHostsLine(s: ExportSummary): string {
  const shown = s.badHosts.slice(0, 5).map((b) => `${b.kind} host ${b.hostId} (${b.error.slice(0, 120)})`).join("; ");
  const more = s.badHosts.length > 5 ? `; and ${s.badHosts.length - 5} more` : "";
  return `${s.badHosts.length} host${s.badHosts.length === 1 ? "" : "s"} could not be exported — Qualys broke off or stalled every answer holding ${s.badHosts.length === 1 ? "it" : "them"} — recorded in export_bad_hosts, everything else written; the next run tries them first: ${shown}${more}`;
}
