/**
 * Streamed posture through the client against a gateway on a raw socket: gzip (with or without
 * Content-Encoding) and plain JSON split at arbitrary TCP boundaries, records handed over before
 * the body ends, and every way the body can go wrong, each a typed error saying how far it got.
 */
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { AuthenticationError } from "../../../src/runtime/errors/authentication-error.js";
import { JsonStreamError } from "../../../src/runtime/errors/json-stream-error.js";
import { NetworkError } from "../../../src/runtime/errors/network-error.js";
import { chunked, head, reset, splitAt, writeApart } from "../../servers/raw-http-server.js";
import { drain } from "../../support/drain.js";
import { random } from "../../support/export-data.js";
import { clientOn, postureArray, postureJson, postureRecord, rawGateway, SLICE } from "./support.js";

type Gateway = Awaited<ReturnType<typeof rawGateway>>;
let gateway: Gateway | undefined;
let client: ReturnType<typeof clientOn> | undefined;
afterEach(async () => {
  await client?.close();
  await gateway?.close();
  client = gateway = undefined;
});

const RECORDS = 60;
const expected = Array.from({ length: RECORDS }, (_, i) => postureRecord(i + 1, 300));
const json = postureArray(RECORDS, 300);

async function walk(framing: Buffer, seed: number, query: Record<string, number> = {}) {
  const rng = random(seed);
  const offsets = Array.from({ length: 40 }, () => Math.floor(rng() * framing.length)).sort((a, b) => a - b);
  gateway = await rawGateway((socket) => writeApart(socket, splitAt(framing, offsets)));
  client = clientOn(gateway.url);
  return drain(client.pcrs.postureInfo({ slices: SLICE, query }));
}

describe("posture info: the body, whatever its framing", () => {
  const gz = gzipSync(json);
  const framings: Record<string, Buffer> = {
    "gzip without Content-Encoding, Content-Length": Buffer.concat([head(200, { "Content-Type": "application/json", "Content-Length": gz.length }), gz]),
    "gzip without Content-Encoding, chunked": Buffer.concat([head(200, { "Content-Type": "application/octet-stream", "Transfer-Encoding": "chunked" }), chunked(gz, { chunkSize: 7 })]),
    "gzip with Content-Encoding (the transport decodes it)": Buffer.concat([head(200, { "Content-Type": "application/json", "Content-Encoding": "gzip", "Transfer-Encoding": "chunked" }), chunked(gz, { chunkSize: 11 })]),
    "gzip inside Content-Encoding gzip (decoded twice)": Buffer.concat([head(200, { "Content-Type": "application/json", "Content-Encoding": "gzip", "Content-Length": gzipSync(gz).length }), gzipSync(gz)]),
    "plain JSON, chunked": Buffer.concat([head(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }), chunked(json, { chunkSize: 5 })]),
  };
  for (const [name, framing] of Object.entries(framings)) {
    for (const seed of [1, 2, 3]) {
      it(`${name}, cut at 40 random places (seed ${seed}): every record, ids past 2^53 exact`, async () => {
        const { got, error } = await walk(framing, seed);
        expect(error).toBeUndefined();
        expect(got).toEqual(expected);
        expect(got[4]!.id).toBe("9007199254740998");
        expect(got[0]!.id).toBe(23_006_235_046);
      });
    }
  }

  it("sends the slices as the JSON array body and the flags as the query", async () => {
    const { error } = await walk(framings["plain JSON, chunked"]!, 4, { evidenceRequired: 1, compressionRequired: 0 });
    expect(error).toBeUndefined();
    const call = gateway!.requests.find((r) => r.path.startsWith("/pcrs/"))!;
    expect(call.method).toBe("POST");
    expect(call.path).toBe("/pcrs/5.0/posture/postureInfo?evidenceRequired=1&compressionRequired=0");
    expect(JSON.parse(call.body.toString())).toEqual(SLICE);
    expect(call.headers["content-type"]).toMatch(/^application\/json/);
  });

  it("hands out the first records while the rest of the body is held back", async () => {
    // Two gzip members: one file to any gunzip, and the first decodes on its own.
    const firstPart = gzipSync(`[${Array.from({ length: 5 }, (_, i) => postureJson(i + 1)).join(",")},`);
    const rest = gzipSync(`${Array.from({ length: 5 }, (_, i) => postureJson(i + 6)).join(",")}]`);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    gateway = await rawGateway(async (socket) => {
      socket.write(head(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }));
      socket.write(chunked(firstPart, { chunkSize: 1 << 20 }).subarray(0, -5)); // without the last-chunk marker
      await released;
      socket.write(chunked(rest, { chunkSize: 1 << 20 }));
    });
    client = clientOn(gateway.url);
    const seen: unknown[] = [];
    for await (const record of client.pcrs.postureInfo({ slices: SLICE })) {
      seen.push(record);
      if (seen.length === 5) release();
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => postureRecord(i + 1)));
  });
});

