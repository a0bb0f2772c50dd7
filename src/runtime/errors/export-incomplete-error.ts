import { QualysError } from "./qualys-error.js";

/** A batch of an export that still failed after its retries: which kind and which id range. */
export interface FailedBatch {
  /** hosts, detections, kb, assets… */
  readonly kind: string;
  readonly firstId: number;
  readonly lastId: number;
  readonly attempts: number;
  readonly error: string;
}

/**
 * An export ended with batches that failed after their retries. Everything else was written; the
 * run is marked failed in export_runs, and running the same export again retries just these.
 */
export class ExportIncompleteError extends QualysError {
  override name = "ExportIncompleteError";
  readonly runId: number;
  readonly failed: readonly FailedBatch[];

  constructor(runId: number, failed: readonly FailedBatch[]) {
    const list = failed.slice(0, 5).map((b) => `${b.kind} ${b.firstId}-${b.lastId} (${b.error})`).join("; ");
    super(`export run ${runId}: ${failed.length} batch${failed.length === 1 ? "" : "es"} failed after retries: ${list}${failed.length > 5 ? "; …" : ""}. Run the same export again to retry them.`);
    this.runId = runId;
    this.failed = failed;
  }
}
