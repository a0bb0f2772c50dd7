/**
 * Waiting for an asynchronous report: poll its status with exponential backoff until COMPLETED or
 * FAILED. A report can sit in REQUESTED for more than five minutes (gateway-apis.md §3); any
 * status other than COMPLETED and FAILED (REQUESTED, QUEUED, or one Qualys adds later) means
 * "not yet". The last poll happens at the deadline, so a report that completes just in time is
 * not reported as timed out.
 */
import { InvalidResponseError } from "../errors/invalid-response-error.js";
import { ReportFailedError } from "../errors/report-failed-error.js";
import { ReportTimeoutError } from "../errors/report-timeout-error.js";
import { sleep } from "../sleep.js";
import { failureDetailOf, statusOf } from "./answer-fields.js";

/** Time as the wait sees it: the system clock, or a test's virtual one. */
export interface ReportClock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: ReportClock = { now: () => Date.now(), sleep };

export interface PollSettings {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly signal?: AbortSignal;
  readonly onStatus?: (status: string, poll: number) => void;
  readonly clock: ReportClock;
}

/** Polls until the report is COMPLETED and resolves with that status answer. */
export async function waitForReport(reportId: string, getStatus: () => Promise<unknown>, settings: PollSettings): Promise<unknown> {
  const { clock, signal } = settings;
  const started = clock.now();
  const deadline = started + settings.timeoutMs;
  let interval = settings.pollIntervalMs;

  for (let poll = 1; ; poll++) {
    signal?.throwIfAborted();
    const answer = await getStatus();
    const status = statusOf(answer);
    if (status === undefined) {
      throw new InvalidResponseError(`getReport answered without a status for report ${reportId}`, "getReport", undefined);
    }
    settings.onStatus?.(status, poll);
    const state = status.toUpperCase();
    if (state === "COMPLETED") return answer;
    if (state === "FAILED") throw new ReportFailedError(reportId, status, failureDetailOf(answer));
    const remaining = deadline - clock.now();
    if (remaining <= 0) throw new ReportTimeoutError(reportId, status, clock.now() - started);
    await clock.sleep(Math.min(interval, remaining), signal);
    interval = Math.min(interval * 2, settings.maxPollIntervalMs);
  }
}
