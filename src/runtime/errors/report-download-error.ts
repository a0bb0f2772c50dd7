import { QualysError } from "./qualys-error.js";

/** A completed report's download could not be read: a corrupt or truncated ZIP, or a part that is not JSON records. */
export class ReportDownloadError extends QualysError {
  override name = "ReportDownloadError";
  readonly reportId: string;
  /** The part (ZIP entry or resource name) at fault, when one is. */
  readonly part: string | undefined;

  constructor(reportId: string, part: string | undefined, reason: string, options?: ErrorOptions) {
    super(`Report ${reportId}${part ? `, part ${part}` : ""}: ${reason}`, options);
    this.reportId = reportId;
    this.part = part;
  }
}
