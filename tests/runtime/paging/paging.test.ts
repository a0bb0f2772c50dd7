import { afterEach, describe, expect, it } from "vitest";
import { createCarClient } from "../../../src/generated/car/index.js";
import { createQflowClient } from "../../../src/generated/qflow/index.js";
import { PagingError } from "../../../src/runtime/errors/paging-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import type { Runtime } from "../../../src/runtime/runtime.js";
import { startJsonServer, type JsonRoute, type JsonServer } from "../../servers/json-server.js";

let server: JsonServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(route: JsonRoute): Promise<{ server: JsonServer; runtime: Runtime }> {
  server = await startJsonServer(route);
  const url = server.url;
  return { server, runtime: { handler: compose([], fetchTransport), baseUrl: () => url } };
}

const jobs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1), title: `job ${i + 1}` }));

/** CAR v1 search: pageNumber from 0 in the body, envelope {body: {totalCount, list}}. */
function carPages(all: { id: string }[]): JsonRoute {
  return ({ body }) => {
    const { pageNumber = 0, pageSize = 10 } = body as { pageNumber?: number; pageSize?: number };
    const list = all.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize);
    return { body: { errorCode: null, message: null, body: { totalCount: all.length, list } } };
  };
}

describe("CAR pageNumber paging", () => {
  it("walks every page, ending on the short last page", async () => {
    const { server, runtime } = await serve(carPages(jobs(25)));
    const car = createCarClient(runtime);
    const init = { body: { filter: "script.name:x", pageSize: 10 } };
    const ids: string[] = [];
    for await (const job of car.searchJobsV1.items(init)) ids.push(job.id!);
    expect(ids).toEqual(jobs(25).map((j) => j.id));
    expect(server.requests.map((r) => (r.body as { pageNumber: number }).pageNumber)).toEqual([0, 1, 2]);
    expect(server.requests.every((r) => (r.body as { filter: string }).filter === "script.name:x")).toBe(true);
    expect(init).toEqual({ body: { filter: "script.name:x", pageSize: 10 } });
  });

  it("stops after the page that reaches totalCount, without asking for an empty page", async () => {
    const { server, runtime } = await serve(carPages(jobs(20)));
    const pages = [];
    for await (const page of createCarClient(runtime).searchJobsV1.pages({ body: { pageSize: 10 } })) pages.push(page);
    expect(pages.map((p) => p.body?.list?.length)).toEqual([10, 10]);
    expect(server.requests).toHaveLength(2);
  });

  it("yields nothing for an empty first page", async () => {
    const { server, runtime } = await serve(carPages([]));
    const items = [];
    for await (const job of createCarClient(runtime).searchJobsV1.items({ body: {} })) items.push(job);
    expect(items).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toMatchObject({ pageNumber: 0, pageSize: 10 });
  });

  it("stops on an empty page even when totalCount promised more", async () => {
    const { server, runtime } = await serve(({ body }) => {
      const page = (body as { pageNumber: number }).pageNumber;
      return { body: { body: { totalCount: 50, list: page === 0 ? jobs(10) : [] } } };
    });
    const ids = [];
    for await (const job of createCarClient(runtime).searchJobsV1.items({ body: { pageSize: 10 } })) ids.push(job.id);
    expect(ids).toHaveLength(10);
    expect(server.requests).toHaveLength(2);
  });
});

