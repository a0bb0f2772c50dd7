import { QualysError } from "./qualys-error.js";

/** A completed report's download could not be read: a corrupt ZIP or a part that is not JSON. */
export class ReportDownloadError extends QualysError {
  override name = "ReportDownloadError";
  readonly reportId: string;
  readonly part: string | undefined;

  constructor(reportId: string, part: string | undefined, reason: string) {
    super(`Report ${reportId}${part ? `, part ${part}` : ""}: ${reason}`);
    this.reportId = reportId;
    this.part = part;
  }
}
