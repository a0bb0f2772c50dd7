/**
 * WAS (QPS) paging and errors against a 127.0.0.1 stand-in that filters findings by the request's
 * criteria (`id GREATER`, `limitResults`, `startFromOffset`) as Qualys documents, through the
 * whole client: Basic auth and X-Requested-With on the API server, Accept: application/json.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createQualysClient, type QualysClient } from "../../../src/client.js";
import type { RecordedRequest } from "../../servers/json-server.js";
import { startScriptedServer, type ScriptedAnswer, type ScriptedServer } from "../../servers/scripted-server.js";
import { drain } from "../../support/drain.js";

let server: ScriptedServer | undefined;
let client: QualysClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = client = undefined;
});

type Criterion = { field: string; operator: string; value: string };
type Body = { ServiceRequest?: { preferences?: { limitResults?: number; startFromOffset?: number }; filters?: { Criteria?: Criterion[] } } };

/** Findings 1..n (ids 10, 20, …): what Qualys would answer for the request's criteria. */
function findingsServer(n: number, options: { omitHasMore?: boolean } = {}) {
  const all = Array.from({ length: n }, (_, i) => ({ id: (i + 1) * 10, qid: 150000 + i, severity: String((i % 5) + 1) }));
  return (req: RecordedRequest): ScriptedAnswer => {
    const { preferences = {}, filters = {} } = (req.body as Body).ServiceRequest ?? {};
    const limit = preferences.limitResults ?? 100;
    const after = (filters.Criteria ?? []).find((c) => c.field === "id" && c.operator === "GREATER");
    const matching = all.filter((f) => !after || f.id > Number(after.value));
    const start = (preferences.startFromOffset ?? 1) - 1;
    const slice = matching.slice(start, start + limit);
    const more = start + limit < matching.length;
    return {
      body: {
        ServiceResponse: {
          responseCode: "SUCCESS",
          count: slice.length,
          ...(options.omitHasMore ? {} : { hasMoreRecords: String(more) }),
          ...(more && { lastId: slice[slice.length - 1]!.id }),
          ...(slice.length && { data: slice.map((Finding) => ({ Finding })) }),
        },
      },
    };
  };
}

async function wasFor(script: Parameters<typeof startScriptedServer>[0]) {
  server = await startScriptedServer(script);
  client = createQualysClient({ credentials: { username: "acme_ab1", password: "s3cret" }, baseUrls: { was: server.url }, transport: "fetch" });
  return { server, was: client.was };
}


const since = { field: "lastDetectedDate", operator: "GREATER" as const, value: "2025-07-01T00:00:00Z" };

