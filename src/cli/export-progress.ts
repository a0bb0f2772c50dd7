/**
 * The progress bar of `qualys export` (cli-progress, on stderr, only on a terminal): hosts
 * done / total, detections per second, ETA. And the one-line summary printed at the end.
 */
import cliProgress from "cli-progress";
import type { ExportProgress, ExportSummary } from "../export/export-subscription.js";

export class ExportBar {
  readonly #bar: cliProgress.SingleBar | undefined;
  #started = false;
  #t0 = Date.now();

  constructor(stream: NodeJS.WritableStream & { isTTY?: boolean }) {
    if (!stream.isTTY) return;
    this.#bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: "{label} {bar} {value}/{total} | {detections} detections ({rate}/s) | KB {kb} | ETA {eta_formatted}",
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(p: ExportProgress): void {
    if (!this.#bar) return;
    const main = p.kinds.detections ?? p.kinds.hosts ?? p.kinds.kb;
    const detections = p.kinds.detections?.records ?? 0;
    const seconds = Math.max(0.001, (Date.now() - this.#t0) / 1000);
    const payload = {
      label: p.kinds.detections || p.kinds.hosts ? "hosts" : "QIDs",
      detections: detections.toLocaleString("en-US"),
      rate: Math.round(detections / seconds).toLocaleString("en-US"),
      kb: p.kinds.kb ? `${p.kinds.kb.idsDone}/${p.kinds.kb.ids}` : "-",
    };
    if (!this.#started) {
      this.#started = true;
      this.#t0 = Date.now();
      this.#bar.start(main?.ids ?? 0, main?.idsDone ?? 0, payload);
    } else {
      this.#bar.setTotal(main?.ids ?? 0);
      this.#bar.update(main?.idsDone ?? 0, payload);
    }
  }

  stop(): void {
    if (this.#started) this.#bar?.stop();
  }
}

const n = (v: number) => v.toLocaleString("en-US");

/** Rows of each kind, as the summary line names them. */
const NOUNS: Readonly<Record<string, string>> = { hosts: "hosts", detections: "detections", kb: "QIDs" };

export function summaryLine(s: ExportSummary): string {
  const seconds = s.elapsedMs / 1000;
  const parts = [
    ...Object.entries(s.totals).map(([kind, count]) => `${n(count)} ${NOUNS[kind] ?? kind}`),
    ...(s.removed ? [`${n(s.removed)} hosts marked removed`] : []),
    ...(s.retries ? [`${s.retries} retried batches`] : []),
    ...(s.badHosts.length ? [`${n(s.badHosts.length)} bad hosts`] : []),
  ];
  const rate = seconds > 0 && s.detections ? ` (${n(Math.round(s.detections / seconds))} detections/s)` : "";
  const how = `${s.mode}${s.since ? ` since ${s.since}` : ""}${s.resumed ? ", resumed" : ""}${s.joined ? ", joined" : ""}`;
  return `export run ${s.runId} (${how}): ${parts.join(", ")} in ${seconds.toFixed(1)} s${rate} → ${s.db}`;
}

/** The line `qualys export` ends with when hosts could not be exported (exit code 3). */
export function badHostsLine(s: ExportSummary): string {
  const shown = s.badHosts.slice(0, 5).map((b) => `${b.kind} host ${b.hostId} (${b.error.slice(0, 120)})`).join("; ");
  const more = s.badHosts.length > 5 ? `; and ${s.badHosts.length - 5} more` : "";
  return `${s.badHosts.length} host${s.badHosts.length === 1 ? "" : "s"} could not be exported — Qualys broke off or stalled every answer holding ${s.badHosts.length === 1 ? "it" : "them"} — recorded in export_bad_hosts, everything else written; the next run tries them first: ${shown}${more}`;
}
