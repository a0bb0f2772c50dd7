/**
 * API versions of VM actions: the current version by default (the spec path), an older one per
 * call or per client with a warning once per process, never a silent fallback, and every
 * plausible way a server refuses a version raised as ApiVersionError (against a 127.0.0.1 server).
 */
import { afterEach, describe, expect, it } from "vitest";
import { createVmClient, vmActions, type VmClientOptions } from "../../../src/generated/vm/index.js";
import { apiVersionTable } from "../../../src/generated/versions.js";
import { ApiVersionError } from "../../../src/runtime/errors/api-version-error.js";
import { ConfigurationError } from "../../../src/runtime/errors/configuration-error.js";
import { HttpError } from "../../../src/runtime/errors/http-error.js";
import { InvalidParameterError } from "../../../src/runtime/errors/invalid-parameter-error.js";
import { InvalidResponseError } from "../../../src/runtime/errors/invalid-response-error.js";
import { QualysApiError } from "../../../src/runtime/errors/qualys-api-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import type { DeprecationWarningInfo } from "../../../src/runtime/runtime.js";
import { undiciTransport } from "../../../src/runtime/transport/index.js";
import { chunked, head, pieces, startRawServer, writeApart } from "../../servers/raw-http-server.js";
import { detectionPage, startVmServer, type VmRoute } from "../../servers/vm-pages-server.js";
import { drain } from "../../support/drain.js";

let server: Awaited<ReturnType<typeof startVmServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const xml = { "Content-Type": "text/xml;charset=UTF-8" };
const HLD = (v: string) => `/api/${v}/fo/asset/host/vm/detection/`;

async function vmAgainst(route: VmRoute, options: VmClientOptions = {}, warnings: DeprecationWarningInfo[] = []) {
  server = await startVmServer(route);
  const url = server.url;
  const vm = createVmClient({ handler: compose([], fetchTransport), baseUrl: () => url, onDeprecated: (w) => warnings.push(w) }, options);
  return { server, vm };
}

const simpleReturn = (code: string, text: string) =>
  `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2026-12-01T10:00:00Z</DATETIME><CODE>${code}</CODE><TEXT>${text}</TEXT></RESPONSE></SIMPLE_RETURN>\n`;
const emptyHostList = `<?xml version="1.0" encoding="UTF-8" ?>\n<HOST_LIST_OUTPUT><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME></RESPONSE></HOST_LIST_OUTPUT>`;

/** An answer for every action's default call: the right root for decoded ones, some text for raw ones. */
const anyAnswer: VmRoute = (req, res) => {
  res.writeHead(200, xml);
  const roots: Record<string, string> = {
    "/fo/asset/host/vm/detection/": "HOST_LIST_VM_DETECTION_OUTPUT",
    "/fo/asset/host/": req.form.get("action") === "purge" ? "SIMPLE_RETURN" : "HOST_LIST_OUTPUT",
    "/fo/scan/": "SCAN_LIST_OUTPUT",
    "/fo/report/": "REPORT_LIST_OUTPUT",
    "/fo/knowledge_base/vuln/": "KNOWLEDGE_BASE_VULN_LIST_OUTPUT",
    "/fo/compliance/policy/": "POLICY_LIST_OUTPUT",
  };
  const tail = req.path.replace(/^\/api\/\d\.\d/, "");
  const root = roots[tail] ?? "SIMPLE_RETURN";
  res.end(`<?xml version="1.0" encoding="UTF-8" ?>\n<${root}><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME>${root === "SIMPLE_RETURN" ? "<TEXT>ok</TEXT>" : ""}</RESPONSE></${root}>`);
};

