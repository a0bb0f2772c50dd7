import { strToU8, zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { createEtmClient } from "../../../src/generated/etm/index.js";
import { ReportDownloadError } from "../../../src/runtime/errors/report-download-error.js";
import { ReportFailedError } from "../../../src/runtime/errors/report-failed-error.js";
import { ReportTimeoutError } from "../../../src/runtime/errors/report-timeout-error.js";
import { runFindingsReport } from "../../../src/runtime/etm/findings-report.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import { startEtmServer, type ScriptedReport } from "../../servers/etm-reports-server.js";

let server: Awaited<ReturnType<typeof startEtmServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function etmFor(report: ScriptedReport) {
  server = await startEtmServer({ "rep-1": report }, ["rep-1"]);
  const url = server.url;
  return createEtmClient({ handler: compose([], fetchTransport), baseUrl: () => url });
}

const finding = (n: number) => ({ title: `finding ${n}`, severity: 5, cveId: `CVE-2024-${1000 + n}` });
const zip = (parts: Record<string, unknown>) =>
  zipSync(Object.fromEntries(Object.entries(parts).map(([name, json]) => [name, strToU8(typeof json === "string" ? json : JSON.stringify(json))])));

const request = { reportFormat: "JSON", findingsQql: "finding.severity:[5]" };

describe("ETM findings report", () => {
  it("waits through slow states with growing intervals, then streams every part in order", async () => {
    const etm = await etmFor({
      states: ["REQUESTED", "REQUESTED", "QUEUED", "COMPLETED"],
      download: zip({
        "part_1.json": [finding(1), finding(2)],
        "part_2.json": { data: [finding(3)] },
        "part_3.json": [finding(4), finding(5)],
      }),
    });
    const seen: string[] = [];
    const report = await runFindingsReport(etm, request, { pollIntervalMs: 10, maxPollIntervalMs: 40, onStatus: (s) => seen.push(s) });
    expect(report.reportId).toBe("rep-1");
    expect(seen).toEqual(["REQUESTED", "REQUESTED", "QUEUED", "COMPLETED"]);
    const polls = server!.polls["rep-1"]!;
    const gaps = polls.slice(1).map((t, i) => t - polls[i]!);
    // setTimeout never fires early, so each gap is at least the backoff interval: 10, 20, 40.
    expect(gaps[0]).toBeGreaterThanOrEqual(9);
    expect(gaps[1]).toBeGreaterThanOrEqual(19);
    expect(gaps[2]).toBeGreaterThanOrEqual(39);
    const titles = [];
    for await (const f of report) titles.push((f as { title: string }).title);
    expect(titles).toEqual(["finding 1", "finding 2", "finding 3", "finding 4", "finding 5"]);
  });

  it("throws ReportFailedError with the report id when the report fails", async () => {
    const etm = await etmFor({ states: ["REQUESTED", "FAILED"], download: new Uint8Array() });
    const err = await runFindingsReport(etm, request, { pollIntervalMs: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportFailedError);
    expect(err).toMatchObject({ reportId: "rep-1", status: "FAILED" });
  });

  it("throws ReportTimeoutError with the report id and last status when the wait runs out", async () => {
    const etm = await etmFor({ states: ["REQUESTED"], download: new Uint8Array() });
    const err = await runFindingsReport(etm, request, { pollIntervalMs: 10, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportTimeoutError);
    expect(err).toMatchObject({ reportId: "rep-1", lastStatus: "REQUESTED" });
    expect(server!.polls["rep-1"]!.length).toBeGreaterThanOrEqual(2);
  });

  it("stops polling at once when aborted", async () => {
    const etm = await etmFor({ states: ["REQUESTED"], download: new Uint8Array() });
    const controller = new AbortController();
    const pending = runFindingsReport(etm, request, {
      pollIntervalMs: 60_000,
      signal: controller.signal,
      onStatus: () => setImmediate(() => controller.abort(new Error("user cancelled"))),
    });
    await expect(pending).rejects.toThrow("user cancelled");
    expect(server!.polls["rep-1"]).toHaveLength(1);
  });

  it("names the part that is not JSON", async () => {
    const etm = await etmFor({
      states: ["COMPLETED"],
      download: zip({ "part_1.json": [finding(1)], "part_2.json": "{ not json" }),
    });
    const report = await runFindingsReport(etm, request, { pollIntervalMs: 5 });
    const got: unknown[] = [];
    const err = await (async () => {
      for await (const f of report) got.push(f);
    })().catch((e: unknown) => e);
    expect(got).toHaveLength(1);
    expect(err).toBeInstanceOf(ReportDownloadError);
    expect(err).toMatchObject({ reportId: "rep-1", part: "part_2.json" });
  });

  it("reports a truncated ZIP instead of ending quietly", async () => {
    const whole = zip({ "part_1.json": [finding(1)], "part_2.json": Array.from({ length: 200 }, (_, i) => finding(i)) });
    const etm = await etmFor({ states: ["COMPLETED"], download: whole.subarray(0, Math.floor(whole.length * 0.6)) });
    const report = await runFindingsReport(etm, request, { pollIntervalMs: 5 });
    const err = await (async () => {
      for await (const _ of report) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportDownloadError);
  });

  it("reads a plain JSON download too", async () => {
    const etm = await etmFor({ states: ["COMPLETED"], download: strToU8(JSON.stringify({ data: [finding(7)] })), contentType: "application/json" });
    const report = await runFindingsReport(etm, request, { pollIntervalMs: 5 });
    const all = [];
    for await (const f of report) all.push(f);
    expect(all).toEqual([finding(7)]);
  });
});
