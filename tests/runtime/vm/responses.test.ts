/**
 * How VM answers are read: real Qualys bodies (tests/fixtures/qualys-xml) and the things that
 * are not Qualys answers at all (HTML pages, empty failures), against a 127.0.0.1 server.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createVmClient } from "../../../src/generated/vm/index.js";
import { HttpError } from "../../../src/runtime/errors/http-error.js";
import { InvalidResponseError } from "../../../src/runtime/errors/invalid-response-error.js";
import { PagingError } from "../../../src/runtime/errors/paging-error.js";
import { QualysApiError } from "../../../src/runtime/errors/qualys-api-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import { startVmServer, type VmRoute } from "../../servers/vm-pages-server.js";
import { drain } from "../../support/drain.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "..", "..", "fixtures", "qualys-xml", name));

let server: Awaited<ReturnType<typeof startVmServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function vmAgainst(route: VmRoute) {
  server = await startVmServer(route);
  const url = server.url;
  return { server, vm: createVmClient({ handler: compose([], fetchTransport), baseUrl: () => url }) };
}

/** Answers every request with one status, content type and body. */
const answer =
  (status: number, contentType: string, body: string | Buffer): VmRoute =>
  (_req, res) => {
    res.writeHead(status, { "Content-Type": contentType });
    res.end(body);
  };

describe("real Qualys bodies", () => {
  it("1905 under HTTP 400, a body with no XML declaration (graph-qualys recording)", async () => {
    const { vm } = await vmAgainst(answer(400, "text/xml;charset=UTF-8", fixture("j1_simple_return_1905_invalid_ids_http400.xml")));
    const { got, error } = await drain(vm.listHostDetections({ ids: "abc123" as never }));
    expect(got).toEqual([]);
    expect(error).toBeInstanceOf(QualysApiError);
    expect(error).toMatchObject({ code: "1905", httpStatus: 400, operation: "listHostDetections" });
    expect((error as QualysApiError).text).toContain("parameter ids has invalid value: abc123");
  });

  it("2000 under HTTP 401 (ruby-qualys cassette)", async () => {
    const { vm } = await vmAgainst(answer(401, "text/xml", fixture("rq_simple_return_2000_bad_login_http401.xml")));
    await expect(vm.launchReport({ template_id: 1, output_format: "pdf" })).rejects.toMatchObject({ name: "QualysApiError", code: "2000", text: "Bad Login/Password", httpStatus: 401 });
  });

  it("2001 (account expired) under HTTP 200 on the CSV activity log: the raw body is checked first", async () => {
    const { vm } = await vmAgainst(answer(200, "text/xml", fixture("j1_simple_return_2001_account_expired.xml")));
    await expect(vm.listActivityLog({ since_datetime: "2022-01-01" }, { as: "text" })).rejects.toMatchObject({ name: "QualysApiError", code: "2001", httpStatus: 200 });
  });

  it("7001 (report not ready) under HTTP 200 on a report fetch", async () => {
    const { vm } = await vmAgainst(answer(200, "text/xml", fixture("rq_simple_return_7001_report_not_ready.xml")));
    await expect(vm.fetchReport({ id: 4927942 })).rejects.toMatchObject({ name: "QualysApiError", code: "7001", text: "Report cannot be fetched." });
  });

  it("a QPS INVALID_REQUEST under HTTP 200, with Qualys's resolution", async () => {
    const { vm } = await vmAgainst(answer(200, "application/xml", fixture("j1_qps_error_invalid_request_http200.xml")));
    const { error } = await drain(vm.searchHostAssets({ filters: [{ field: "qwebHostId", operator: "EQUALS", value: "abc123" }] }));
    expect(error).toBeInstanceOf(QualysApiError);
    expect(error).toMatchObject({ code: "INVALID_REQUEST", httpStatus: 200, resolution: "Specify criteria value(s) as Long." });
  });

  it("42 KnowledgeBase entries with keep-alive comments inside RESPONSE (graph-qualys recording)", async () => {
    const { vm } = await vmAgainst(answer(200, "text/xml;charset=UTF-8", fixture("j1_kb_vuln_list_42_vulns.xml")));
    const { got, error } = await drain(vm.listVulns({ ids: "6,45017,45038" }));
    expect(error).toBeUndefined();
    expect(got).toHaveLength(42);
    expect(got.slice(0, 3).map((v) => v.qid)).toEqual([6, 45017, 45038]);
    expect(got.every((v) => typeof v.title === "string" && v.discovery?.remote !== undefined)).toBe(true);
  });

  it("a body in the charset its Content-Type names is decoded in it, not as UTF-8", async () => {
    // windows-1252 bytes: 0x92 is ’ and 0xF4 is ô; the fixture's declaration still says UTF-8.
    const body = Buffer.from(fixture("j1_kb_vuln_list_42_vulns.xml").toString("utf8").replace("DNS Host Name", "Nom d\x92h\xf4te DNS"), "latin1");
    const { vm } = await vmAgainst(answer(200, "text/xml;charset=windows-1252", body));
    const { got, error } = await drain(vm.listVulns({ ids: "6" }));
    expect(error).toBeUndefined();
    expect(got[0]!.title).toBe("Nom d’hôte DNS");
  });

  it("a truncated detection page whose next URL names qualysapi.qualys.com: its host is yielded, the URL refused", async () => {
    const { server, vm } = await vmAgainst(answer(200, "text/xml", fixture("own_hld_qds_truncated_warning.xml")));
    const { got, error } = await drain(vm.listHostDetections({ show_qds: 1, show_qds_factors: 1, truncation_limit: 1 }));
    expect(got.map((h) => h.id)).toEqual([7000001]);
    expect(got[0]!.detectionList![0]!.qds).toMatchObject({ severity: expect.any(String), value: expect.any(Number) });
    expect(error).toBeInstanceOf(PagingError);
    expect((error as Error).message).toMatch(/qualysapi\.qualys\.com, not the configured 127\.0\.0\.1:\d+; refusing/);
    expect(server.requests).toHaveLength(1);
  });
});

