/**
 * The CSAM gateway's limit signals as the scheduler sees them: `X-ConcurrencyLimit-Limit` (no
 * hyphen) caps calls in flight once learned, and a 429 with an empty body (no wait named) holds
 * every call of the API for the backoff, then the call goes out again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createCsamClient } from "../../../src/generated/csam/index.js";
import { compose } from "../../../src/runtime/pipeline.js";
import { blockedBy } from "../../../src/runtime/rate-limit/blocked.js";
import { createRateLimitLayers, MemoryRateLimitStore, type RateLimitInfo } from "../../../src/runtime/rate-limit/index.js";
import { startScriptedServer, type ScriptedServer } from "../../servers/scripted-server.js";

let server: ScriptedServer | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await server?.close();
  server = close = undefined;
});

const count = { count: 3, responseCode: "SUCCESS", responseMessage: "Valid API Access" };

describe("CSAM gateway limits", () => {
  it("knows an empty-bodied 429 as a block with no named wait", async () => {
    expect(await blockedBy(new Response(null, { status: 429 }), 0)).toEqual({ code: "429", waitMs: undefined });
    expect(await blockedBy(new Response("", { status: 429, headers: { "X-RateLimit-ToWait-Sec": "12" } }), 0)).toEqual({ code: "429", waitMs: 12_000 });
  });

  it("learns concurrency 1 from X-ConcurrencyLimit-Limit and then runs one call at a time", async () => {
    let running = 0;
    let most = 0;
    server = await startScriptedServer(() => ({ headers: { "X-ConcurrencyLimit-Limit": "1" }, body: count }));
    const url = server.url;
    const store = new MemoryRateLimitStore({ concurrency: 4 });
    const limits = createRateLimitLayers({ store, transport: "fetch" });
    close = limits.close;
    // A slow layer under the scheduler keeps each call in flight long enough to overlap.
    const slow = (next: Parameters<Parameters<typeof compose>[0][number]>[0]) => async (request: Request, ctx: Parameters<typeof next>[1]) => {
      running++;
      most = Math.max(most, running);
      try {
        await new Promise((r) => setTimeout(r, 30));
        return await next(request, ctx);
      } finally {
        running--;
      }
    };
    const csam = createCsamClient({ handler: compose([...limits.layers, slow], limits.transport), baseUrl: () => url });
    await csam.countAssets(); // the first answer teaches the limit
    expect(store.snapshot("gateway:csam.countAssets")?.concurrency).toBe(1);
    most = 0;
    await Promise.all(Array.from({ length: 4 }, () => csam.countAssets()));
    expect(most).toBe(1);
    expect(server.requests).toHaveLength(5);
  });

  it("holds the API after an empty 429 for the backoff, then sends the call again", async () => {
    server = await startScriptedServer([{ status: 429, body: "" }, { body: count }]);
    const url = server.url;
    const store = new MemoryRateLimitStore();
    const waits: RateLimitInfo[] = [];
    const limits = createRateLimitLayers({ store, transport: "fetch", blockedBackoffMs: 40, onRateLimit: (i) => waits.push(i) });
    close = limits.close;
    const csam = createCsamClient({ handler: compose(limits.layers, limits.transport), baseUrl: () => url });
    const started = Date.now();
    expect(await csam.countAssets({ body: { filters: [] } })).toEqual(count);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(waits).toEqual([expect.objectContaining({ code: "429", waitMs: 40, attempt: 1, operationId: "countAssets" })]);
    expect(store.snapshot("gateway:csam.countAssets")).toMatchObject({ holdCode: "429", inFlight: 0 });
    // The POST body went out again with the retry.
    expect(server.requests.map((r) => r.body)).toEqual([{ filters: [] }, { filters: [] }]);
  });
});
