import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { undiciTransport } from "../../src/runtime/transport/index.js";
import type { CallContext } from "../../src/runtime/types.js";

const ctx: CallContext = { module: "t", family: "gateway", idempotent: true };
let url = "";
const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (req.url === "/slow") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.write("first;");
    return setTimeout(() => res.end("second"), 300);
  }
  res.writeHead(201, { "Content-Type": "application/json", "X-RateLimit-Remaining": "7", "Set-Cookie": ["a=1", "b=2"] });
  res.end(JSON.stringify({ method: req.method, body: Buffer.concat(chunks).toString(), header: req.headers["x-test"] }));
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("undici transport", () => {
  it("answers like fetch: status, headers (repeated ones too) and body", async () => {
    const transport = undiciTransport();
    const res = await transport(new Request(`${url}/x`, { method: "POST", body: "a=1", headers: { "X-Test": "yes" } }), ctx);
    expect(res.status).toBe(201);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("7");
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await res.json()).toEqual({ method: "POST", body: "a=1", header: "yes" });
    await transport.close();
  });

  it("streams the body and stops on abort", async () => {
    const transport = undiciTransport();
    const controller = new AbortController();
    const res = await transport(new Request(`${url}/slow`), { ...ctx, signal: controller.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("first;");
    controller.abort(new Error("stop"));
    await expect(reader.read()).rejects.toThrow();
    await transport.close();
  });
});

describe("timeouts in the transports", () => {
  it.each(["undici", "fetch"] as const)("%s: no headers within ctx.timeoutMs is a TimeoutError naming the operation", async (kind) => {
    const { fetchTransport } = await import("../../src/runtime/pipeline.js");
    const { TimeoutError } = await import("../../src/runtime/errors/timeout-error.js");
    const slow = createServer((req, res) => {
      req.resume();
      setTimeout(() => res.end("late"), 400);
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const undici = undiciTransport();
    const transport = kind === "undici" ? undici : fetchTransport;
    try {
      const err = await transport(new Request(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/`), { ...ctx, operationId: "slowOp", timeoutMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as Error).message).toBe("slowOp got no response within 50 ms.");
    } finally {
      await undici.close();
      slow.closeAllConnections();
      slow.close();
    }
  });
});
