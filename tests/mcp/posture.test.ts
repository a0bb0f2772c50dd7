/**
 * PCRS posture through `qualys mcp`: postureInfo answers one JSON array of unbounded size (spec
 * `x-stream`). A tool call answers the records that fit its size limit and a cursor for the ones
 * after them, reading the stream only that far: against the tenant (gzip, as PCRS sends it by
 * default) a walk sees every record once, and against a server whose array never ends the call
 * still answers and the download is stopped.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { recordStreamTools } from "../../src/mcp/record-stream.js";
import { expectedHostIds, expectedPosture, startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { head, startRawServer } from "../servers/raw-http-server.js";
import { fakeJwt, json, root, startMcp, text, type McpSession } from "./support.js";

interface Page {
  items: Record<string, unknown>[];
  count: number;
  cursor?: string;
  last?: boolean;
  note?: string;
}

const POSTURE = "/pcrs/5.0/posture/postureInfo";
let session: McpSession | undefined;
let tenant: Tenant | undefined;
let raw: Awaited<ReturnType<typeof startRawServer>> | undefined;
afterEach(async () => {
  await session?.close();
  await tenant?.close();
  await raw?.close();
  session = tenant = raw = undefined;
});

describe("pcrs_getPostureInfo answers one page of a streamed posture", () => {
  it("walks the tenant's gzip posture page by page: every record once, each answer within the limit, one postureInfo call per page", async () => {
    const options = { hosts: 20, detectionsPerHost: 1, kbSize: 20, seed: 12, controlsPerPolicy: 4 };
    tenant = await startTenant(options);
    session = await startMcp(["--modules", "pcrs", "--max-chars", "8000"], {
      QUALYS_USERNAME: tenant.credentials.username,
      QUALYS_PASSWORD: tenant.credentials.password,
      QUALYS_API_URL: tenant.url,
      QUALYS_GATEWAY_URL: tenant.gatewayUrl,
    });
    const model = new TenantModel(options);
    const policyId = model.pc
      .policyDefs()
      .slice(0, 2)
      .map((p) => p.id)
      .join(",");
    const hostIds = await session.call("pcrs_resolveHostIds", { policyId });
    expect(hostIds.isError, text(hostIds)).toBeFalsy();
    const body = json<unknown[]>(hostIds);
    expect(body).toEqual(expectedHostIds(model, { policyId }));

    const want = expectedPosture(model, body, { evidenceRequired: 1 });
    expect(want.length).toBeGreaterThan(30);
    const pages: Page[] = [];
    let result = await session.call("pcrs_getPostureInfo", { body, evidenceRequired: 1 });
    for (;;) {
      expect(result.isError, text(result)).toBeFalsy();
      const answer = (result.content[0] as { text: string }).text;
      expect(answer.length).toBeLessThanOrEqual(8000);
      const page = JSON.parse(answer) as Page;
      pages.push(page);
      if (!page.cursor) break;
      expect(page.note).toMatch(/records shown \(answer size limit; the rest of the answer was not read\); the cursor continues with the records after them/);
      expect(pages.length).toBeLessThan(200);
      result = await session.call("pcrs_getPostureInfo", { cursor: page.cursor });
    }
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.at(-1)!.last).toBe(true);
    expect(pages.flatMap((p) => p.items)).toEqual(JSON.parse(JSON.stringify(want)));
    expect(tenant.stats.byPath[POSTURE]!.calls).toBe(pages.length);
  }, 90_000);

  it("answers from an array that never ends, and stops its download", async () => {
    const MAX = 200_000;
    const record = (i: number) => JSON.stringify({ id: i, hostId: 1000 + i, policyId: 7, controlId: i % 50, status: "Passed" });
    let written = 0;
    let ended = false;
    raw = await startRawServer(async (socket) => {
      socket.on("close", () => (ended = true));
      socket.write(head(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }));
      let open = "[";
      // Records in chunks of 100, each write awaited: a client that stops reading stalls the writer, one that cancels closes the socket.
      for (let n = 0; !socket.destroyed && written < MAX; n += 100) {
        const data = Buffer.from(open + Array.from({ length: 100 }, (_, k) => record(n + k)).join(",") + ",");
        open = "";
        written += 100;
        await new Promise<void>((resolve) => socket.write(Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from("\r\n")]), () => resolve()));
      }
      if (!socket.destroyed) socket.end(Buffer.from(`3\r\n{}]\r\n0\r\n\r\n`));
    });
    session = await startMcp(["--modules", "pcrs", "--max-chars", "3000"], { QUALYS_TOKEN: fakeJwt(), QUALYS_GATEWAY_URL: raw.url, QUALYS_API_URL: raw.url });
    const result = await session.call("pcrs_getPostureInfo", { body: [{ policyId: "7", hostIds: ["1001"] }], compressionRequired: 0 });
    expect(result.isError, text(result)).toBeFalsy();
    const page = json<Page>(result);
    expect(page.count).toBeGreaterThan(10);
    expect(page.items.map((r) => r.id)).toEqual(Array.from({ length: page.count }, (_, i) => i));
    expect(page.cursor).toBeTruthy();
    await vi.waitFor(() => expect(ended).toBe(true), { timeout: 20_000, interval: 50 });
    expect(written).toBeLessThan(MAX);

    // The next page asks again and continues after the records shown.
    const next = json<Page>(await session.call("pcrs_getPostureInfo", { cursor: page.cursor }));
    expect(next.items[0]!.id).toBe(page.count);
    expect(raw.requests.map((r) => r.path)).toEqual([`${POSTURE}?compressionRequired=0`, `${POSTURE}?compressionRequired=0`]);
  });

  it("lists the tool as paged: it takes a cursor, and says so", async () => {
    raw = await startRawServer(() => undefined);
    session = await startMcp(["--modules", "pcrs"], { QUALYS_TOKEN: fakeJwt(), QUALYS_GATEWAY_URL: raw.url, QUALYS_API_URL: raw.url });
    const { tools } = await session.client.listTools();
    for (const name of ["pcrs_getPostureInfo", "pcrs_getPostureInfoV4"]) {
      const tool = tools.find((t) => t.name === name)!;
      expect(tool.inputSchema.properties, name).toHaveProperty("cursor");
      expect(tool.inputSchema.properties, name).toHaveProperty("body");
      expect(tool.description, name).toMatch(/Answers the records that fit one answer, with `cursor` for the ones after them/);
    }
  });
});

describe("record streams", () => {
  it("every x-stream operation of the specs is read as records by its tool", () => {
    const config = parse(readFileSync(join(root, "redocly.yaml"), "utf8")) as { apis: Record<string, { root: string }> };
    const streamed: string[] = [];
    for (const [module, { root: file }] of Object.entries(config.apis)) {
      const doc = parse(readFileSync(join(root, file), "utf8")) as { paths: Record<string, Record<string, { operationId?: string; "x-stream"?: boolean }>> };
      for (const item of Object.values(doc.paths)) for (const op of Object.values(item)) if (op && typeof op === "object" && op["x-stream"] === true) streamed.push(`${module}_${op.operationId}`);
    }
    expect(streamed.length).toBeGreaterThan(0);
    expect([...recordStreamTools].sort()).toEqual(streamed.sort());
  });
});