describe("default versions", () => {
  it("the version table marks no default as deprecated: every VM row's current path is the action's path, and no older version is newer", () => {
    for (const row of apiVersionTable.filter((r) => r.module === "vm" && r.operation)) {
      const meta = vmActions[row.operation as keyof typeof vmActions] as { path: string; version?: string };
      expect(meta.path, row.operation).toBe(row.current.path);
      expect(meta.version, row.operation).toBe(row.current.version);
      expect(row.current.endOfSupport, row.operation).toBeUndefined();
      for (const older of row.older) expect(Number(older.version), row.operation).toBeLessThan(Number(row.current.version));
    }
    // The list: HLD 5.0, KB 4.0, host list/purge 5.0, scan and report list 3.0, activity log 2.0.
    const current = Object.fromEntries(apiVersionTable.filter((r) => r.module === "vm" && r.operation).map((r) => [r.operation, r.current.version]));
    expect(current).toMatchObject({ listHostDetections: "5.0", listVulns: "4.0", listHosts: "5.0", purgeHosts: "5.0", listScans: "3.0", listReports: "3.0", listPolicies: "3.0", listActivityLog: "2.0" });
    // Scan launch stays on 2.0 while the scan list moved: versions are per action.
    expect(vmActions.launchScan.path).toBe("/api/2.0/fo/scan/");
  });

  it("calls the current version of each endpoint when no version is given", async () => {
    const warnings: DeprecationWarningInfo[] = [];
    const { server, vm } = await vmAgainst(anyAnswer, {}, warnings);
    await drain(vm.listHostDetections());
    await drain(vm.listHosts({ details: "None" }));
    await drain(vm.listVulns());
    await drain(vm.listScans());
    await drain(vm.listReports());
    await drain(vm.listPolicies());
    await vm.purgeHosts({ ids: "1" });
    expect(server.requests.map((r) => r.path)).toEqual([HLD("5.0"), "/api/5.0/fo/asset/host/", "/api/4.0/fo/knowledge_base/vuln/", "/api/3.0/fo/scan/", "/api/3.0/fo/report/", "/api/3.0/fo/compliance/policy/", "/api/5.0/fo/asset/host/"]);
    expect(warnings).toEqual([]);
  });
});

