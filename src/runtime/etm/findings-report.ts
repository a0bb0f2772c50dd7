/**
 * ETM findings report as one call: submit → poll the status with backoff (reports can sit in
 * REQUESTED for minutes) → download and stream the records.
 *
 *   const report = await runFindingsReport(client.etm, { reportFormat: "JSON", findingsQql: "finding.severity:[5]" });
 *   for await (const finding of report) …
 */
import { ReportFailedError } from "../errors/report-failed-error.js";
import { ReportTimeoutError } from "../errors/report-timeout-error.js";
import { sleep } from "../sleep.js";
import { reportRecords } from "./report-parts.js";

/** The three ETM fetchers the flow needs (the generated ETM client has them). */
export interface EtmReportFetchers {
  submitFindingsReport(init: { body: FindingsReportRequest; signal?: AbortSignal }): Promise<unknown>;
  getReport(init: { params: { path: { reportId: string } }; signal?: AbortSignal }): Promise<unknown>;
  downloadReport(init: { params: { path: { reportId: string } }; signal?: AbortSignal }): Promise<ReadableStream<Uint8Array>>;
}

export interface FindingsReportRequest {
  reportFormat: string;
  name?: string;
  description?: string;
  findingsQql?: string;
  assetQql?: string;
}

export interface FindingsReportOptions {
  signal?: AbortSignal;
  /** Give up waiting after this long. Default 30 minutes. */
  timeoutMs?: number;
  /** First wait between polls. Default 5 s; doubles up to `maxPollIntervalMs`. */
  pollIntervalMs?: number;
  /** Longest wait between polls. Default 60 s. */
  maxPollIntervalMs?: number;
  /** Told each status seen while waiting. */
  onStatus?: (status: string, poll: number) => void;
  /** Clock, for tests. */
  now?: () => number;
}

export interface FindingsReport<F = Record<string, unknown>> extends AsyncIterable<F> {
  readonly reportId: string;
}

function field(o: unknown, ...keys: string[]): string | undefined {
  if (!o || typeof o !== "object") return undefined;
  for (const k of keys) {
    const v = (o as Record<string, unknown>)[k];
    if (typeof v === "string" && v) return v;
  }
  return undefined;
}


/** Submits a findings report, waits until it is COMPLETED, and returns its records as a stream. */
export async function runFindingsReport<F = Record<string, unknown>>(
  etm: EtmReportFetchers,
  request: FindingsReportRequest,
  options: FindingsReportOptions = {},
): Promise<FindingsReport<F>> {
  const { signal } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const maxInterval = options.maxPollIntervalMs ?? 60_000;
  let interval = options.pollIntervalMs ?? 5_000;

  const submitted = await etm.submitFindingsReport({ body: request, signal });
  // Community clients disagree on the id's key (gateway-apis.md §3): accept the three seen.
  const reportId = field(submitted, "id", "reportId", "uuid");
  if (!reportId) throw new ReportFailedError("(none)", "UNKNOWN", "the submit answer carries no report id");

  const started = now();
  let status = field(submitted, "status");
  for (let poll = 1; ; poll++) {
    const report = await etm.getReport({ params: { path: { reportId } }, signal });
    status = field(report, "status") ?? status;
    options.onStatus?.(status ?? "UNKNOWN", poll);
    if (status === "COMPLETED") break;
    if (status === "FAILED") throw new ReportFailedError(reportId, status, field(report, "message", "error", "reason"));
    // Any other status (REQUESTED, QUEUED, or one Qualys adds later) means: not ready yet.
    const waited = now() - started;
    if (waited + interval > timeoutMs) throw new ReportTimeoutError(reportId, status, waited);
    await sleep(interval, signal);
    interval = Math.min(interval * 2, maxInterval);
  }

  return {
    reportId,
    async *[Symbol.asyncIterator]() {
      const body = await etm.downloadReport({ params: { path: { reportId } }, signal });
      yield* reportRecords(reportId, body) as AsyncGenerator<F>;
    },
  };
}
