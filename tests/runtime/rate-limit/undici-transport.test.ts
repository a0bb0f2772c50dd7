import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TimeoutError } from "../../../src/runtime/errors/timeout-error.js";
import { isNetworkError } from "../../../src/runtime/retry.js";
import { undiciTransport, whenBodyDone } from "../../../src/runtime/transport/index.js";
import type { CallContext } from "../../../src/runtime/types.js";

const ctx: CallContext = { module: "t", family: "gateway", idempotent: true };
const big = "x".repeat(2_000_000);
let url = "";
let seenEncoding: string | undefined;

const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  "/json": (req, res, body) => {
    res.writeHead(201, "Created", { "Content-Type": "application/json", "X-RateLimit-Remaining": "7", "Set-Cookie": ["a=1", "b=2"] });
    res.end(JSON.stringify({ method: req.method, body, header: req.headers["x-test"] }));
  },
  "/slow": (_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.write("first;");
    setTimeout(() => res.end("second"), 100);
  },
  "/big": (_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(big);
  },
  "/gzip": (req, res) => {
    seenEncoding = req.headers["accept-encoding"];
    res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
    res.end(gzipSync(JSON.stringify({ zipped: true })));
  },
  "/br-big": (_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Encoding": "br" });
    const compressed = brotliCompressSync(big);
    // In pieces, so the answer is still arriving when the transport hands it over.
    res.write(compressed.subarray(0, 100));
    setTimeout(() => res.end(compressed.subarray(100)), 20);
  },
  "/empty": (_req, res) => {
    res.writeHead(204);
    res.end();
  },
  "/hang": () => undefined,
};

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  routes[new URL(req.url!, "http://x").pathname]?.(req, res, Buffer.concat(chunks).toString());
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

async function withTransport<T>(fn: (t: ReturnType<typeof undiciTransport>) => Promise<T>): Promise<T> {
  const transport = undiciTransport();
  try {
    return await fn(transport);
  } finally {
    await transport.close();
  }
}

describe("undici transport", () => {
  it("answers like fetch: status, headers (repeated ones too), url, body read once", () =>
    withTransport(async (transport) => {
      const res = await transport(new Request(`${url}/json?q=1`, { method: "POST", body: "a=1", headers: { "X-Test": "yes" } }), ctx);
      expect(res).toBeInstanceOf(Response);
      expect([res.status, res.statusText, res.ok, res.url]).toEqual([201, "Created", true, `${url}/json?q=1`]);
      expect(res.headers.get("x-ratelimit-remaining")).toBe("7");
      expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
      const copy = res.clone();
      expect(res.bodyUsed).toBe(false);
      expect(await res.json()).toEqual({ method: "POST", body: "a=1", header: "yes" });
      expect(res.bodyUsed).toBe(true);
      await expect(res.text()).rejects.toThrow(TypeError);
      expect(new Uint8Array(await copy.arrayBuffer()).length).toBeGreaterThan(10);
    }));

  it("gives a readable body stream for answers received whole", () =>
    withTransport(async (transport) => {
      const res = await transport(new Request(`${url}/json`), ctx);
      const text = await new Response(res.body).text();
      expect(JSON.parse(text)).toMatchObject({ method: "GET" });
      expect(res.bodyUsed).toBe(true);
    }));

  it("streams a body that is still arriving, and stops it on abort", () =>
    withTransport(async (transport) => {
      const controller = new AbortController();
      const res = await transport(new Request(`${url}/slow`), { ...ctx, signal: controller.signal });
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe("first;");
      controller.abort(new Error("stop"));
      await expect(reader.read()).rejects.toThrow("stop");
    }));

  it("streams a large body whole, telling when it has been read", () =>
    withTransport(async (transport) => {
      const res = await transport(new Request(`${url}/big`), ctx);
      let done = 0;
      expect(whenBodyDone(res, () => done++)).toBe(true);
      expect(done).toBe(0);
      expect((await res.text()).length).toBe(big.length);
      expect(done).toBe(1);
    }));

  it("tells when a streamed body is cancelled", () =>
    withTransport(async (transport) => {
      const res = await transport(new Request(`${url}/slow`), ctx);
      let done = 0;
      whenBodyDone(res, () => done++);
      await res.body!.cancel();
      expect(done).toBe(1);
    }));

  it("asks for compression and decodes gzip and brotli, whole or streamed", () =>
    withTransport(async (transport) => {
      expect(await (await transport(new Request(`${url}/gzip`), ctx)).json()).toEqual({ zipped: true });
      expect(seenEncoding).toBe("gzip, deflate, br");
      const res = await transport(new Request(`${url}/br-big`), ctx);
      expect(await res.text()).toBe(big);
    }));

  it("answers 204 with no body", () =>
    withTransport(async (transport) => {
      const res = await transport(new Request(`${url}/empty`, { method: "DELETE" }), ctx);
      expect(res.status).toBe(204);
      expect(res.body).toBeNull();
    }));

  it("reports a refused connection as fetch does: a TypeError with the socket error as cause", () =>
    withTransport(async (transport) => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      const err = await transport(new Request(`http://127.0.0.1:${port}/`), ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toBe("fetch failed");
      expect((err as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
      expect(isNetworkError(err)).toBe(true);
    }));

  it("times out with TimeoutError when no headers come, and rejects at once on abort", () =>
    withTransport(async (transport) => {
      const err = await transport(new Request(`${url}/hang`), { ...ctx, operationId: "slowOp", timeoutMs: 30 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as Error).message).toBe("slowOp got no response within 30 ms.");
      const controller = new AbortController();
      const pending = transport(new Request(`${url}/hang`), { ...ctx, signal: controller.signal }).catch((e: unknown) => e);
      controller.abort(new Error("enough"));
      expect(await pending).toEqual(new Error("enough"));
      const before = new AbortController();
      before.abort(new Error("already"));
      expect(await transport(new Request(`${url}/json`), { ...ctx, signal: before.signal }).catch((e: unknown) => e)).toEqual(new Error("already"));
    }));
});