describe("older versions", () => {
  it("sends a call to the version it names, and keeps every page there", async () => {
    const { server, vm } = await vmAgainst((req, res, origin) => {
      res.writeHead(200, xml);
      // Qualys may hand back a next-page URL on another version's path: the chosen version stays.
      if (!req.form.get("id_min")) return res.end(detectionPage([1, 2], `${origin}${HLD("5.0")}?action=list&truncation_limit=2&id_min=3`));
      if (req.form.get("id_min") === "3") return res.end(detectionPage([3, 4], `${origin}${HLD("2.0")}?action=list&truncation_limit=2&id_min=5`));
      res.end(detectionPage([5]));
    });
    const { got, error } = await drain(vm.listHostDetections({ truncation_limit: 2 }, { apiVersion: "4.0" }));
    expect(error).toBeUndefined();
    expect(got.map((h) => h.id)).toEqual([1, 2, 3, 4, 5]);
    expect(server.requests.map((r) => r.path)).toEqual(Array(3).fill(HLD("4.0")));
    expect(server.requests.map((r) => r.form.get("id_min"))).toEqual([null, "3", "5"]);
  });

  it("takes a client-wide version per action, which a call can override", async () => {
    const { server, vm } = await vmAgainst(
      (_req, res) => {
        res.writeHead(200, xml);
        res.end(detectionPage([7]));
      },
      { apiVersions: { listHostDetections: "2.0" } },
    );
    await drain(vm.listHostDetections());
    await drain(vm.listHostDetections(undefined, { apiVersion: "5.0" }));
    expect(server.requests.map((r) => r.path)).toEqual([HLD("2.0"), HLD("5.0")]);
  });

  it("moves only the actions a version is known for", async () => {
    const { server, vm } = await vmAgainst((_req, res) => {
      res.writeHead(200, xml);
      res.end(emptyHostList);
    });
    await drain(vm.listHosts({ details: "None" }, { apiVersion: "3.0" }));
    expect(server.requests[0]!.path).toBe("/api/3.0/fo/asset/host/");
    // Purge is known on 5.0 and 2.0 only: 3.0 is refused before anything is sent.
    await expect(vm.purgeHosts({ ids: "1" }, { apiVersion: "3.0" as never })).rejects.toBeInstanceOf(InvalidParameterError);
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a version the endpoint does not have, naming the ones it has, before sending", async () => {
    const { server, vm } = await vmAgainst((_req, res) => res.end());
    const error = (() => {
      try {
        vm.listVulns(undefined, { apiVersion: "9.0" as never });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as Error).message).toBe('listVulns: parameter apiVersion is "9.0", but this action is known at versions 2.0, 3.0, 4.0 (current 4.0)');
    expect(server.requests).toHaveLength(0);
  });

  it("checks client-wide versions when the client is made", () => {
    const runtime = { handler: compose([], fetchTransport), baseUrl: () => "http://127.0.0.1:9" };
    expect(() => createVmClient(runtime, { apiVersions: { listHostDetections: "1.0" as never } })).toThrow(InvalidParameterError);
    expect(() => createVmClient(runtime, { apiVersions: { noSuchAction: "2.0" } as never })).toThrow(ConfigurationError);
  });

  it("warns once per process and version when an older version past its end of support is used, never for the current one", async () => {
    const warnings: DeprecationWarningInfo[] = [];
    const { vm } = await vmAgainst(anyAnswer, {}, warnings);
    await drain(vm.listVulns());
    expect(warnings).toEqual([]);
    await drain(vm.listVulns(undefined, { apiVersion: "2.0" }));
    await drain(vm.listVulns(undefined, { apiVersion: "2.0" }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ module: "vm", operationId: "listVulns" });
    expect(warnings[0]!.message).toBe(
      "qualys-ts: vm.listVulns calls Qualys API 2.0 (/api/2.0/fo/knowledge_base/vuln/), past its end of life (end of support 2025-12 (past), end of life 2026-06 (past)): Qualys retired it and may refuse the call. The current version, 4.0, is the default: drop the apiVersion / apiVersions setting for it.",
    );
    await drain(vm.listVulns(undefined, { apiVersion: "3.0" }));
    expect(warnings).toHaveLength(2);
    expect(warnings[1]!.message).toContain("API 3.0 (/api/3.0/fo/knowledge_base/vuln/)");
    // An older version without a known date: said too, as such.
    await drain(vm.listScans(undefined, { apiVersion: "2.0" }));
    expect(warnings[2]!.message).toContain("vm.listScans calls Qualys API 2.0 (/api/2.0/fo/scan/), an older version, for which qualys-ts knows no end-of-support date. The current version, 3.0");
    // Every moved endpoint, on its older version: the call goes there, and is named once.
    await drain(vm.listReports(undefined, { apiVersion: "2.0" }));
    await drain(vm.listHosts({ details: "None" }, { apiVersion: "2.0" }));
    await drain(vm.listPolicies(undefined, { apiVersion: "2.0" }));
    await drain(vm.listHostDetections(undefined, { apiVersion: "3.0" }));
    expect(warnings.slice(3).map((w) => w.message)).toEqual([
      expect.stringContaining("vm.listReports calls Qualys API 2.0 (/api/2.0/fo/report/), an older version, for which qualys-ts knows no end-of-support date. The current version, 3.0"),
      expect.stringContaining("vm.listHosts calls Qualys API 2.0 (/api/2.0/fo/asset/host/), an older version"),
      expect.stringContaining("vm.listPolicies calls Qualys API 2.0 (/api/2.0/fo/compliance/policy/), past its end of support (end of support 2025-12 (past)): it gets no fixes and will be retired. The current version, 3.0"),
      expect.stringContaining("vm.listHostDetections calls Qualys API 3.0 (/api/3.0/fo/asset/host/vm/detection/), past its end of life"),
    ]);
  });
});

/** An older version's call against a server that refuses it with `answer`; the error it ends with. */
async function refusedWith(answer: VmRoute, call: (vm: ReturnType<typeof createVmClient>) => Promise<unknown>) {
  const { server, vm } = await vmAgainst(answer);
  const error = await call(vm).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, requests: server.requests.length };
}

