/**
 * QFlow's execution list reaches back 30 days (1.18): an older `startAt` is moved up to the
 * limit, once per walk so every page asks for the same window, with one warning; a window that
 * ends before the limit is refused before sending. Against a 127.0.0.1 server.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createQflowClient } from "../../../src/generated/qflow/index.js";
import { InvalidParameterError } from "../../../src/runtime/errors/invalid-parameter-error.js";
import { MAX_AGE_MARGIN_MS } from "../../../src/runtime/max-age.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import type { DeprecationWarningInfo } from "../../../src/runtime/runtime.js";
import type { JsonServer } from "../../servers/json-server.js";
import { startQflowPagesServer } from "../../servers/qflow-pages-server.js";

let server: JsonServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const DAY = 86_400_000;
const runs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `ex-${i + 1}` }));

async function qflowWith(warnings: DeprecationWarningInfo[]) {
  server = await startQflowPagesServer({ workflows: [{ id: "wf-1" }], executions: { "wf-1": runs(5) } });
  const url = server.url;
  return { server, qflow: createQflowClient({ handler: compose([], fetchTransport), baseUrl: () => url, onWarning: (w) => warnings.push(w) }) };
}

describe("QFlow execution list startAt", () => {
  it("moves a startAt older than 30 days up to the limit, the same on every page, and says so once", async () => {
    const warnings: DeprecationWarningInfo[] = [];
    const { server, qflow } = await qflowWith(warnings);
    const asked = new Date(Date.now() - 60 * DAY).toISOString();
    const before = Date.now();
    const ids: string[] = [];
    for await (const ex of qflow.listWorkflowExecutions.items({ params: { path: { workflowId: "wf-1" }, query: { pageSize: 2, pageNumber: 1, startAt: asked } } })) ids.push((ex as { id: string }).id);
    const after = Date.now();
    expect(ids).toEqual(runs(5).map((r) => r.id));
    const sent = server.requests.map((r) => r.query.get("startAt")!);
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(1);
    const at = Date.parse(sent[0]!);
    expect(at).toBeGreaterThanOrEqual(before - 30 * DAY + MAX_AGE_MARGIN_MS);
    expect(at).toBeLessThanOrEqual(after - 30 * DAY + MAX_AGE_MARGIN_MS);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe(`qualys-ts: qflow.listWorkflowExecutions.startAt ${asked} is more than 30 days back, the furthest qflow reaches: sent ${sent[0]} instead (nothing older can be fetched).`);
    // Once per process: a second call is moved as well, without another warning.
    await qflow.listWorkflowExecutions({ params: { path: { workflowId: "wf-1" }, query: { pageSize: 2, pageNumber: 1, startAt: asked } } });
    expect(Date.parse(server.requests.at(-1)!.query.get("startAt")!)).toBeGreaterThan(Date.parse(asked));
    expect(warnings).toHaveLength(1);
  });

  it("sends a startAt within 30 days as it is, and leaves other operations' startAt alone", async () => {
    const warnings: DeprecationWarningInfo[] = [];
    const { server, qflow } = await qflowWith(warnings);
    const recent = new Date(Date.now() - 10 * DAY).toISOString();
    await qflow.listWorkflowExecutions({ params: { path: { workflowId: "wf-1" }, query: { pageSize: 2, pageNumber: 1, startAt: recent } } });
    const old = new Date(Date.now() - 400 * DAY).toISOString();
    await qflow.listWorkflows({ params: { query: { pageSize: 2, pageNumber: 1, startAt: old } } });
    expect(server.requests.map((r) => r.query.get("startAt"))).toEqual([recent, old]);
    expect(warnings).toEqual([]);
  });

  it("refuses a window that ends before the limit, and a startAt that is no date, before sending", async () => {
    const { server, qflow } = await qflowWith([]);
    const query = { pageSize: 2, pageNumber: 1, startAt: new Date(Date.now() - 90 * DAY).toISOString(), endAt: new Date(Date.now() - 45 * DAY).toISOString() };
    const error = await qflow.listWorkflowExecutions({ params: { path: { workflowId: "wf-1" }, query } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as Error).message).toMatch(/^listWorkflowExecutions: parameter startAt and endAt end before .*: qflow keeps only the last 30 days reachable, so nothing in that window can be fetched$/);
    expect(() => qflow.listWorkflowExecutions.pages({ params: { path: { workflowId: "wf-1" }, query } })).toThrow(InvalidParameterError);
    await expect(qflow.listWorkflowExecutions({ params: { path: { workflowId: "wf-1" }, query: { pageSize: 2, pageNumber: 1, startAt: "last tuesday" } } })).rejects.toThrow(/parameter startAt is not a date-time/);
    expect(server.requests).toHaveLength(0);
  });
});
