/**
 * The idle limit inside a body, on both transports, straight at the transport: a server that goes
 * quiet fails the read with a typed TimeoutError naming the bytes received; a reader that is slow
 * (the socket held back by backpressure) is not a quiet server; 0 turns the limit off.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { TimeoutError } from "../../../src/runtime/errors/timeout-error.js";
import { fetchTransport } from "../../../src/runtime/pipeline.js";
import { undiciTransport } from "../../../src/runtime/transport/index.js";
import type { CallContext, Handler } from "../../../src/runtime/types.js";
import { chunked, head, startRawServer, writeApart } from "../../servers/raw-http-server.js";

let server: Awaited<ReturnType<typeof startRawServer>> | undefined;
const undici = undiciTransport();
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => undici.close());

const transports: [string, Handler][] = [
  ["undici", undici],
  ["fetch", fetchTransport],
];
const ctx = (bodyIdleTimeoutMs: number): CallContext => ({ module: "t", family: "vm", operationId: "listThings", idempotent: true, bodyIdleTimeoutMs });

async function readAll(response: Response, pauseMs = 0): Promise<Buffer> {
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const next = await reader.read();
    if (next.done) return Buffer.concat(chunks);
    chunks.push(next.value);
    if (pauseMs && chunks.length === 1) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

describe.each(transports)("%s transport", (_name, transport) => {
  it("fails a body silent for bodyIdleTimeoutMs with TimeoutError naming the operation and the bytes", async () => {
    server = await startRawServer((socket) => writeApart(socket, [head(200, { "Transfer-Encoding": "chunked" }), Buffer.from("5\r\nhello\r\n")]));
    const response = await transport(new Request(`${server.url}/x`), ctx(150));
    const err = await readAll(response).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ phase: "body", bytes: 5, timeoutMs: 150, operationId: "listThings" });
    expect((err as Error).message).toBe("listThings received no data for 150 ms while reading the answer (5 bytes of the body received).");
  });

  it("does not count the time a slow reader leaves the body unread", async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 120);
    server = await startRawServer((socket) => writeApart(socket, [head(200, { "Transfer-Encoding": "chunked" }), chunked(body, { chunkSize: 64 * 1024 })]));
    const response = await transport(new Request(`${server.url}/x`), ctx(150));
    // The whole body is on its way at once; the reader sits on it for 600 ms after the first chunk.
    const got = await readAll(response, 600);
    expect(got.length).toBe(body.length);
  });

  it("waits through a pause when the limit is 0", async () => {
    server = await startRawServer(async (socket) => {
      await writeApart(socket, [head(200, { "Transfer-Encoding": "chunked" }), Buffer.from("5\r\nhello\r\n")]);
      await new Promise((r) => setTimeout(r, 400));
      await writeApart(socket, [Buffer.from("6\r\n world\r\n0\r\n\r\n")]);
    });
    const response = await transport(new Request(`${server.url}/x`), ctx(0));
    expect((await readAll(response)).toString()).toBe("hello world");
  });
});