describe("CAR searchAfter paging", () => {
  const TOTAL = 10_500;
  const records = Array.from({ length: TOTAL }, (_, i) => ({
    sortValues: [1_700_000_000_000 - i, String(100_000 - i)],
    data: { id: String(100_000 - i), title: `job ${i}` },
  }));

  it("walks past 10,000 records, sending each page's last sortValues as the next searchAfter", async () => {
    const cursors: unknown[] = [];
    const { server, runtime } = await serve(({ body }) => {
      const b = body as { pageSize: number; searchAfter?: unknown[]; pageNumber?: number; sort?: unknown };
      if (b.pageNumber !== undefined) return { status: 400, body: { errorCode: "400", message: "use searchAfter" } };
      if (!b.sort) return { status: 400, body: { errorCode: "400", message: "sort required" } };
      cursors.push(b.searchAfter);
      const start = b.searchAfter
        ? records.findIndex((r) => JSON.stringify(r.sortValues) === JSON.stringify(b.searchAfter)) + 1
        : 0;
      if (b.searchAfter && start === 0) return { status: 400, body: { errorCode: "400", message: "unknown cursor" } };
      return { body: { errorCode: null, message: null, body: { totalCount: TOTAL, list: records.slice(start, start + b.pageSize) } } };
    });
    const seen = new Set<string>();
    for await (const item of createCarClient(runtime).searchJobs.items({
      body: { sort: [{ "created.dateTime": "desc" }, { id: "desc" }], pageSize: 1000 },
    })) {
      seen.add(item.data.id!);
    }
    expect(seen.size).toBe(TOTAL);
    expect(server.requests).toHaveLength(11);
    expect(cursors[0]).toBeUndefined();
    for (let page = 1; page < 11; page++) expect(cursors[page]).toEqual(records[page * 1000 - 1]!.sortValues);
  });

  it("refuses to page without a sort", async () => {
    const { server, runtime } = await serve(() => ({ body: {} }));
    const walk = async () => {
      for await (const _ of createCarClient(runtime).searchJobs.items({ body: { pageSize: 10 } as never })) void _;
    };
    await expect(walk()).rejects.toThrow(PagingError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("QFlow pageNumber paging", () => {
  const items = Array.from({ length: 7 }, (_, i) => ({ id: `wf-${i + 1}` }));

  it("pages from 1 with query parameters", async () => {
    const { server, runtime } = await serve(({ query }) => {
      const page = Number(query.get("pageNumber"));
      const size = Number(query.get("pageSize"));
      return { body: { total: items.length, items: items.slice((page - 1) * size, page * size) } };
    });
    const ids = [];
    for await (const wf of createQflowClient(runtime).listWorkflows.items({ params: { query: { pageSize: 3, pageNumber: 1 } } })) {
      ids.push(wf.id);
    }
    expect(ids).toEqual(items.map((i) => i.id));
    expect(server.requests.map((r) => r.query.get("pageNumber"))).toEqual(["1", "2", "3"]);
  });

  it("asks for a page size, since Qualys documents no default", async () => {
    const { runtime } = await serve(() => ({ body: { total: 0, items: [] } }));
    const walk = async () => {
      for await (const _ of createQflowClient(runtime).listWorkflows.items({ params: { query: {} } } as never)) void _;
    };
    await expect(walk()).rejects.toThrow(/pageSize/);
  });
});

describe("bad answers on gateway calls", () => {
  it("turns a 200 HTML page into InvalidResponseError and a 500 into HttpError naming the operation", async () => {
    const { createServer } = await import("node:http");
    const { InvalidResponseError } = await import("../../../src/runtime/errors/invalid-response-error.js");
    const { HttpError } = await import("../../../src/runtime/errors/http-error.js");
    const html = createServer((req, res) => {
      req.resume();
      res.writeHead(req.url?.includes("script-types") ? 200 : 500, { "Content-Type": "text/html" });
      res.end("<html><body>Maintenance</body></html>");
    });
    await new Promise<void>((r) => html.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(html.address() as import("node:net").AddressInfo).port}`;
    try {
      const car = createCarClient({ handler: compose([], fetchTransport), baseUrl: () => url });
      const bad = await car.listScriptTypes().catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(InvalidResponseError);
      expect((bad as Error).message).toMatch(/^listScriptTypes answered with a body that is not the JSON/);
      const down = await car.listScriptLanguages().catch((e: unknown) => e);
      expect(down).toBeInstanceOf(HttpError);
      expect((down as Error).message).toBe("listScriptLanguages failed: HTTP 500 Internal Server Error — the server answered with an HTML page, not the API format");
    } finally {
      html.close();
    }
  });
});