describe("posture info: a body that goes wrong", () => {
  it("a reset mid-body is a NetworkError naming the bytes and the records received", async () => {
    const firstPart = gzipSync(`[${Array.from({ length: 7 }, (_, i) => postureJson(i + 1)).join(",")},`);
    let release!: () => void;
    const consumed = new Promise<void>((resolve) => (release = resolve));
    gateway = await rawGateway(async (socket) => {
      socket.write(Buffer.concat([head(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }), chunked(firstPart, { chunkSize: 1 << 20 }).subarray(0, -5)]));
      await consumed;
      reset(socket);
    });
    client = clientOn(gateway.url);
    const got: unknown[] = [];
    let error: unknown;
    try {
      for await (const record of client.pcrs.postureInfo({ slices: SLICE })) {
        got.push(record);
        if (got.length === 7) release();
      }
    } catch (err) {
      error = err;
    }
    expect(got).toHaveLength(7);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ phase: "body", records: 7, operationId: "getPostureInfo" });
    expect((error as NetworkError).bytes).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/7 records handed over/);
  });

  it("gzip cut short inside a complete HTTP message is a JsonStreamError truncated-gzip, after the records it held", async () => {
    const gz = gzipSync(json);
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const { got, error } = await walk(Buffer.concat([head(200, { "Content-Type": "application/json", "Content-Length": cut.length }), cut]), 5);
    expect(error).toBeInstanceOf(JsonStreamError);
    expect(error).toMatchObject({ problem: "truncated-gzip", records: got.length });
    expect(got.length).toBeGreaterThan(10);
    expect(got).toEqual(expected.slice(0, got.length));
  });

  it("gzip with Content-Encoding cut short: the transport's NetworkError, with the records received", async () => {
    const gz = gzipSync(json);
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const { got, error } = await walk(Buffer.concat([head(200, { "Content-Type": "application/json", "Content-Encoding": "gzip", "Content-Length": cut.length }), cut]), 6);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ phase: "body", records: got.length });
    expect(got).toEqual(expected.slice(0, got.length));
  });

  it("corrupt gzip is a JsonStreamError corrupt-gzip", async () => {
    const gz = Buffer.from(gzipSync(json));
    gz.writeUInt16BE(gz.readUInt16BE(30) ^ 0xffff, 30);
    const { error } = await walk(Buffer.concat([head(200, { "Content-Length": gz.length }), gz]), 7);
    expect(error).toBeInstanceOf(JsonStreamError);
    expect((error as JsonStreamError).problem).toMatch(/gzip/);
  });

  it("JSON that stops before its closing bracket is a JsonStreamError truncated-json", async () => {
    const cut = json.subarray(0, json.indexOf("},\n", json.length / 2) + 3);
    const { got, error } = await walk(Buffer.concat([head(200, { "Content-Type": "application/json", "Content-Length": cut.length }), cut]), 8);
    expect(error).toBeInstanceOf(JsonStreamError);
    expect(error).toMatchObject({ problem: "truncated-json", records: got.length, bytes: cut.length });
    expect(got).toEqual(expected.slice(0, got.length));
  });

  it("an HTML page with HTTP 200 is a JsonStreamError naming its title", async () => {
    const page = Buffer.from("<!DOCTYPE html><html><head><title>Qualys - Maintenance</title></head><body>Back soon</body></html>");
    const { got, error } = await walk(Buffer.concat([head(200, { "Content-Type": "text/html", "Content-Length": page.length }), page]), 9);
    expect(got).toEqual([]);
    expect(error).toBeInstanceOf(JsonStreamError);
    expect(error).toMatchObject({ problem: "html" });
    expect((error as Error).message).toContain("Qualys - Maintenance");
  });

  it("an error object with HTTP 200 is a JsonStreamError quoting its message", async () => {
    const body = Buffer.from('{"message":"Invalid input Parameter."}');
    const { error } = await walk(Buffer.concat([head(200, { "Content-Type": "application/json", "Content-Length": body.length }), body]), 10);
    expect(error).toMatchObject({ name: "JsonStreamError", problem: "not-array" });
    expect((error as Error).message).toContain("Invalid input Parameter.");
  });

  it("204 is no posture: no records, no error", async () => {
    const { got, error } = await walk(head(204, {}, "No Content"), 11);
    expect(error).toBeUndefined();
    expect(got).toEqual([]);
  });

  it("an empty chunked 200 body is a JsonStreamError empty (Splunk's InvalidChunkLength case)", async () => {
    const { error } = await walk(Buffer.concat([head(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }), Buffer.from("0\r\n\r\n")]), 12);
    expect(error).toBeInstanceOf(JsonStreamError);
    expect(error).toMatchObject({ problem: "empty", bytes: 0, records: 0 });
  });
});

