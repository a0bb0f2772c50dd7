/**
 * The progress bar of `qualys export` (cli-progress, on stderr, only on a terminal): hosts
 * done / total, detections per second, ETA. And the one-line summary printed at the end.
 */
import type { SingleBar } from "cli-progress";
import type { ExportProgress, ExportSummary } from "../export/export-subscription.js";
import { importOptional } from "../runtime/optional-import.js";

export class ExportBar {
  readonly #bar: SingleBar | undefined;
  #started = false;
  #t0 = Date.now();

  /** A bar on a terminal (cli-progress is loaded then), nothing otherwise. */
  static async on(stream: NodeJS.WritableStream & { isTTY?: boolean }): Promise<ExportBar> {
    if (!stream.isTTY) return new ExportBar(undefined);
    const { default: cliProgress } = await importOptional<{ default: typeof import("cli-progress") }>("cli-progress", "The export progress bar");
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: "{label} {bar} {value}/{total} | {detections} detections ({rate}/s) | KB {kb} | ETA {eta_formatted}",
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    return new ExportBar(bar);
  }

  private constructor(bar: SingleBar | undefined) {
    this.#bar = bar;
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

export function summaryLine(s: ExportSummary): string {
  const seconds = s.elapsedMs / 1000;
  const parts = [
    `${n(s.hosts)} hosts`,
    `${n(s.detections)} detections`,
    `${n(s.kb)} QIDs`,
    ...(s.removed ? [`${n(s.removed)} hosts marked removed`] : []),
    ...(s.retries ? [`${s.retries} retried batches`] : []),
  ];
  const rate = seconds > 0 && s.detections ? ` (${n(Math.round(s.detections / seconds))} detections/s)` : "";
  const how = `${s.mode}${s.since ? ` since ${s.since}` : ""}${s.resumed ? ", resumed" : ""}`;
  return `export run ${s.runId} (${how}): ${parts.join(", ")} in ${seconds.toFixed(1)} s${rate} → ${s.db}`;
}
