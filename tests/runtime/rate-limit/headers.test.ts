import { describe, expect, it } from "vitest";
import { blockedBy } from "../../../src/runtime/rate-limit/blocked.js";
import { readLimits, retryAfterMs } from "../../../src/runtime/rate-limit/headers.js";

describe("limit headers", () => {
  it("reads every X-RateLimit and X-Concurrency header, whatever the case", () => {
    const headers = new Headers({
      "x-ratelimit-limit": "300",
      "X-RATELIMIT-WINDOW-SEC": "3600",
      "X-RateLimit-Remaining": "299",
      "X-RateLimit-ToWait-Sec": "0",
      "X-Concurrency-Limit-Limit": "2",
      "X-Concurrency-Limit-Running": "1",
    });
    expect(readLimits(headers)).toEqual({ limit: 300, windowSec: 3600, remaining: 299, toWaitSec: 0, concurrencyLimit: 2, running: 1 });
  });

  it("reads the concurrency headers spelled without the hyphen", () => {
    const headers = new Headers({ "X-ConcurrencyLimit-Limit": "3", "X-ConcurrencyLimit-Running": "2" });
    expect(readLimits(headers)).toMatchObject({ concurrencyLimit: 3, running: 2 });
  });

  it("ignores missing, blank and malformed values", () => {
    expect(readLimits(new Headers({ "X-RateLimit-Limit": "", "X-RateLimit-Remaining": "lots", "X-RateLimit-ToWait-Sec": "-1" }))).toEqual({
      limit: undefined,
      windowSec: undefined,
      remaining: undefined,
      toWaitSec: undefined,
      concurrencyLimit: undefined,
      running: undefined,
    });
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("Tue, 24 Nov 2026 10:00:00 GMT");
    expect(retryAfterMs(new Headers({ "Retry-After": "55" }), now)).toBe(55_000);
    expect(retryAfterMs(new Headers({ "Retry-After": "Tue, 24 Nov 2026 10:01:30 GMT" }), now)).toBe(90_000);
    expect(retryAfterMs(new Headers({ "Retry-After": "Tue, 24 Nov 2026 09:00:00 GMT" }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ "Retry-After": "soon" }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});

const simpleReturn = (code: string, text: string) =>
  `<?xml version="1.0" encoding="UTF-8" ?><SIMPLE_RETURN><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><CODE>${code}</CODE><TEXT>${text}</TEXT></RESPONSE></SIMPLE_RETURN>`;

describe("telling a blocked call from other answers", () => {
  it("takes 1965's wait from ToWait, else from its text", async () => {
    const withHeader = new Response(simpleReturn("1965", "This API cannot be run again for another 55 seconds."), { status: 409, headers: { "X-RateLimit-ToWait-Sec": "54" } });
    expect(await blockedBy(withHeader, 0)).toMatchObject({ code: "1965", waitMs: 54_000 });
    const textOnly = new Response(simpleReturn("1965", "This API cannot be run again for another 55 seconds."), { status: 409 });
    expect(await blockedBy(textOnly, 0)).toMatchObject({ code: "1965", waitMs: 55_000 });
  });

  it("knows 1960 and a 429 with Retry-After, and leaves the body readable", async () => {
    const busy = new Response(simpleReturn("1960", "This API cannot be run again until 2 currently running instances have finished."), { status: 409 });
    expect(await blockedBy(busy, 0)).toMatchObject({ code: "1960", waitMs: undefined });
    expect(await busy.text()).toContain("<CODE>1960</CODE>");
    const throttled = new Response('{"errorCode":"429"}', { status: 429, headers: { "Retry-After": "7" } });
    expect(await blockedBy(throttled, 0)).toEqual({ code: "429", waitMs: 7000 });
  });

  it("does not take other 409s or other statuses for blocks", async () => {
    expect(await blockedBy(new Response(simpleReturn("1907", "Conflict"), { status: 409 }), 0)).toBeUndefined();
    expect(await blockedBy(new Response("<html>409</html>", { status: 409 }), 0)).toBeUndefined();
    expect(await blockedBy(new Response(simpleReturn("1965", "x"), { status: 200 }), 0)).toBeUndefined();
  });
});
