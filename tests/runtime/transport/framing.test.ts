/**
 * The default (undici) transport against every way a server may frame an answer on the wire:
 * the chunk-size line, the data and the CRLFs split across TCP writes at every offset, headers
 * apart from the body, chunk extensions, trailers, Content-Length bodies and gzip bodies in
 * pieces. The body read must equal what was sent, and a VM detection walk through the client
 * must return every host.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQualysClient } from "../../../src/client.js";
import { undiciTransport } from "../../../src/runtime/transport/index.js";
import type { CallContext } from "../../../src/runtime/types.js";
import { chunked, head, pieces, splitAt, startRawServer, writeApart, type ChunkedOptions } from "../../servers/raw-http-server.js";
import { detectionPage } from "../../servers/vm-pages-server.js";

const ctx: CallContext = { module: "t", family: "vm", idempotent: true };
const small = Buffer.from("<R><A>héllo</A><B>chunked world, ünïcode</B></R>\n");
const HOSTS = 60;
const page = Buffer.from(detectionPage(Array.from({ length: HOSTS }, (_, i) => i + 1)));

/** A whole answer on the wire (head and body) for `body`, framed one way. */
type Framing = (body: Buffer) => Buffer;
const asChunked =
  (options: ChunkedOptions, gzip = false): Framing =>
  (body) =>
    Buffer.concat([
      head(200, { "Content-Type": "text/xml", "Transfer-Encoding": "chunked", ...(gzip ? { "Content-Encoding": "gzip" } : {}), ...(options.trailers ? { Trailer: Object.keys(options.trailers).join(", ") } : {}) }),
      chunked(gzip ? gzipSync(body) : body, options),
    ]);
const withLength =
  (gzip = false): Framing =>
  (body) => {
    const bytes = gzip ? gzipSync(body) : body;
    return Buffer.concat([head(200, { "Content-Type": "text/xml", "Content-Length": bytes.length, ...(gzip ? { "Content-Encoding": "gzip" } : {}) }), bytes]);
  };

const framings: Record<string, Framing> = {
  "chunked": asChunked({ chunkSize: 5 }),
  "chunked, chunk extensions": asChunked({ chunkSize: 7, extension: ';name="quoted;value";flag' }),
  "chunked, trailers": asChunked({ chunkSize: 6, trailers: { "X-Checksum": "abc123", "X-Count": "2" } }),
  "chunked, upper-case zero-padded sizes": asChunked({ chunkSize: 11, upperHex: true }),
  "chunked gzip": asChunked({ chunkSize: 9 }, true),
  "Content-Length": withLength(),
  "Content-Length gzip": withLength(true),
};

/** How the server cuts the wire bytes into TCP writes, from the request path. */
type Cut = { kind: "at"; at: number } | { kind: "every"; size: number } | { kind: "head-apart"; gapMs: number };
let server: Awaited<ReturnType<typeof startRawServer>>;
let body = small;
let framing: Framing = framings["chunked"]!;
let cut: Cut = { kind: "at", at: 1 };

beforeAll(async () => {
  server = await startRawServer(async (socket) => {
    const wire = framing(body);
    if (cut.kind === "at") return writeApart(socket, splitAt(wire, [cut.at]), 0);
    if (cut.kind === "every") return writeApart(socket, pieces(wire, cut.size), 0);
    const end = wire.indexOf("\r\n\r\n") + 4;
    return writeApart(socket, [wire.subarray(0, end), wire.subarray(end)], cut.gapMs);
  });
});
const transport = undiciTransport();
afterAll(async () => {
  await transport.close();
  await server.close();
});

async function read(): Promise<Buffer> {
  const response = await transport(new Request(`${server.url}/body`), ctx);
  return Buffer.from(await response.arrayBuffer());
}

describe.each(Object.entries(framings))("%s", (_name, frame) => {
  it("reads the whole body with the answer split in two TCP writes at every offset", async () => {
    framing = frame;
    body = small;
    const length = frame(small).length;
    for (let at = 1; at < length; at++) {
      cut = { kind: "at", at };
      expect((await read()).equals(small), `split at ${at} of ${length}`).toBe(true);
    }
  }, 120_000);

  it("reads the whole body sent one byte per write, and with the headers 50 ms ahead of the body", async () => {
    framing = frame;
    body = small;
    cut = { kind: "every", size: 1 };
    expect((await read()).equals(small)).toBe(true);
    cut = { kind: "head-apart", gapMs: 50 };
    expect((await read()).equals(small)).toBe(true);
  });

  it("walks every host of vm listHostDetections through the client, the page cut in 97-byte writes", async () => {
    framing = frame;
    body = page;
    cut = { kind: "every", size: 97 };
    const qualys = createQualysClient({ baseUrls: { vm: server.url }, credentials: { username: "u", password: "p" }, timeoutMs: 10_000 });
    try {
      const ids: number[] = [];
      for await (const host of qualys.vm.listHostDetections({})) ids.push(host.id!);
      expect(ids).toEqual(Array.from({ length: HOSTS }, (_, i) => i + 1));
    } finally {
      await qualys.close();
    }
  });
});
