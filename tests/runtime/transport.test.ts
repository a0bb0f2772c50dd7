import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { undiciTransport } from "../../src/runtime/transport.js";
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
