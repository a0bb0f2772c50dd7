import { QualysError } from "./qualys-error.js";

/** A report was still not ready when the overall wait ran out; it may still complete later. */
export class ReportTimeoutError extends QualysError {
  override name = "ReportTimeoutError";
  readonly reportId: string;
  readonly lastStatus: string | undefined;
  readonly waitedMs: number;

  constructor(reportId: string, lastStatus: string | undefined, waitedMs: number) {
    super(
      `Report ${reportId} was not ready after ${waitedMs < 10_000 ? `${Math.round(waitedMs)} ms` : `${Math.round(waitedMs / 1000)} s`} ` +
        `(last status ${lastStatus ?? "unknown"}); ` +
        `it may still complete: fetch it later with its id.`,
    );
    this.reportId = reportId;
    this.lastStatus = lastStatus;
    this.waitedMs = waitedMs;
  }
}
