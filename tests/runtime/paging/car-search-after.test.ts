import { afterEach, describe, expect, it } from "vitest";
import { createCarClient } from "../../../src/generated/car/index.js";
import { PagingError } from "../../../src/runtime/errors/paging-error.js";
import { unwrapData } from "../../../src/runtime/paging/index.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import { carJobs, startCarPagesServer, WINDOW, type CarPagesOptions, type CarPagesServer } from "../../servers/car-pages-server.js";
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

const sort: Record<string, "asc" | "desc">[] = [{ "created.dateTime": "desc" }, { id: "desc" }];

describe("CAR sort + searchAfter paging", () => {
  it("walks 10,500 records past the 10,000 window, each request's searchAfter being the previous page's last sortValues", async () => {
    const records = carJobs(10_500);
    const { server, car } = await carFor({ records });
    const got: unknown[] = [];
    for await (const item of car.searchJobs.items({ body: { filter: "script.name:x", sort, pageSize: 1000 } })) got.push(item);
    expect(records.length).toBeGreaterThan(WINDOW);
    // items() yields the wrappers exactly as listed: each record once, in order, with its cursor.
    expect(got).toEqual(records);
    const bodies = server.bodies();
    expect(bodies).toHaveLength(11);
    expect(bodies[0]).toEqual({ filter: "script.name:x", sort, pageSize: 1000 });
    for (let page = 1; page < bodies.length; page++) {
      expect(bodies[page]).toEqual({ filter: "script.name:x", sort, pageSize: 1000, searchAfter: records[page * 1000 - 1]!.sortValues });
    }
  });

  it("accepts sort as a string holding a JSON list, as one CAR sample sends it, and passes it through untouched", async () => {
    const { server, car } = await carFor({ records: carJobs(25) });
    const textSort = '[{"created.dateTime":"desc"},{"id":"desc"}]';
    const { got, error } = await drain(car.searchJobs.items({ body: { sort: textSort, pageSize: 10 } as never }));
    expect(error).toBeUndefined();
    expect(got).toHaveLength(25);
    expect(server.bodies().map((b) => b.sort)).toEqual([textSort, textSort, textSort]);
  });

  it("refuses to walk without a sort (missing, empty list, empty string, \"[]\") before sending anything", async () => {
    const { server, car } = await carFor({ records: carJobs(5) });
    for (const body of [{ pageSize: 10 }, { sort: [] }, { sort: "" }, { sort: " [] " }, { sort: null }]) {
      const { error } = await drain(car.searchJobs.items({ body } as never));
      expect(error).toBeInstanceOf(PagingError);
      expect(error).toMatchObject({ problem: "usage" });
      expect((error as Error).message).toMatch(/needs a "sort"/);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("does not stop at a totalCount capped at 10,000 while more records exist", async () => {
    const records = carJobs(10_500);
    const { server, car } = await carFor({ records, totalCount: (n) => Math.min(n, WINDOW) });
    const { got, error } = await drain(car.searchJobs.items({ body: { sort, pageSize: 1000 } }));
    expect(error).toBeUndefined();
    expect(got.map((i) => i.data.id)).toEqual(records.map((r) => r.data.id));
    expect(server.requests).toHaveLength(11);
  });

  it("confirms the end with one more request when totalCount is reached on a full page", async () => {
    const { server, car } = await carFor({ records: carJobs(30) });
    const pages = (await drain(car.searchJobs.pages({ body: { sort, pageSize: 10 } }))).got;
    expect(pages.map((p) => p.body!.list!.length)).toEqual([10, 10, 10]);
    expect(server.requests).toHaveLength(4);
  });

  it("resumes from the caller's searchAfter", async () => {
    const records = carJobs(25);
    const { server, car } = await carFor({ records });
    const { got } = await drain(car.searchJobs.items({ body: { sort, pageSize: 10, searchAfter: [...records[9]!.sortValues] } }));
    expect(got.map((i) => i.data.id)).toEqual(records.slice(10).map((r) => r.data.id));
    expect(server.bodies()[0]!.searchAfter).toEqual(records[9]!.sortValues);
  });

  it("throws an incomplete PagingError when the listing ends short of totalCount (a sort without a unique key skips records)", async () => {
    const { car } = await carFor({ records: carJobs(30), skipAfterCursor: 3 });
    const { got, error } = await drain(car.searchJobs.items({ body: { sort: [{ "created.dateTime": "desc" }], pageSize: 10 } }));
    expect(got).toHaveLength(24);
    expect(error).toMatchObject({ name: "PagingError", problem: "incomplete", received: 24, expected: 30 });
    expect((error as Error).message).toMatch(/unique key/);
  });

  it("stops with a stalled PagingError, yielding no page twice, when the server ignores searchAfter", async () => {
    const { server, car } = await carFor({ records: carJobs(30), ignoreSearchAfter: true });
    const { got, error } = await drain(car.searchJobs.items({ body: { sort, pageSize: 10 } }));
    expect(got).toHaveLength(10);
    expect(error).toMatchObject({ name: "PagingError", problem: "stalled", page: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it("unwrapData yields the records inside the {sortValues, data} wrappers", async () => {
    const records = carJobs(12);
    const { car } = await carFor({ records });
    const jobs = (await drain(unwrapData(car.searchJobs.items({ body: { sort, pageSize: 5 } })))).got;
    expect(jobs).toEqual(records.map((r) => r.data));
    const { error } = await drain(unwrapData((async function* () { yield { sortValues: [1] }; })()));
    expect(error).toMatchObject({ name: "PagingError", problem: "bad-page" });
  });
});
