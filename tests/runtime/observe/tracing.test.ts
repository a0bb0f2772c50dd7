/**
 * OpenTelemetry spans, recorded with the SDK's in-memory exporter: a client span per call with
 * its operation, status, attempts and rate-limit wait; one parent span per paged walk (CAR
 * pageNumber, VM truncation) with the page calls as its children; `withSpan` for other code.
 */
import { context, trace, SpanStatusCode } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createQualysClient, type QualysClientOptions } from "../../../src/client.js";
import { withSpan } from "../../../src/runtime/observe/tracing.js";
import { carJobs, startCarPagesServer } from "../../servers/car-pages-server.js";
import { startJsonServer } from "../../servers/json-server.js";
import { detectionPage, startVmServer } from "../../servers/vm-pages-server.js";

const TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0cmFjZSJ9.c2ln";
const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  exporter.reset();
  await Promise.all(closers.splice(0).map((c) => c()));
});

function clientAt(url: string, options: QualysClientOptions = {}) {
  const client = createQualysClient({ credentials: { token: TOKEN }, baseUrls: { gateway: url, vm: url }, logger: false, rateLimit: { retry: { baseDelayMs: 1, maxDelayMs: 5 } }, ...options });
  closers.push(() => client.close());
  return client;
}

const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((s) => s.name === name);
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe("a span per call", () => {
  it("names the operation and records module, status, attempts, rate-limit wait and remaining", async () => {
    let calls = 0;
    const server = await startJsonServer(() => (++calls === 1 ? { status: 503, body: {} } : { body: { list: [] }, headers: { "X-RateLimit-Remaining": "7" } }));
    closers.push(() => server.close());
    await clientAt(server.url).car.listScriptTypes();
    const [span] = named("car.listScriptTypes");
    expect(named("car.listScriptTypes")).toHaveLength(1);
    expect(span!.attributes).toMatchObject({
      "qualys.module": "car",
      "qualys.operation": "listScriptTypes",
      "http.request.method": "GET",
      "url.path": "/sm/v1/script-types",
      "http.response.status_code": 200,
      "qualys.attempts": 2,
      "qualys.rate_limit.remaining": 7,
    });
    expect(span!.attributes["qualys.rate_limit.wait_ms"]).toEqual(expect.any(Number));
    expect(span!.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("marks a failed call's span as an error, without the token in it", async () => {
    const server = await startJsonServer(() => ({ status: 404, body: { message: "no such thing" } }));
    closers.push(() => server.close());
    await expect(clientAt(server.url).car.listScriptTypes()).rejects.toThrow();
    const [span] = named("car.listScriptTypes");
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes["http.response.status_code"]).toBe(404);
    expect(JSON.stringify(spans().map((s) => [s.name, s.attributes, s.events, s.status]))).not.toContain(TOKEN);
  });

  it("makes none with tracing: false", async () => {
    const server = await startJsonServer(() => ({ body: { list: [] } }));
    closers.push(() => server.close());
    await clientAt(server.url, { tracing: false }).car.listScriptTypes();
    expect(spans()).toHaveLength(0);
  });
});

describe("a parent span per paged walk", () => {
  it("CAR pageNumber: the walk's span is the parent of each page's call span", async () => {
    const server = await startCarPagesServer({ records: carJobs(25) });
    closers.push(() => server.close());
    let n = 0;
    for await (const _ of clientAt(server.url).car.searchJobsV1.items({ body: { filter: "x", pageSize: 10 } })) n++;
    expect(n).toBe(25);
    const [walk] = named("car.searchJobsV1.items");
    expect(walk!.attributes).toMatchObject({ "qualys.module": "car", "qualys.operation": "searchJobsV1", "qualys.paging": "pageNumber", "qualys.walk.items": 25 });
    const pages = named("car.searchJobsV1");
    expect(pages).toHaveLength(3);
    for (const page of pages) {
      expect(parentOf(page)).toBe(walk!.spanContext().spanId);
      expect(page.spanContext().traceId).toBe(walk!.spanContext().traceId);
    }
  });

  it("VM truncation: one walk span over every page, ended when the loop breaks early too", async () => {
    const server = await startVmServer((req, res, origin) => {
      const from = Number(req.form.get("id_min") ?? 1);
      const ids = [from, from + 1];
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(detectionPage(ids, from < 5 ? `${origin}/api/2.0/fo/asset/host/vm/detection/?action=list&id_min=${from + 2}` : undefined));
    });
    closers.push(() => server.close());
    const vm = clientAt(server.url, { vmAuth: "oidc" }).vm;
    const hosts: number[] = [];
    for await (const host of vm.listHostDetections({ truncation_limit: 2 })) hosts.push(host.id!);
    expect(hosts).toEqual([1, 2, 3, 4, 5, 6]);
    const [walk] = named("vm.listHostDetections.records");
    expect(walk!.attributes).toMatchObject({ "qualys.paging": "truncation", "qualys.walk.items": 6 });
    const calls = named("vm.listHostDetections");
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(parentOf(call)).toBe(walk!.spanContext().spanId);

    exporter.reset();
    for await (const _ of vm.listHostDetections({ truncation_limit: 2 })) break;
    expect(named("vm.listHostDetections.records")).toHaveLength(1);
    expect(named("vm.listHostDetections.records")[0]!.attributes["qualys.walk.items"]).toBe(1);
  });
});

describe("withSpan", () => {
  it("wraps other work in a span that parents the calls made inside it and records failures", async () => {
    const server = await startJsonServer(() => ({ body: { list: [] } }));
    closers.push(() => server.close());
    const client = clientAt(server.url);
    const result = await withSpan("export batch", { "qualys.batch": 1 }, async (span) => {
      span.setAttribute("qualys.rows", 2);
      await client.car.listScriptTypes();
      return "done";
    });
    expect(result).toBe("done");
    const [outer] = named("export batch");
    expect(outer!.attributes).toEqual({ "qualys.batch": 1, "qualys.rows": 2 });
    expect(parentOf(named("car.listScriptTypes")[0]!)).toBe(outer!.spanContext().spanId);

    await expect(withSpan("failing", {}, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(named("failing")[0]!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: "Error: boom" });
  });
});