describe("posture info: auth and limits", () => {
  const ok = (body: Buffer) => Buffer.concat([head(200, { "Content-Type": "application/json", "Content-Length": body.length, "X-RateLimit-Limit": 25, "X-RateLimit-Window-Sec": 60, "X-RateLimit-Remaining": 24, "X-RateLimit-ToWait-Sec": 0 }), body]);

  it("401 JWT expired: fetches a new token once and replays the same request", async () => {
    const expired = Buffer.from('{"status":401,"error":"Unauthorized","message":"JWT expired"}');
    gateway = await rawGateway((socket, _request, _call, token) =>
      void socket.write(token === 1 ? Buffer.concat([head(401, { "Content-Type": "application/json", "Content-Length": expired.length }, "Unauthorized"), expired]) : ok(gzipSync(postureArray(3)))),
    );
    client = clientOn(gateway.url);
    const { got, error } = await drain(client.pcrs.postureInfo({ slices: SLICE }));
    expect(error).toBeUndefined();
    expect(got).toHaveLength(3);
    expect(gateway.issued()).toBe(2);
    const calls = gateway.requests.filter((r) => r.path.startsWith("/pcrs/"));
    expect(calls).toHaveLength(2);
    expect(calls[1]!.body.toString()).toBe(calls[0]!.body.toString());
  });

  it("401 again with the fresh token is an AuthenticationError (a subscription without PC)", async () => {
    const body = Buffer.from('{"status":401,"error":"Unauthorized","message":"Not authenticated"}');
    gateway = await rawGateway((socket) => void socket.write(Buffer.concat([head(401, { "Content-Type": "application/json", "Content-Length": body.length }, "Unauthorized"), body])));
    client = clientOn(gateway.url);
    const { error } = await drain(client.pcrs.postureInfo({ slices: SLICE }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain("Not authenticated");
    expect((error as Error).message).not.toContain("pa55-Word!");
  });

  it("429: waits as X-RateLimit-ToWait-Sec says, then sends again", async () => {
    gateway = await rawGateway((socket, _request, call) =>
      void socket.write(
        call === 1
          ? head(429, { "Content-Length": 0, "X-RateLimit-Limit": 25, "X-RateLimit-Window-Sec": 60, "X-RateLimit-Remaining": 0, "X-RateLimit-ToWait-Sec": 0.05 }, "Too Many Requests")
          : ok(gzipSync(postureArray(2))),
      ),
    );
    const blocks: { code: string; waitMs: number }[] = [];
    client = clientOn(gateway.url, { hooks: { onRateLimit: (info) => blocks.push({ code: info.code, waitMs: info.waitMs }) } });
    const { got, error } = await drain(client.pcrs.postureInfo({ slices: SLICE }));
    expect(error).toBeUndefined();
    expect(got).toHaveLength(2);
    expect(blocks).toEqual([{ code: "429", waitMs: 50 }]);
  });
});