describe("bodies that are not Qualys answers", () => {
  it("an HTML page under HTTP 200 is an InvalidResponseError, even when it is not well-formed XML", async () => {
    const page = `<!doctype html>\n<html><head><meta charset="utf-8"><title>Scheduled maintenance</title></head><body>Back soon<br></body></html>`;
    const { vm } = await vmAgainst(answer(200, "text/html; charset=utf-8", page));
    const error = await vm.listIps().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toBe('listIps: Qualys answered HTTP 200 with an HTML page, not XML (a proxy, maintenance or login page?): "Scheduled maintenance"');
  });

  it("an HTML page is recognised by its body when the label says XML", async () => {
    const { vm } = await vmAgainst(answer(200, "text/xml", `\n<!-- proxy -->\n<!DOCTYPE html><html><body>Login</body></html>`));
    const { error } = await drain(vm.listScans());
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  it("an empty 503 is an HttpError with its status", async () => {
    const { vm } = await vmAgainst(answer(503, "text/plain", ""));
    await expect(vm.listIps()).rejects.toMatchObject({ name: "HttpError", status: 503, operationId: "listIps", method: "POST" });
  });

  it("XML labelled text/html is still decoded: the body decides", async () => {
    const { vm } = await vmAgainst(answer(200, "text/html", fixture("rq_simple_return_session_logout.xml")));
    await expect(vm.sessionLogout()).resolves.toMatchObject({ response: { text: "Logged out" } });
  });
});

describe("raw outputs (reports, scan results, CSV)", () => {
  const report = fixture("rq_report_fetch_asset_data_report.xml");

  it("hands a finished report over as a Response, as text or as a stream, untouched", async () => {
    const { vm } = await vmAgainst(answer(200, "application/xml", report));
    const response = await vm.fetchReport({ id: 1 });
    expect(response).toBeInstanceOf(Response);
    expect(Buffer.from(await response.arrayBuffer()).equals(report)).toBe(true);
    const text = await vm.fetchReport({ id: 1 }, { as: "text" });
    expect(text).toBe(report.toString("utf8"));
    const stream = await vm.fetchReport({ id: 1 }, { as: "stream" });
    const chunks: Uint8Array[] = [];
    for (const reader = stream.getReader(); ; ) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    expect(Buffer.concat(chunks).equals(report)).toBe(true);
  });

  it("an HTML report under 200 is a report; an HTML page under 500 is an HttpError", async () => {
    const html = "<!DOCTYPE html><html><body><h1>Scan Report</h1></body></html>";
    const ok = await vmAgainst(answer(200, "text/html", html));
    expect(await ok.vm.fetchReport({ id: 2 }, { as: "text" })).toBe(html);
    await server!.close();
    const failing = await vmAgainst(answer(500, "text/html", "<html><body>Internal error</body></html>"));
    const error = await failing.vm.fetchReport({ id: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 500, bodyText: "<html><body>Internal error</body></html>" });
  });

  it("scan results come as JSON text", async () => {
    const { server, vm } = await vmAgainst(answer(200, "application/json", `[{"ip":"10.0.0.5","qid":38170}]`));
    const text = await vm.fetchScan({ scan_ref: "scan/1763978400.12345", output_format: "json" }, { as: "text" });
    expect(JSON.parse(text)).toEqual([{ ip: "10.0.0.5", qid: 38170 }]);
    expect(Object.fromEntries(server.requests[0]!.form)).toEqual({ scan_ref: "scan/1763978400.12345", output_format: "json", action: "fetch" });
  });
});
