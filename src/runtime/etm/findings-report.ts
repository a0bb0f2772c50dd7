/**
 * ETM findings report as one call: submit → poll the status with exponential backoff (reports can
 * sit in REQUESTED for minutes) → download and stream the records.
 *
 *   const report = await runFindingsReport(client.etm, { reportFormat: "JSON", findingsQql: "finding.severity:[5]" });
 *   console.log(report.reportId);
 *   for await (const finding of report) …
 *
 * Written against the few fetchers it needs (EtmReportFetchers), which the generated ETM client has.
 */
import { ConfigurationError } from "../errors/configuration-error.js";
import { InvalidResponseError } from "../errors/invalid-response-error.js";
import { objectOf, reportIdOf } from "./answer-fields.js";
import { downloadRecords } from "./download.js";
import { systemClock, waitForReport, type ReportClock } from "./poll.js";
import { resourceRecords } from "./resources.js";

export type { ReportClock } from "./poll.js";

type ReportPath = { params: { path: { reportId: string } }; signal?: AbortSignal };

/** The ETM fetchers the flow calls (the generated ETM client has them all). */
export interface EtmReportFetchers {
  submitFindingsReport(init: { body: FindingsReportRequest; signal?: AbortSignal }): Promise<unknown>;
  getReport(init: ReportPath): Promise<unknown>;
  /** Resolves with the unread body of the ZIP (or JSON) download. */
  downloadReport(init: ReportPath): Promise<ReadableStream<Uint8Array>>;
  /** Needed only with `via: "resources"`. */
  getReportResource?(init: { params: { path: { reportId: string; resourceName: string } }; signal?: AbortSignal }): Promise<unknown>;
}

export interface FindingsReportRequest {
  reportFormat: string;
  name?: string;
  description?: string;
  findingsQql?: string;
  assetQql?: string;
}

export interface FindingsReportOptions {
  /** Aborts the submit, the wait between polls (at once), the polls and the download. */
  signal?: AbortSignal;
  /** How long to wait for COMPLETED, counted from the submit's answer. Default 30 minutes. */
  timeoutMs?: number;
  /** First wait between polls. Default 5 s; doubles after each poll up to `maxPollIntervalMs`. */
  pollIntervalMs?: number;
  /** Longest wait between polls. Default 60 s. */
  maxPollIntervalMs?: number;
  /** Told each status seen while waiting, with the poll's number (from 1). */
  onStatus?: (status: string, poll: number) => void;
  /**
   * Where the records come from: the ZIP download (default), or the report's resources one by one
   * (`getReportResource`, one JSON part per request).
   */
  via?: "download" | "resources";
  /** The time source of the wait: tests pass a virtual clock. */
  clock?: ReportClock;
}

/**
 * A COMPLETED report. Iterating it streams the finding records, part after part; each loop
 * downloads the report again, so a loop that stops early can simply be started over.
 */
export interface FindingsReport<F = Record<string, unknown>> extends AsyncIterable<F> {
  readonly reportId: string;
  /** The last status answer (status COMPLETED; `resources` lists the part names). */
  readonly report: Readonly<Record<string, unknown>>;
}

function checkedOptions(options: FindingsReportOptions) {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const maxPollIntervalMs = options.maxPollIntervalMs ?? Math.max(60_000, pollIntervalMs);
  const bad = (name: string, value: number, rule: string) =>
    new ConfigurationError(`runFindingsReport: ${name} must be ${rule} (got ${value})`);
  if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) throw bad("timeoutMs", timeoutMs, "a finite number of milliseconds, 0 or more");
  if (!(pollIntervalMs > 0) || !Number.isFinite(pollIntervalMs)) throw bad("pollIntervalMs", pollIntervalMs, "a finite number of milliseconds above 0");
  if (!(maxPollIntervalMs >= pollIntervalMs) || !Number.isFinite(maxPollIntervalMs)) {
    throw bad("maxPollIntervalMs", maxPollIntervalMs, `finite and at least pollIntervalMs (${pollIntervalMs})`);
  }
  if (options.via !== undefined && options.via !== "download" && options.via !== "resources") {
    throw new ConfigurationError(`runFindingsReport: via must be "download" or "resources" (got ${JSON.stringify(options.via)})`);
  }
  return { timeoutMs, pollIntervalMs, maxPollIntervalMs };
}

/** Submits a findings report, waits until it is COMPLETED, and returns its records as a stream. */
export async function runFindingsReport<F = Record<string, unknown>>(
  etm: EtmReportFetchers,
  request: FindingsReportRequest,
  options: FindingsReportOptions = {},
): Promise<FindingsReport<F>> {
  const timing = checkedOptions(options);
  const { signal } = options;
  const via = options.via ?? "download";
  const getResource = etm.getReportResource?.bind(etm);
  if (via === "resources" && !getResource) {
    throw new ConfigurationError('runFindingsReport: via "resources" needs an ETM client with getReportResource');
  }

  const submitted = await etm.submitFindingsReport({ body: request, signal });
  const reportId = reportIdOf(submitted);
  if (!reportId) throw new InvalidResponseError("submitFindingsReport answered without a report id", "submitFindingsReport", undefined);
  const path = { reportId };

  const completed = objectOf(
    await waitForReport(reportId, () => etm.getReport({ params: { path }, signal }), {
      ...timing,
      signal,
      onStatus: options.onStatus,
      clock: options.clock ?? systemClock,
    }),
  );

  const records = async function* (): AsyncGenerator<unknown, void, undefined> {
    if (via === "resources") {
      const names = completed.resources ?? objectOf(completed.data).resources;
      yield* resourceRecords(reportId, names, (resourceName) => getResource!({ params: { path: { reportId, resourceName } }, signal }));
      return;
    }
    yield* downloadRecords(reportId, await etm.downloadReport({ params: { path }, signal }));
  };
  return {
    reportId,
    report: completed,
    [Symbol.asyncIterator]: () => records() as AsyncGenerator<F, void, undefined>,
  };
}
