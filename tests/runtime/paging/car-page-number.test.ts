import { afterEach, describe, expect, it } from "vitest";
import { createCarClient } from "../../../src/generated/car/index.js";
import { HttpError } from "../../../src/runtime/errors/http-error.js";
import { PagingError } from "../../../src/runtime/errors/paging-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import { carJobs, startCarPagesServer, type CarPagesOptions, type CarPagesServer } from "../../servers/car-pages-server.js";
import { drain } from "../../support/drain.js";

let server: CarPagesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function carFor(options: CarPagesOptions) {
  server = await startCarPagesServer(options);
  const url = server.url;
  return { server, car: createCarClient({ handler: compose([], fetchTransport), baseUrl: () => url }) };
}

const ids = (n: number, from = 0) => carJobs(from + n).slice(from).map((r) => r.data.id);

describe("CAR pageNumber paging (from 0, in the JSON body)", () => {
  it("returns every record once, in order, over several pages ending on a short one, leaving the caller's init alone", async () => {
    const { server, car } = await carFor({ records: carJobs(25) });
    const init = Object.freeze({ body: Object.freeze({ filter: "script.name:x", pageSize: 10 }) });
    const got: string[] = [];
    for await (const job of car.searchJobsV1.items(init)) got.push(job.id!);
    expect(got).toEqual(ids(25));
    expect(server.bodies()).toEqual([0, 1, 2].map((pageNumber) => ({ filter: "script.name:x", pageSize: 10, pageNumber })));
    expect(init).toEqual({ body: { filter: "script.name:x", pageSize: 10 } });
  });

  it("stops on the full page that reaches totalCount, without asking for another", async () => {
    const { server, car } = await carFor({ records: carJobs(20) });
    const sizes: number[] = [];
    for await (const page of car.searchJobsV1.pages({ body: { pageSize: 10 } })) sizes.push(page.body!.list!.length);
    expect(sizes).toEqual([10, 10]);
    expect(server.requests).toHaveLength(2);
  });

  it("yields no items for an empty first page, and pages() still shows that answer with its total", async () => {
    const { server, car } = await carFor({ records: [] });
    expect((await drain(car.searchJobsV1.items({ body: {} }))).got).toEqual([]);
    const pages = (await drain(car.searchJobsV1.pages({ body: {} }))).got;
    expect(pages).toEqual([{ errorCode: null, message: null, body: { totalCount: 0, list: [] } }]);
    // One request each; the spec's default page size (10) is sent when the caller gives none.
    expect(server.bodies()).toEqual([{ pageNumber: 0, pageSize: 10 }, { pageNumber: 0, pageSize: 10 }]);
  });

  it("starts from the caller's pageNumber and still stops at the total", async () => {
    const { server, car } = await carFor({ records: carJobs(35) });
    const { got, error } = await drain(car.searchJobsV1.items({ body: { pageSize: 10, pageNumber: 2 } }));
    expect(error).toBeUndefined();
    expect(got.map((j) => j.id)).toEqual(ids(15, 20));
    expect(server.bodies().map((b) => b.pageNumber)).toEqual([2, 3]);
  });

  it("throws an incomplete PagingError, after yielding what came, when a short page leaves totalCount unreached", async () => {
    // The server sends at most 8 records whatever pageSize says: going on by page number would skip records.
    const { server, car } = await carFor({ records: carJobs(30), maxPageSize: 8 });
    const { got, error } = await drain(car.searchJobsV1.items({ body: { pageSize: 10 } }));
    expect(got.map((j) => j.id)).toEqual(ids(8));
    expect(error).toBeInstanceOf(PagingError);
    expect(error).toMatchObject({ problem: "incomplete", page: 1, received: 8, expected: 30 });
    expect((error as Error).message).toMatch(/may cap "pageSize" below 10/);
    expect(server.requests).toHaveLength(1);
  });

  it("throws an incomplete PagingError when an empty page comes before totalCount", async () => {
    const { server, car } = await carFor({ records: carJobs(20), totalCount: () => 50 });
    const { got, error } = await drain(car.searchJobsV1.items({ body: { pageSize: 10 } }));
    expect(got).toHaveLength(20);
    expect(error).toMatchObject({ name: "PagingError", problem: "incomplete", page: 3, received: 20, expected: 50 });
    expect(server.requests).toHaveLength(3);
  });

  it("stops with a stalled PagingError, yielding no duplicates, when the server ignores pageNumber", async () => {
    const { server, car } = await carFor({ records: carJobs(30), ignorePageNumber: true, totalCount: () => 1_000 });
    const { got, error } = await drain(car.searchJobsV1.items({ body: { pageSize: 10 } }));
    expect(got.map((j) => j.id)).toEqual(ids(10));
    expect(error).toMatchObject({ name: "PagingError", problem: "stalled", page: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it("does not take an error envelope sent with HTTP 200 for an empty listing", async () => {
    const { car } = await carFor({ records: carJobs(5), errorUnder200: "Invalid filter" });
    const { got, error } = await drain(car.searchJobsV1.items({ body: { filter: "nonsense" } }));
    expect(got).toEqual([]);
    expect(error).toMatchObject({ name: "PagingError", problem: "bad-page", page: 1 });
    expect((error as Error).message).toMatch(/no "body\.list" list and no "body\.totalCount".*Invalid filter/);
  });

  it("lets the server's refusal past 10,000 records through as an HttpError (searchAfter is the way past it)", async () => {
    const { server, car } = await carFor({ records: carJobs(10_500) });
    const { got, error } = await drain(car.searchJobsV1.items({ body: { pageSize: 1000 } }));
    expect(got).toHaveLength(10_000);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400 });
    expect(server.requests).toHaveLength(11);
  });

  it("refuses a page size or number that is not a usable integer, before sending anything", async () => {
    const { server, car } = await carFor({ records: carJobs(5) });
    for (const body of [{ pageSize: 0 }, { pageSize: -5 }, { pageSize: 2.5 }, { pageSize: "ten" }, { pageNumber: -1 }]) {
      const { error } = await drain(car.searchJobsV1.items({ body } as never));
      expect(error).toMatchObject({ name: "PagingError", problem: "usage" });
    }
    expect(server.requests).toHaveLength(0);
  });

  it("stops between pages once the caller's signal aborts, with the signal's reason", async () => {
    const { server, car } = await carFor({ records: carJobs(30) });
    const controller = new AbortController();
    const got: string[] = [];
    const walk = async () => {
      for await (const job of car.searchJobsV1.items({ body: { pageSize: 10 }, signal: controller.signal })) {
        got.push(job.id!);
        if (got.length === 10) controller.abort(new Error("enough"));
      }
    };
    await expect(walk()).rejects.toThrow("enough");
    expect(got).toHaveLength(10);
    expect(server.requests).toHaveLength(1);
  });
});