const records = (stream: AsyncIterable<unknown>) => drain(stream).then(({ error }) => {
  if (error) throw error;
});

describe("a refused version is an ApiVersionError naming the version to use", () => {
  const forms: [string, VmRoute, Partial<ApiVersionError>, RegExp][] = [
    ["404 with an HTML page (the route is gone)", (_q, res) => (res.writeHead(404, { "Content-Type": "text/html" }), res.end("<html><head><title>404 Not Found</title></head><body>Not Found</body></html>")), { httpStatus: 404 }, /HTTP 404, an HTML page \("404 Not Found"\)/],
    ["410 Gone with an empty body", (_q, res) => (res.writeHead(410), res.end()), { httpStatus: 410 }, /HTTP 410, empty body/],
    ["404 with a SIMPLE_RETURN", (_q, res) => (res.writeHead(404, xml), res.end(simpleReturn("404", "Resource not found"))), { httpStatus: 404 }, /HTTP 404, "Resource not found"/],
    ["200 with a SIMPLE_RETURN saying the version is no longer supported", (_q, res) => (res.writeHead(200, xml), res.end(simpleReturn("1901", "API version 2.0 is no longer supported. Use version 5.0."))), { httpStatus: 200 }, /code 1901: API version 2\.0 is no longer supported/],
    ["400 with a SIMPLE_RETURN saying the API has been retired", (_q, res) => (res.writeHead(400, xml), res.end(simpleReturn("1920", "This API has been retired (End-of-Life)."))), { httpStatus: 400 }, /code 1920: This API has been retired/],
    ["a QPS-style INVALID_API_VERSION under 200", (_q, res) => (res.writeHead(200, xml), res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<ServiceResponse><responseCode>INVALID_API_VERSION</responseCode><responseErrorDetails><errorMessage>Version not supported</errorMessage></responseErrorDetails></ServiceResponse>`)), { httpStatus: 200 }, /code INVALID_API_VERSION/],
    ["a redirect to an HTML notice (followed, then 200 HTML)", (req, res) => {
      if (req.path === "/notice") return res.writeHead(200, { "Content-Type": "text/html" }), res.end("<!DOCTYPE html><html><head><title>API version retired</title></head><body>See the release notes.</body></html>");
      res.writeHead(301, { Location: "/notice" });
      res.end();
    }, { httpStatus: 200 }, /HTTP 200, an HTML page \("API version retired"\)/],
    ["200 with plain text", (_q, res) => (res.writeHead(200, { "Content-Type": "text/plain" }), res.end("This API version is not supported")), { httpStatus: 200 }, /HTTP 200, "This API version is not supported"/],
  ];

  it.each(forms)("%s", async (_what, answer, fields, said) => {
    const { error, requests } = await refusedWith(answer, (vm) => records(vm.listHostDetections(undefined, { apiVersion: "2.0" })));
    expect(error).toBeInstanceOf(ApiVersionError);
    const e = error as ApiVersionError;
    expect(e).toMatchObject({ operation: "listHostDetections", version: "2.0", use: "API 5.0", current: false, endOfLife: "2026-06", path: HLD("2.0"), ...fields });
    expect(e.message).toMatch(said);
    expect(e.message).toContain("past its end of life (2026-06) and retired. Use API 5.0 instead (the SDK's default).");
    // Never a silent fallback to another version: one request, to the version asked for.
    expect(requests).toBe(fields.httpStatus === 200 && /redirect/.test(_what) ? 2 : 1);
    expect(server!.requests.every((r) => r.path === HLD("2.0") || r.path === "/notice")).toBe(true);
  });

  it("also for document and raw actions", async () => {
    const gone: VmRoute = (_q, res) => (res.writeHead(410, { "Content-Type": "text/html" }), res.end("<html><body>Gone</body></html>"));
    const purge = await refusedWith(gone, (vm) => vm.purgeHosts({ ids: "1" }, { apiVersion: "2.0" }));
    expect(purge.error).toMatchObject({ name: "ApiVersionError", operation: "purgeHosts", version: "2.0", use: "API 5.0", httpStatus: 410 });
    await server!.close();
    const exported = await refusedWith(gone, (vm) => vm.exportPolicy({ id: 1 }, { apiVersion: "2.0" }));
    expect(exported.error).toMatchObject({ name: "ApiVersionError", operation: "exportPolicy", version: "2.0", use: "API 3.0", httpStatus: 410 });
  });

  it("on the current version, a 404 says the platform may not offer it and lists the older versions", async () => {
    const { error } = await refusedWith((_q, res) => (res.writeHead(404, { "Content-Type": "text/html" }), res.end("<html><title>Not Found</title></html>")), (vm) => records(vm.listHostDetections()));
    expect(error).toBeInstanceOf(ApiVersionError);
    expect(error).toMatchObject({ version: "5.0", current: true, use: undefined, available: ["4.0", "3.0", "2.0"] });
    expect((error as Error).message).toContain("the platform may not offer it yet, or a proxy answered. To call an older version explicitly, pass apiVersion (4.0, 3.0, 2.0).");
  });

  it("reads the refusal wherever the TCP writes split it (raw socket, chunked, one byte per write, undici transport)", async () => {
    const page = Buffer.from("<!DOCTYPE html><html><head><title>Gone for good</title></head><body>API 2.0 was retired.</body></html>");
    for (const [status, size] of [[404, 1], [410, 3], [200, 5]] as const) {
      const raw = await startRawServer((socket) =>
        writeApart(socket, pieces(Buffer.concat([head(status, { "Content-Type": "text/html", "Transfer-Encoding": "chunked" }), chunked(page, { chunkSize: 7 })]), size)),
      );
      const transport = undiciTransport();
      try {
        const vm = createVmClient({ handler: compose([], transport), baseUrl: () => raw.url, onDeprecated: () => {} });
        const { error } = await drain(vm.listHostDetections(undefined, { apiVersion: "2.0" }));
        expect(error, `HTTP ${status}`).toBeInstanceOf(ApiVersionError);
        expect((error as Error).message).toContain(`HTTP ${status}, an HTML page ("Gone for good")`);
        expect(raw.requests.map((r) => r.path)).toEqual([HLD("2.0")]);
      } finally {
        await transport.close();
        await raw.close();
      }
    }
  });

  const notVersions: [string, VmRoute, "latest" | "2.0", new (...a: never[]) => Error][] = [
    ["a proxy's HTML under 200 on the current version stays an InvalidResponseError", (_q, res) => (res.writeHead(200, { "Content-Type": "text/html" }), res.end("<html><title>Login</title></html>")), "latest", InvalidResponseError],
    ["a 503 maintenance page on an older version stays an HttpError", (_q, res) => (res.writeHead(503, { "Content-Type": "text/html" }), res.end("<html><title>Maintenance</title></html>")), "2.0", HttpError],
    ["a 409 rate-limit block on an older version stays a QualysApiError", (_q, res) => (res.writeHead(409, xml), res.end(simpleReturn("1965", "This API cannot be run again for another 10 seconds."))), "2.0", QualysApiError],
    ["a 1905 parameter error on an older version stays a QualysApiError", (_q, res) => (res.writeHead(400, xml), res.end(simpleReturn("1905", "parameter ids has invalid value: abc123"))), "2.0", QualysApiError],
  ];
  it.each(notVersions)("%s", async (_what, answer, version, type) => {
    const { error } = await refusedWith(answer, (vm) => records(vm.listHostDetections(undefined, version === "latest" ? {} : { apiVersion: version })));
    expect(error).toBeInstanceOf(type);
    expect(error).not.toBeInstanceOf(ApiVersionError);
  });
});