describe("WAS qpsLastId paging", () => {
  it("asks again with the caller's criteria plus id GREATER lastId until hasMoreRecords is \"false\", yielding the findings unwrapped", async () => {
    const { server, was } = await wasFor(findingsServer(7));
    const body = { ServiceRequest: { preferences: { limitResults: 3, verbose: true }, filters: { Criteria: [since] } } };
    const { got, error } = await drain(was.searchFindings.items({ body }));
    expect(error).toBeUndefined();
    expect(got.map((f) => f.id)).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(got[0]).toEqual({ id: 10, qid: 150000, severity: "1" });
    const criteria = server.requests.map((r) => (r.body as Body).ServiceRequest?.filters?.Criteria);
    expect(criteria).toEqual([[since], [since, { field: "id", operator: "GREATER", value: "30" }], [since, { field: "id", operator: "GREATER", value: "60" }]]);
    for (const r of server.requests) {
      expect(r.path).toBe("/qps/rest/3.0/search/was/finding");
      expect(r.headers.accept).toBe("application/json");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers.authorization).toBe(`Basic ${Buffer.from("acme_ab1:s3cret").toString("base64")}`);
      expect(r.headers["x-requested-with"]).toBeTruthy();
      expect((r.body as { ServiceRequest: { preferences: object } }).ServiceRequest.preferences).toEqual({ limitResults: 3, verbose: true });
    }
    expect(body.ServiceRequest.filters.Criteria).toEqual([since]); // the caller's body is left alone
  });

  it("pages by startFromOffset when the body sets it", async () => {
    const { server, was } = await wasFor(findingsServer(5));
    const { got } = await drain(was.searchFindings.items({ body: { ServiceRequest: { preferences: { limitResults: 2, startFromOffset: 1 } } } }));
    expect(got.map((f) => f.id)).toEqual([10, 20, 30, 40, 50]);
    expect(server.requests.map((r) => (r.body as Body).ServiceRequest?.preferences?.startFromOffset)).toEqual([1, 3, 5]);
    expect(server.requests.every((r) => !(r.body as Body).ServiceRequest?.filters)).toBe(true);
  });

  it("ends on both documented empty answers: count 0 with hasMoreRecords false and data [], and count 0 alone", async () => {
    const { was } = await wasFor([{ body: { ServiceResponse: { responseCode: "SUCCESS", count: 0, hasMoreRecords: "false", data: [] } } }]);
    expect(await drain(was.searchWebApps.items({}))).toEqual({ got: [] });
    await client?.close();
    await server?.close();
    const bare = await wasFor(findingsServer(0, { omitHasMore: true }));
    const pages = await drain(bare.was.searchFindings.pages({}));
    expect(pages.error).toBeUndefined();
    expect(pages.got).toEqual([{ ServiceResponse: { responseCode: "SUCCESS", count: 0 } }]);
  });

  it("stops with a PagingError when records come without hasMoreRecords, or lastId does not grow", async () => {
    const { was } = await wasFor(findingsServer(4, { omitHasMore: true }));
    const missing = await drain(was.searchFindings.items({ body: { ServiceRequest: { preferences: { limitResults: 2 } } } }));
    expect(missing.got).toEqual([]);
    expect(missing.error).toMatchObject({ name: "PagingError", problem: "bad-page", page: 1, message: expect.stringContaining('no "ServiceResponse.hasMoreRecords"') });
    await client?.close();
    await server?.close();
    const stuck = { ServiceResponse: { responseCode: "SUCCESS", count: 1, hasMoreRecords: true, lastId: 10, data: [{ WebApp: { id: 10 } }] } };
    const ignoring = await wasFor([{ body: stuck }]);
    const walk = await drain(ignoring.was.searchWebApps.items({}));
    expect(walk.got.map((w) => w.id)).toEqual([10, 10]);
    expect(walk.error).toMatchObject({ name: "PagingError", problem: "stalled", page: 2 });
  });

  it("refuses limitResults above 1000 before sending anything", async () => {
    const { server, was } = await wasFor(findingsServer(1));
    const { error } = await drain(was.searchScans.items({ body: { ServiceRequest: { preferences: { limitResults: 1001 } } } }));
    expect(error).toMatchObject({ name: "PagingError", problem: "usage", message: expect.stringContaining("at most 1000") });
    expect(server.requests).toHaveLength(0);
  });
});

describe("WAS errors under HTTP 200", () => {
  it("raises a ServiceResponse with responseCode other than SUCCESS as QualysApiError, with the resolution", async () => {
    const { was } = await wasFor([
      {
        body: {
          ServiceResponse: {
            responseCode: "INVALID_REQUEST",
            responseErrorDetails: { errorMessage: "Criteria: Invalid value format for criteria 'webApp.id' (abc123).", errorResolution: "Specify criteria value(s) as Long." },
          },
        },
      },
    ]);
    const failure = await was.countFindings({ body: { ServiceRequest: { filters: { Criteria: [{ field: "webApp.id", operator: "EQUALS", value: "abc123" }] } } } }).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      name: "QualysApiError",
      code: "INVALID_REQUEST",
      httpStatus: 200,
      operation: "countFindings",
      root: "ServiceResponse",
      text: "Criteria: Invalid value format for criteria 'webApp.id' (abc123).",
      resolution: "Specify criteria value(s) as Long.",
    });
  });

  it("raises an error met mid-walk, after the pages before it", async () => {
    let calls = 0;
    const { was } = await wasFor((req) => (++calls === 1 ? findingsServer(4)(req) : { body: { ServiceResponse: { responseCode: "UNAUTHORIZED", responseErrorDetails: { errorMessage: "You are not authorized to access the application through the API." } } } }));
    const { got, error } = await drain(was.searchFindings.items({ body: { ServiceRequest: { preferences: { limitResults: 2 } } } }));
    expect(got.map((f) => f.id)).toEqual([10, 20]);
    expect(error).toMatchObject({ name: "QualysApiError", code: "UNAUTHORIZED", message: expect.stringContaining("not authorized") });
  });

  it("names the code alone when no details come, and keeps the secret out of the message", async () => {
    const { was } = await wasFor([{ body: { ServiceResponse: { responseCode: "INVALID_CREDENTIALS" } } }]);
    const failure = (await was.getWebApp({ params: { path: { id: 1 } } }).catch((e: unknown) => e)) as Error;
    expect(failure).toMatchObject({ name: "QualysApiError", code: "INVALID_CREDENTIALS", text: "INVALID_CREDENTIALS" });
    expect(failure.message).not.toContain("s3cret");
  });
});
