/**
 * Integers past 2^53 in CSAM answers (`x-exact-integers`): parseExactJson keeps their digits as
 * text and everything else as JSON.parse gives it; through the client, a search page split into
 * small TCP writes (one inside a 19-digit id) hands the ids over exact, a 204 ends the walk, and
 * a body that is not JSON is an InvalidResponseError naming the operation.
 */
import { afterEach, describe, expect, it } from "vitest";
import { InvalidResponseError } from "../../src/errors.js";
import { parseExactJson } from "../../src/runtime/exact-json.js";
import { chunked, head, pieces, writeApart } from "../servers/raw-http-server.js";
import { clientOn, rawGateway } from "./pcrs/support.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("parseExactJson", () => {
  it("keeps integers past 2^53 as their digits and leaves everything else as JSON.parse reads it", () => {
    const text = `{"a":8464359598295418000,"b":-9223372036854775807,"c":9007199254740991,"d":12.5,"e":1e21,"f":"12345678901234567890","g":[9007199254740993,{"h":null,"i":true}],"j":1.0000000000000002}`;
    expect(parseExactJson(text)).toEqual({
      a: "8464359598295418000",
      b: "-9223372036854775807",
      c: 9007199254740991,
      d: 12.5,
      e: 1e21,
      f: "12345678901234567890",
      g: ["9007199254740993", { h: null, i: true }],
      j: 1.0000000000000002,
    });
    // What JSON.parse would have made of them: other numbers.
    expect(String(JSON.parse(text).b)).not.toBe("-9223372036854775807");
    expect(BigInt(JSON.parse("8464359598295418001"))).not.toBe(8464359598295418001n);
    expect(parseExactJson("[8464359598295418001]")).toEqual(["8464359598295418001"]);
  });

  it("is JSON.parse for every answer without such an integer", () => {
    for (const text of ['{"x":[1,2,{"y":"z \\u00e9"}],"n":-0.5}', "[]", '"s"', "123456789012345", ' {"k": 1} ']) expect(parseExactJson(text)).toEqual(JSON.parse(text));
  });

  it("refuses malformed or cut JSON with a SyntaxError, long digits or not", () => {
    for (const text of ['{"a":8464359598295418000', '{"a":8464359598295418000}}', "{a:1}", '{"a":12345678901234567', ""]) expect(() => parseExactJson(text), text).toThrow(SyntaxError);
  });
});

const asset = (id: number, softwareIds: string[]) => `{"assetId":${id},"softwareListData":{"software":[${softwareIds.map((s) => `{"id":${s},"fullName":"pkg ${s}"}`).join(",")}]}}`;

describe("CSAM answers through the client", () => {
  it("hands over 64-bit software ids exact from a page split into 7-byte TCP writes; 204 ends the walk", async () => {
    const ids = ["8464359598295418000", "8464359598295418001", "9223372036854775807", "1000000000001"];
    const page = Buffer.from(`{"responseCode":"SUCCESS","count":2,"hasMore":1,"lastSeenAssetId":2,"assetListData":{"asset":[${asset(1, ids.slice(0, 2))},${asset(2, ids.slice(2))}]}}`);
    const gw = await rawGateway(async (socket, request) => {
      if (request.path.includes("lastSeenAssetId=2")) return void socket.write(head(204, { "Content-Length": 0 }, "No Content"));
      await writeApart(socket, [head(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }), ...pieces(chunked(page, { chunkSize: 11 }), 7)]);
    });
    const client = clientOn(gw.url);
    close = async () => {
      await client.close();
      await gw.close();
    };
    const got = [];
    for await (const a of client.csam.searchAssets.items({ params: { query: { pageSize: 2 } } })) got.push(a);
    expect(got.map((a) => a.softwareListData?.software?.map((s) => s.id))).toEqual([ids.slice(0, 2), ["9223372036854775807", 1000000000001]]);
    expect(gw.requests.filter((r) => r.path.startsWith("/rest/")).length).toBe(2);
  });

  it("a 200 whose body is not JSON is an InvalidResponseError naming the operation", async () => {
    const body = Buffer.from("<html><body>Maintenance 12345678901234567</body></html>");
    const gw = await rawGateway((socket) => void socket.write(Buffer.concat([head(200, { "Content-Type": "text/html", "Content-Length": body.length }), body])));
    const client = clientOn(gw.url, { retry: { attempts: 1 } } as never);
    close = async () => {
      await client.close();
      await gw.close();
    };
    const err = await client.csam.searchAssets({ params: { query: { pageSize: 1 } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect((err as Error).message).toMatch(/^searchAssets answered with a body that is not the JSON its spec describes/);
  });
});
