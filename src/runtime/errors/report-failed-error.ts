import { QualysError } from "./qualys-error.js";

/** An asynchronous Qualys report ended in FAILED (ETM: e.g. a bad QQL value). */
export class ReportFailedError extends QualysError {
  override name = "ReportFailedError";
  readonly reportId: string;
  readonly status: string;

  constructor(reportId: string, status: string, detail?: string) {
    super(`Report ${reportId} ended with status ${status}${detail ? `: ${detail}` : ""}.`);
    this.reportId = reportId;
    this.status = status;
  }
}
