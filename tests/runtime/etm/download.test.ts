import { strToU8, zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { ReportDownloadError } from "../../../src/runtime/errors/report-download-error.js";
import { runFindingsReport, type FindingsReportOptions } from "../../../src/runtime/etm/findings-report.js";
import { startEtmServer, type EtmServer, type ScriptedReport } from "../../servers/etm-reports-server.js";
import { collect, entryOffset, etmClientFor, finding, streamedZip, virtualClock, zip } from "./support.js";

let server: EtmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs the whole flow against a scripted report and returns the COMPLETED report. */
async function completedReport(report: Omit<ScriptedReport, "states"> & { states?: string[] }, options: FindingsReportOptions = {}) {
  server = await startEtmServer({ "rep-1": { states: ["COMPLETED"], ...report } });
  const s = server;
  const { clock } = virtualClock(() => s.polls["rep-1"] ?? 0);
  const result = await runFindingsReport(etmClientFor(s.url), { reportFormat: "JSON" }, { pollIntervalMs: 10, clock, ...options });
  return { server: s, report: result };
}

const titles = (records: unknown[]) => records.map((r) => (r as { title: string }).title);
const many = (from: number, n: number) => Array.from({ length: n }, (_, i) => finding(from + i));

describe("ETM findings report: records", () => {
  it("after REQUESTED → QUEUED → COMPLETED, streams a 3-part ZIP (lists and {data} forms) in part order", async () => {
    const { server, report } = await completedReport({
      states: ["REQUESTED", "REQUESTED", "QUEUED", "COMPLETED"],
      download: zip({
        "part_1.json": [finding(1), finding(2)],
        "part_2.json": { data: [finding(3)] },
        "part_3.json": [finding(4), finding(5)],
      }),
      // Small chunks: entry headers and data arrive split across reads.
      chunkSize: 7,
    });
    const { got, error } = await collect(report);
    expect(error).toBeUndefined();
    expect(got).toEqual([1, 2, 3, 4, 5].map(finding));
    expect(server.downloads["rep-1"]).toMatchObject({ finished: true, closedEarly: false });
  });

  it("hands on the first part's records before the rest of the ZIP has been sent", async () => {
    const bytes = zip({ "part_1.json": many(1, 50), "part_2.json": many(51, 50), "part_3.json": { data: many(101, 50) } });
    const holdAfter = entryOffset(bytes, 2);
    const { server, report } = await completedReport({ download: bytes, holdAfter, chunkSize: 64 });
    const got: unknown[] = [];
    let sentAtFirst: number | undefined;
    for await (const record of report) {
      if (got.length === 0) {
        sentAtFirst = server.downloads["rep-1"]!.bytesSent;
        server.releaseDownload();
      }
      got.push(record);
    }
    // The server held back everything after part 1 until the first record came out.
    expect(sentAtFirst).toBe(holdAfter);
    expect(sentAtFirst).toBeLessThan(bytes.length);
    expect(titles(got)).toEqual(titles(many(1, 150)));
  });

  it("cancels the download when the loop stops early", async () => {
    const bytes = zip({ "part_1.json": many(1, 20), "part_2.json": many(21, 500) });
    const { server, report } = await completedReport({ download: bytes, holdAfter: entryOffset(bytes, 2) });
    for await (const record of report) {
      expect(record).toEqual(finding(1));
      break;
    }
    await server.downloads["rep-1"]!.closed;
    expect(server.downloads["rep-1"]).toMatchObject({ finished: false, closedEarly: true });
  });

  it("reads a ZIP written as a stream (sizes in data descriptors) with a directory and a stored entry", async () => {
    const { report } = await completedReport({
      download: streamedZip({ "part_1.json": [finding(1)], "extra/": null, "part_2.json": { data: [finding(2), finding(3)] } }, ["part_2.json"]),
      chunkSize: 3,
    });
    const { got, error } = await collect(report);
    expect(error).toBeUndefined();
    expect(got).toEqual([1, 2, 3].map(finding));
  });

  it("names the part that is not valid JSON, after the records of the parts before it", async () => {
    const { report } = await completedReport({ download: zip({ "part_1.json": [finding(1)], "part_2.json": "{ not json", "part_3.json": [finding(3)] }) });
    const { got, error } = await collect(report);
    expect(got).toEqual([finding(1)]);
    expect(error).toBeInstanceOf(ReportDownloadError);
    expect(error).toMatchObject({ reportId: "rep-1", part: "part_2.json" });
    expect((error as Error).message).toMatch(/^Report rep-1, part part_2\.json: not valid JSON/);
  });

  it("names the part that is JSON but not records", async () => {
    const { report } = await completedReport({ download: zip({ "part_1.json": { rows: [] } }) });
    const { error } = await collect(report);
    expect(error).toMatchObject({ name: "ReportDownloadError", part: "part_1.json", message: expect.stringMatching(/neither a list nor \{data/) });
  });

  it("names the part whose compressed data is corrupt", async () => {
    const bytes = zip({ "part_1.json": many(1, 5), "part_2.json": many(6, 50) });
    const data = entryOffset(bytes, 2) + 30 + "part_2.json".length;
    // 0xff opens a deflate block of the reserved type 3: no inflater accepts it.
    bytes.fill(0xff, data, data + 4);
    const { report } = await completedReport({ download: bytes });
    const { got, error } = await collect(report);
    expect(got).toHaveLength(5);
    expect(error).toMatchObject({ name: "ReportDownloadError", reportId: "rep-1", part: "part_2.json" });
  });

  it("does not let a part with a damaged header vanish: the ZIP's entry count gives it away", async () => {
    const bytes = zip({ "part_1.json": [finding(1)], "part_2.json": [finding(2)], "part_3.json": [finding(3)] });
    bytes.set(strToU8("XX"), entryOffset(bytes, 2));
    const { report } = await completedReport({ download: bytes });
    const { error } = await collect(report);
    expect(error).toBeInstanceOf(ReportDownloadError);
    expect((error as Error).message).toMatch(/lists 3 entries but only 2 could be read/);
  });

  it("reports a download cut inside a part instead of ending quietly", async () => {
    const whole = zip({ "part_1.json": many(1, 5), "part_2.json": many(6, 200) });
    const { report } = await completedReport({ download: whole.subarray(0, entryOffset(whole, 2) + 100) });
    const { got, error } = await collect(report);
    expect(got).toHaveLength(5);
    expect(error).toMatchObject({ name: "ReportDownloadError", part: "part_2.json" });
  });

  it("reads a ZIP with no parts as a report with no records", async () => {
    const { report } = await completedReport({ download: zipSync({}) });
    expect(await collect(report)).toEqual({ got: [], error: undefined });
  });

  it("reads a plain JSON download ({data: [...]} or a list)", async () => {
    const first = await completedReport({ download: strToU8(JSON.stringify({ data: [finding(7)] })), contentType: "application/json" });
    expect((await collect(first.report)).got).toEqual([finding(7)]);
    await server?.close();
    const second = await completedReport({ download: strToU8(` [${JSON.stringify(finding(8))}]`), contentType: "application/json" });
    expect((await collect(second.report)).got).toEqual([finding(8)]);
  });

  it("rejects a download that is neither a ZIP nor JSON, and an empty one", async () => {
    const html = await completedReport({ download: strToU8("<html>Maintenance</html>"), contentType: "text/html" });
    expect((await collect(html.report)).error).toMatchObject({ name: "ReportDownloadError", message: expect.stringMatching(/neither a ZIP nor valid JSON/) });
    await server?.close();
    const empty = await completedReport({ download: new Uint8Array() });
    expect((await collect(empty.report)).error).toMatchObject({ name: "ReportDownloadError", message: expect.stringMatching(/empty/) });
  });

  it("reads the parts resource by resource when asked to, in the order the report lists them", async () => {
    const { server, report } = await completedReport(
      { resources: { "part_1.json": [finding(1)], "part_2.json": { data: [finding(2)] }, "part_3.json": "oops" } },
      { via: "resources" },
    );
    expect(report.report.resources).toEqual(["part_1.json", "part_2.json", "part_3.json"]);
    const { got, error } = await collect(report);
    expect(got).toEqual([finding(1), finding(2)]);
    expect(error).toMatchObject({ name: "ReportDownloadError", part: "part_3.json" });
    expect(server.resourceReads).toEqual(["part_1.json", "part_2.json", "part_3.json"]);
    expect(server.downloads["rep-1"]).toBeUndefined();
  });
});
