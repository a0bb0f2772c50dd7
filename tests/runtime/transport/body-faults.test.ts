/**
 * Wire faults at every stage of an answer, for one XML operation (vm listHostDetections, read)
 * and one JSON operation (qflow getWorkflow, read), plus writes of each kind (vm launchScan,
 * qflow runWorkflow), through the client on both transports against a raw-socket server:
 * reset before the headers, reset mid-body, stall, truncated gzip, short Content-Length body.
 * Reads that fail before the caller got anything are retried; faults surface typed
 * (NetworkError, OutcomeUnknownError, TimeoutError), never as undici's bare `TypeError: terminated`.
 */
import type { Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createQualysClient, type QualysClient } from "../../../src/client.js";
import { NetworkError } from "../../../src/runtime/errors/network-error.js";
import { OutcomeUnknownError } from "../../../src/runtime/errors/outcome-unknown-error.js";
import { TimeoutError } from "../../../src/runtime/errors/timeout-error.js";
import type { RetryInfo } from "../../../src/runtime/retry.js";
import { chunked, head, reset, startRawServer, writeApart, type RawRequest } from "../../servers/raw-http-server.js";
import { detectionPage } from "../../servers/vm-pages-server.js";
import { drain } from "../../support/drain.js";

const HOSTS = 40;
const xmlPage = Buffer.from(detectionPage(Array.from({ length: HOSTS }, (_, i) => i + 1)));
/** Big enough to arrive in several reads, so faults land inside a streamed body. */
const workflow = { id: "w1", name: "wf", steps: Array.from({ length: 3000 }, (_, i) => ({ id: `s${i}`, kind: "action", note: "x".repeat(40) })) };
const jsonBody = Buffer.from(JSON.stringify(workflow));
const scanLaunched = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>2026-11-30T10:00:00Z</DATETIME>\n    <TEXT>New vm scan launched</TEXT>\n    <ITEM_LIST>\n      <ITEM><KEY>REFERENCE</KEY><VALUE>scan/1.1</VALUE></ITEM>\n    </ITEM_LIST>\n  </RESPONSE>\n</SIMPLE_RETURN>\n`,
);

/** What the server does with one answer: the body it would send, and the fault it injects. */
type Fault = "reset-before-headers" | "reset-mid-body" | "stall-mid-body" | "truncated-gzip" | "short-body" | "none";

/** `early`: the fault comes before the first record is whole; else after half the body. */
async function answer(socket: Socket, body: Buffer, type: string, fault: Fault, early: boolean): Promise<void> {
  const half = Math.min(early ? 300 : Infinity, Math.floor(body.length / 2));
  switch (fault) {
    case "none":
      return writeApart(socket, [head(200, { "Content-Type": type, "Content-Length": body.length }), body]);
    case "reset-before-headers":
      return reset(socket);
    case "reset-mid-body":
      await writeApart(socket, [head(200, { "Content-Type": type, "Transfer-Encoding": "chunked" }), chunked(body, { chunkSize: 4096 }).subarray(0, half)], 5);
      await new Promise((r) => setTimeout(r, 20));
      return reset(socket);
    case "stall-mid-body":
      // Then nothing, on an open connection.
      return writeApart(socket, [head(200, { "Content-Type": type, "Transfer-Encoding": "chunked" }), chunked(body, { chunkSize: 4096 }).subarray(0, half)], 5);
    case "truncated-gzip": {
      const zipped = gzipSync(body);
      // A clean chunked end after half the gzip stream: the HTTP framing is whole, the encoding is not.
      const cut = Math.min(early ? 200 : Infinity, zipped.length >> 1);
      return writeApart(socket, [head(200, { "Content-Type": type, "Transfer-Encoding": "chunked", "Content-Encoding": "gzip" }), chunked(zipped.subarray(0, cut), { chunkSize: 1024 })], 5);
    }
    case "short-body":
      // Content-Length promises the whole body; the connection closes (FIN) after half of it.
      await writeApart(socket, [head(200, { "Content-Type": type, "Content-Length": body.length }), body.subarray(0, half)], 5);
      return void socket.end();
  }
}

let server: Awaited<ReturnType<typeof startRawServer>> | undefined;
let qualys: QualysClient | undefined;
afterEach(async () => {
  await qualys?.close();
  await server?.close();
  qualys = server = undefined;
});

/** A client against a raw server whose first `faulty` answers carry `fault`. */
async function setup(transport: "undici" | "fetch", fault: Fault, faulty: number, options: { bodyIdleTimeoutMs?: number; attempts?: number; late?: boolean } = {}) {
  const retries: RetryInfo[] = [];
  server = await startRawServer((socket, request: RawRequest, index) => {
    const f = index < faulty ? fault : "none";
    const early = !options.late;
    if (request.path.startsWith("/qflowapi/")) return answer(socket, request.method === "POST" ? Buffer.from(JSON.stringify({ executionId: "e1", note: "y".repeat(2000) })) : jsonBody, "application/json", f, early);
    const launch = new URLSearchParams(request.body.toString()).get("action") === "launch";
    return answer(socket, launch ? scanLaunched : xmlPage, "text/xml;charset=UTF-8", f, early);
  });
  qualys = createQualysClient({
    baseUrls: { vm: server.url, gateway: server.url },
    credentials: { token: "header.payload.signature" },
    vmAuth: "oidc",
    transport,
    timeoutMs: 5_000,
    bodyIdleTimeoutMs: options.bodyIdleTimeoutMs ?? 300,
    rateLimit: { retry: { attempts: options.attempts ?? 3, baseDelayMs: 1, maxDelayMs: 5 } },
    hooks: { onRetry: (r) => retries.push(r) },
  });
  return { qualys, server, retries };
}

/**
 * Node's fetch decodes gzip leniently: a gzip stream cut short inside a whole HTTP body ends the
 * body quietly, so no transport on top of fetch can see the cut (see the last test). The undici
 * transport decodes itself and reports it.
 */
const stagesOf = (transport: "undici" | "fetch", stages: Fault[]) => (transport === "fetch" ? stages.filter((s) => s !== "truncated-gzip") : stages);
const retryReason = (fault: Fault) =>
  fault === "reset-before-headers" ? "network error" : fault === "stall-mid-body" ? "timeout in the body" : "network error in the body";
const readStages: Fault[] = ["reset-before-headers", "reset-mid-body", "stall-mid-body", "truncated-gzip", "short-body"];
const bodyStages: Fault[] = ["reset-mid-body", "stall-mid-body", "truncated-gzip", "short-body"];

describe.each(["undici", "fetch"] as const)("%s transport", (transport) => {
  describe.each(stagesOf(transport, readStages))("%s", (fault) => {
    it("vm listHostDetections is retried and returns every host once", async () => {
      const { qualys, server, retries } = await setup(transport, fault, 1);
      const { got, error } = await drain(qualys.vm.listHostDetections({}));
      expect(error).toBeUndefined();
      expect(got.map((h) => h.id)).toEqual(Array.from({ length: HOSTS }, (_, i) => i + 1));
      expect(server.requests).toHaveLength(2);
      expect(retries.map((r) => r.reason)).toEqual([retryReason(fault)]);
    });

    it("qflow getWorkflow is retried and returns the whole body", async () => {
      const { qualys, server, retries } = await setup(transport, fault, 1);
      const got = await qualys.qflow.getWorkflow({ params: { path: { workflowId: "w1" } } });
      expect(got).toEqual(workflow);
      expect(server.requests).toHaveLength(2);
      expect(retries.map((r) => r.reason)).toEqual([retryReason(fault)]);
    });

    it("when every attempt fails, the read surfaces typed, naming the operation", async () => {
      const { qualys, server } = await setup(transport, fault, 99, { attempts: 2 });
      const xml = (await drain(qualys.vm.listHostDetections({}))).error;
      const json = await qualys.qflow.getWorkflow({ params: { path: { workflowId: "w1" } } }).catch((e: unknown) => e);
      for (const [err, op] of [[xml, "listHostDetections"], [json, "getWorkflow"]] as const) {
        expect(err).not.toBeInstanceOf(OutcomeUnknownError);
        if (fault === "stall-mid-body") {
          expect(err).toBeInstanceOf(TimeoutError);
          expect(err).toMatchObject({ phase: "body", timeoutMs: 300 });
          expect((err as Error).message).toMatch(new RegExp(`^${op} received no data for 300 ms while reading the answer \\(\\d+ bytes of the body received`));
        } else {
          expect(err).toBeInstanceOf(NetworkError);
          expect((err as Error).message).toMatch(new RegExp(`^${op} lost its connection to 127\\.0\\.0\\.1:\\d+ `));
          expect((err as Error).message).toMatch(/after 2 attempts\.$/);
          expect((err as Error).message).not.toMatch(/could not reach/);
        }
      }
      expect(server.requests).toHaveLength(4);
    });
  });

  describe.each(stagesOf(transport, bodyStages))("%s after records reached the caller", (fault) => {
    it("is not retried, and tells how many records came", async () => {
      // Faults land in the second half of the page: the first hosts have been handed over.
      const { qualys, server } = await setup(transport, fault, 99, { late: true });
      const { got, error } = await drain(qualys.vm.listHostDetections({}));
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThan(HOSTS);
      expect(server.requests).toHaveLength(1);
      expect(error).toBeInstanceOf(fault === "stall-mid-body" ? TimeoutError : NetworkError);
      expect(error).toMatchObject({ phase: "body", records: got.length });
      expect((error as Error).message).toContain(`${got.length} records handed over`);
    });
  });

  describe.each(stagesOf(transport, ["reset-before-headers", ...bodyStages]))("%s on a write", (fault) => {
    it("vm launchScan and qflow runWorkflow are not re-sent, and say the outcome is unknown", async () => {
      const { qualys, server } = await setup(transport, fault, 99);
      const xml = await qualys.vm.launchScan({ scan_title: "t", ip: "10.0.0.1", option_title: "o" } as never).catch((e: unknown) => e);
      const json = await qualys.qflow.runWorkflow({ params: { path: { workflowId: "w1" } } } as never).catch((e: unknown) => e);
      expect(server.requests).toHaveLength(2);
      for (const err of [xml, json]) {
        if (fault === "stall-mid-body") {
          expect(err).toBeInstanceOf(TimeoutError);
          expect(err).toMatchObject({ phase: "body", outcomeUnknown: true });
        } else {
          expect(err).toBeInstanceOf(OutcomeUnknownError);
          expect(err).toBeInstanceOf(NetworkError);
          expect(err).toMatchObject({ phase: fault === "reset-before-headers" ? "request" : "body" });
        }
        expect((err as Error).message).toMatch(/the request may have been carried out; check before retrying\.$/i);
        expect((err as Error).message).not.toMatch(/could not reach/);
      }
    });
  });

  it("a write that could not connect says it could not reach the host", async () => {
    const { qualys, server } = await setup(transport, "none", 0);
    await server.close();
    const err = await qualys.vm.launchScan({ scan_title: "t", ip: "10.0.0.1", option_title: "o" } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).not.toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).toMatch(/^launchScan could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\) after 1 attempt\.$/);
  });

  it("a call's own bodyIdleTimeoutMs wins over the client's", async () => {
    const { qualys } = await setup(transport, "stall-mid-body", 99, { bodyIdleTimeoutMs: 60_000, attempts: 1 });
    const started = Date.now();
    const err = await qualys.qflow.getWorkflow({ params: { path: { workflowId: "w1" } }, bodyIdleTimeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "TimeoutError", phase: "body", timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

it("fetch transport: a truncated gzip body ends quietly inside fetch, so only the decoder can tell, as a parse error", async () => {
  const { qualys, server } = await setup("fetch", "truncated-gzip", 99, { attempts: 1, late: true });
  const { got, error } = await drain(qualys.vm.listHostDetections({}));
  expect(got.length).toBeLessThan(HOSTS);
  expect(error).toMatchObject({ name: "XmlParseError" });
  const json = await qualys.qflow.getWorkflow({ params: { path: { workflowId: "w1" } } }).catch((e: unknown) => e);
  expect(json).toMatchObject({ name: "InvalidResponseError" });
  expect(server.requests).toHaveLength(2);
});

it.each(["undici", "fetch"] as const)("a JSON pager (qflow listWorkflows) tells the records it handed over before page 2 went silent (%s transport)", async (transport) => {
  const items = (from: number) => [0, 1].map((i) => ({ id: `w${from + i}`, name: `wf ${from + i}` }));
  server = await startRawServer((socket, request) => {
    const pageNumber = Number(new URL(request.path, "http://x").searchParams.get("pageNumber"));
    const body = Buffer.from(JSON.stringify({ items: items(pageNumber * 2 - 1), total: 4, pad: "p".repeat(4000) }));
    return answer(socket, body, "application/json", pageNumber === 1 ? "none" : "stall-mid-body", true);
  });
  qualys = createQualysClient({
    baseUrls: { gateway: server.url },
    credentials: { token: "header.payload.signature" },
    transport,
    bodyIdleTimeoutMs: 200,
    rateLimit: { retry: { attempts: 1 } },
  });
  const { got, error } = await drain(qualys.qflow.listWorkflows.items({ params: { query: { pageSize: 2 } } } as never));
  expect(got).toHaveLength(2);
  expect(error).toBeInstanceOf(TimeoutError);
  expect(error).toMatchObject({ phase: "body", records: 2, operationId: "listWorkflows" });
  expect((error as Error).message).toMatch(/^listWorkflows received no data for 200 ms while reading the answer \(\d+ bytes of the body received, 2 records handed over\)\.$/);
});
