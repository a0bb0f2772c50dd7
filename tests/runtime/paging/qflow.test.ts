import { afterEach, describe, expect, it } from "vitest";
import { createQflowClient } from "../../../src/generated/qflow/index.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import type { JsonServer } from "../../servers/json-server.js";
import { startQflowPagesServer, type QflowPagesOptions } from "../../servers/qflow-pages-server.js";

let server: JsonServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function qflowFor(options: QflowPagesOptions) {
  server = await startQflowPagesServer(options);
  const url = server.url;
  return { server, qflow: createQflowClient({ handler: compose([], fetchTransport), baseUrl: () => url }) };
}

const workflows = (n: number, prefix = "wf") => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i + 1}` }));

describe("QFlow pageNumber paging (from 1, in the query)", () => {
  it("returns every item once, in order, from page 1, keeping the caller's other query parameters", async () => {
    const { server, qflow } = await qflowFor({ workflows: workflows(7) });
    const ids: string[] = [];
    for await (const wf of qflow.listWorkflows.items({ params: { query: { pageSize: 3, pageNumber: 1, query: "qflow.name: x" } } })) {
      ids.push(wf.id!);
    }
    expect(ids).toEqual(workflows(7).map((w) => w.id));
    expect(server.requests.map((r) => Object.fromEntries(r.query))).toEqual(
      ["1", "2", "3"].map((pageNumber) => ({ pageSize: "3", pageNumber, query: "qflow.name: x" })),
    );
  });

  it("starts from page 1 when the caller gives no pageNumber, and stops on the full page that reaches total", async () => {
    const { server, qflow } = await qflowFor({ workflows: workflows(6) });
    const pages = [];
    for await (const page of qflow.listWorkflows.pages({ params: { query: { pageSize: 3 } } } as never)) pages.push(page);
    expect(pages).toEqual([
      { total: 6, items: workflows(6).slice(0, 3) },
      { total: 6, items: workflows(6).slice(3) },
    ]);
    expect(server.requests.map((r) => r.query.get("pageNumber"))).toEqual(["1", "2"]);
  });

  it("keeps path parameters on every page", async () => {
    const { server, qflow } = await qflowFor({ workflows: [], executions: { "wf-9": workflows(5, "ex") } });
    const ids: string[] = [];
    const init = { params: { path: { workflowId: "wf-9" }, query: { pageSize: 2, pageNumber: 1 } } };
    for await (const ex of qflow.listWorkflowExecutions.items(init)) ids.push((ex as { id: string }).id);
    expect(ids).toEqual(["ex-1", "ex-2", "ex-3", "ex-4", "ex-5"]);
    expect(server.requests.map((r) => r.path)).toEqual(Array(3).fill("/qflowapi/v1/workflows/wf-9/executions"));
    expect(init.params.query).toEqual({ pageSize: 2, pageNumber: 1 });
  });

  it("asks for a page size, since Qualys documents no default, before sending anything", async () => {
    const { server, qflow } = await qflowFor({ workflows: workflows(2) });
    const walk = async () => {
      for await (const _ of qflow.listWorkflows.items({ params: { query: {} } } as never)) void _;
    };
    await expect(walk()).rejects.toMatchObject({ name: "PagingError", problem: "usage", message: expect.stringMatching(/pageSize/) });
    expect(server.requests).toHaveLength(0);
  });
});
