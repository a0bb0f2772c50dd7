import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../../src/runtime/errors/configuration-error.js";
import { ReportFailedError } from "../../../src/runtime/errors/report-failed-error.js";
import { ReportTimeoutError } from "../../../src/runtime/errors/report-timeout-error.js";
import { runFindingsReport } from "../../../src/runtime/etm/findings-report.js";
import { startEtmServer, type EtmServer, type ScriptedReport } from "../../servers/etm-reports-server.js";
import { etmClientFor, finding, virtualClock, zip } from "./support.js";

let server: EtmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function etmFor(report: ScriptedReport) {
  server = await startEtmServer({ "rep-1": report });
  return { server, etm: etmClientFor(server.url) };
}

const request = { reportFormat: "JSON", findingsQql: "finding.severity:[5]" };

describe("ETM findings report: waiting", () => {
  it("submits, waits through slow states with exponential backoff, and exposes the report id", async () => {
    const { server, etm } = await etmFor({
      states: ["REQUESTED", "REQUESTED", "REQUESTED", "REQUESTED", "QUEUED", "COMPLETED"],
      download: zip({ "part_1.json": [finding(1)] }),
    });
    const { clock, sleeps } = virtualClock(() => server.polls["rep-1"] ?? 0);
    const statuses: [string, number][] = [];
    const report = await runFindingsReport(etm, request, {
      pollIntervalMs: 10,
      maxPollIntervalMs: 40,
      clock,
      onStatus: (status, poll) => statuses.push([status, poll]),
    });
    expect(report.reportId).toBe("rep-1");
    expect(report.report).toMatchObject({ id: "rep-1", status: "COMPLETED" });
    expect(server.submits).toEqual([request]);
    // One poll before each wait; the waits double from 10 ms and stop growing at 40 ms.
    expect(sleeps).toEqual([
      { ms: 10, polls: 1 },
      { ms: 20, polls: 2 },
      { ms: 40, polls: 3 },
      { ms: 40, polls: 4 },
      { ms: 40, polls: 5 },
    ]);
    expect(server.polls["rep-1"]).toBe(6);
    expect(statuses).toEqual([
      ["REQUESTED", 1],
      ["REQUESTED", 2],
      ["REQUESTED", 3],
      ["REQUESTED", 4],
      ["QUEUED", 5],
      ["COMPLETED", 6],
    ]);
    // Nothing is downloaded until the records are asked for.
    expect(server.downloads["rep-1"]).toBeUndefined();
  });

  it("throws ReportFailedError with the report id, the status and Qualys' reason when the report fails", async () => {
    const { server, etm } = await etmFor({ states: ["REQUESTED", "FAILED"], failure: "Invalid QQL value" });
    const { clock } = virtualClock(() => 0);
    const err = await runFindingsReport(etm, request, { pollIntervalMs: 5, clock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportFailedError);
    expect(err).toMatchObject({ reportId: "rep-1", status: "FAILED" });
    expect((err as Error).message).toBe("Report rep-1 ended with status FAILED: Invalid QQL value.");
    expect(server.polls["rep-1"]).toBe(2);
    expect(server.downloads["rep-1"]).toBeUndefined();
  });

  it("throws ReportTimeoutError with the report id and last status once the overall wait runs out, polling last at the deadline", async () => {
    const { server, etm } = await etmFor({ states: ["REQUESTED", "QUEUED"] });
    const { clock, sleeps, now } = virtualClock(() => server.polls["rep-1"] ?? 0);
    const err = await runFindingsReport(etm, request, { pollIntervalMs: 10, maxPollIntervalMs: 1000, timeoutMs: 100, clock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportTimeoutError);
    expect(err).toMatchObject({ reportId: "rep-1", lastStatus: "QUEUED", waitedMs: 100 });
    expect((err as Error).message).toBe("Report rep-1 was not ready after 100 ms (last status QUEUED); it may still complete: fetch it later with its id.");
    // 10 + 20 + 40 = 70; the last wait is cut to the 30 ms left, then one final poll.
    expect(sleeps.map((s) => s.ms)).toEqual([10, 20, 40, 30]);
    expect(server.polls["rep-1"]).toBe(5);
    expect(now()).toBe(100);
  });

  it("still succeeds when the report completes on the poll made at the deadline", async () => {
    const { server, etm } = await etmFor({ states: ["REQUESTED", "REQUESTED", "COMPLETED"] });
    const { clock } = virtualClock(() => 0);
    const report = await runFindingsReport(etm, request, { pollIntervalMs: 10, timeoutMs: 15, clock });
    expect(report.reportId).toBe("rep-1");
    expect(server.polls["rep-1"]).toBe(3);
  });

  it("stops at once when aborted during the wait between polls, with the signal's reason", async () => {
    const { server, etm } = await etmFor({ states: ["REQUESTED"] });
    const controller = new AbortController();
    // The real clock and a one-hour interval: only the abort can end this wait within the test.
    const pending = runFindingsReport(etm, request, {
      pollIntervalMs: 3_600_000,
      signal: controller.signal,
      onStatus: () => setImmediate(() => controller.abort(new Error("user cancelled"))),
    });
    await expect(pending).rejects.toThrow("user cancelled");
    expect(server.polls["rep-1"]).toBe(1);
  });

  it("cancels the poll in flight when aborted, and makes no further request", async () => {
    const { server, etm } = await etmFor({ states: ["REQUESTED"], hangOnPoll: 2 });
    const controller = new AbortController();
    const { clock } = virtualClock(() => 0);
    const pending = runFindingsReport(etm, request, { pollIntervalMs: 10, signal: controller.signal, clock });
    const outcome = pending.catch((e: unknown) => e);
    await server.pollHung;
    controller.abort(new Error("stop now"));
    expect(await outcome).toMatchObject({ message: expect.stringMatching(/stop now|abort/i) });
    await server.hungPollClosed;
    expect(server.polls["rep-1"]).toBe(2);
  });

  it("refuses unusable timing options with a ConfigurationError before submitting", async () => {
    const { server, etm } = await etmFor({ states: ["COMPLETED"] });
    for (const options of [{ pollIntervalMs: 0 }, { pollIntervalMs: -5 }, { timeoutMs: Number.NaN }, { pollIntervalMs: 100, maxPollIntervalMs: 50 }]) {
      await expect(runFindingsReport(etm, request, options)).rejects.toBeInstanceOf(ConfigurationError);
    }
    expect(server.submits).toHaveLength(0);
  });
});
