/**
 * `qualys mcp` as an MCP client sees it: the tools it lists are the specs' operations (read from
 * specs/*.yaml here, not from the generated table), a listing and a SQL question answer against
 * the Prism mock and an export database, and writes are hidden or refused unless allowed and
 * confirmed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProtocolError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { openDatabase } from "../../src/db/open.js";
import { fillExportDatabase } from "../support/export-db.js";
import { startScriptedServer, type ScriptedServer } from "../servers/scripted-server.js";
import { json, root, startMcp, text, type McpSession } from "./support.js";

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
const DB_TOOLS = ["db_assets_by_os", "db_host_open_detections", "db_open_detections_by_severity", "db_pc_pass_rate", "db_query", "db_time_to_fix", "db_top_qids", "db_was_findings_by_severity"];

interface SpecOperation {
  operationId?: string;
  security?: unknown[];
  "x-idempotent"?: boolean;
  "x-actions"?: { function: string; idempotent: boolean }[];
}

/** Every operation of every spec in redocly.yaml as `<module>_<name>`, with whether it only reads; the auth endpoints (no security) left out. */
function specOperations(): { name: string; read: boolean }[] {
  const config = parse(readFileSync(join(root, "redocly.yaml"), "utf8")) as { apis: Record<string, { root: string }> };
  const out: { name: string; read: boolean }[] = [];
  for (const [module, { root: file }] of Object.entries(config.apis)) {
    const doc = parse(readFileSync(join(root, file), "utf8")) as { security?: unknown[]; paths: Record<string, Record<string, SpecOperation>> };
    for (const item of Object.values(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op || (op.security ?? doc.security ?? []).length === 0) continue;
        if (module.startsWith("vm")) {
          for (const action of op["x-actions"] ?? []) out.push({ name: `${module}_${action.function}`, read: action.idempotent });
        } else {
          out.push({ name: `${module}_${op.operationId}`, read: method === "get" || method === "head" || (op["x-idempotent"] === true && method === "post") });
        }
      }
    }
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), "qualys-ts-mcp-"));
const dbUrl = `sqlite:${join(dir, "export.db")}`;
let session: McpSession;

beforeAll(async () => {
  const db = await openDatabase(dbUrl);
  await fillExportDatabase(db, { hosts: 60, detectionsPerHost: 6, qids: 40, runs: 2, asOf: "2026-01-01T00:00:00Z", seed: 3 });
  await db.close();
  session = await startMcp(["--mock", "--db", dbUrl], { QUALYS_MOCK_URLS: JSON.stringify(inject("prismUrls")) });
}, 60_000);

afterAll(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("qualys mcp --mock --db", () => {
  it("lists one tool per read operation of the specs, plus the database tools", async () => {
    const { tools } = await session.client.listTools();
    const reads = specOperations().filter((o) => o.read).map((o) => o.name);
    expect(reads.length).toBeGreaterThan(40);
    // Every spec of redocly.yaml: PCRS's reads (its posture POSTs are x-idempotent) among them.
    for (const name of ["pcrs_getPolicyList", "pcrs_resolveHostIds", "pcrs_getPostureInfo"]) expect(reads, name).toContain(name);
    expect(tools.map((t) => t.name).sort()).toEqual([...reads, ...DB_TOOLS].sort());
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.description, tool.name).toBeTruthy();
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
    }
    // The description is the spec's summary; the input schema its parameters and body.
    const jobs = tools.find((t) => t.name === "car_searchJobs")!;
    expect(jobs.description).toContain("Search script jobs with sort + searchAfter");
    expect(Object.keys(jobs.inputSchema.properties ?? {})).toEqual(["body", "cursor"]);
    const hosts = tools.find((t) => t.name === "vm_listHosts")!;
    expect(hosts.inputSchema.properties).toHaveProperty("truncation_limit");
    expect(hosts.inputSchema.properties).not.toHaveProperty("action");
    expect(session.stderr()).toMatch(/serving \d+ tools over stdio \(reads only/);
  });

  it("answers a listing: one page of records as JSON", async () => {
    const result = await session.call("was_searchFindings", { body: { ServiceRequest: { preferences: { limitResults: 10 } } } });
    expect(result.isError).toBeFalsy();
    const page = json<{ items: { id: number; name: string }[]; count: number; last?: boolean }>(result);
    expect(page.count).toBe(page.items.length);
    expect(page.items.length).toBeGreaterThan(0);
    // QPS items come unwrapped from {"Finding": {...}}.
    expect(page.items[0]).toMatchObject({ id: expect.any(Number), name: expect.any(String) });
    expect(page.last).toBe(true);

    const detections = json<{ items: { id: number; detectionList?: unknown[] }[] }>(await session.call("vm_listHostDetections", {}));
    expect(detections.items.length).toBeGreaterThan(0);
    expect(detections.items[0]!.detectionList?.length).toBeGreaterThan(0);
  });

  it("answers a SQL question from the export database", async () => {
    const result = await session.call("db_query", { sql: "SELECT severity, COUNT(*) AS n FROM open_detections GROUP BY severity ORDER BY severity DESC" });
    expect(result.isError).toBeFalsy();
    const db = await openDatabase(dbUrl, { readonly: true });
    const expected = await db.all("SELECT severity, COUNT(*) AS n FROM open_detections GROUP BY severity ORDER BY severity DESC");
    await db.close();
    expect(expected.length).toBeGreaterThan(1);
    expect(json(result)).toEqual({ rows: expected, rowCount: expected.length });
  });

  it("does not list a write, and refuses to call it", async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name)).not.toContain("vm_purgeHosts");
    const call = session.call("vm_purgeHosts", { ids: "1", confirm: true });
    await expect(call).rejects.toBeInstanceOf(ProtocolError);
    await expect(call).rejects.toThrow(/changes data in Qualys: the server lists such tools only when started with --allow-writes/);
  });

  it("refuses arguments its input schema does not allow, naming what is wrong", async () => {
    const result = await session.call("vm_listHosts", { truncation_limit: "many" });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/invalid arguments for vm_listHosts: .*truncation_limit.*integer/);
    const typo = await session.call("vm_listHosts", { truncation_limt: 5 });
    expect(text(typo)).toMatch(/additional properties/);
  });
});

describe("qualys mcp --allow-writes", () => {
  let server: ScriptedServer;
  let writes: McpSession;
  beforeAll(async () => {
    server = await startScriptedServer(() => ({
      status: 200,
      headers: { "Content-Type": "text/xml" },
      body: `<?xml version="1.0" encoding="UTF-8" ?><SIMPLE_RETURN><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><TEXT>Hosts queued for purging</TEXT></RESPONSE></SIMPLE_RETURN>`,
    }));
    writes = await startMcp(["--allow-writes", "--modules", "vm"], { QUALYS_USERNAME: "acme2ab12", QUALYS_PASSWORD: "Sup3r-Secret!", QUALYS_API_URL: server.url, QUALYS_GATEWAY_URL: server.url });
  }, 60_000);
  afterAll(async () => {
    await writes?.close();
    await server?.close();
  });

  it("lists the module's writes too, marked destructive", async () => {
    const { tools } = await writes.client.listTools();
    const all = specOperations().filter((o) => o.name.startsWith("vm_")).map((o) => o.name);
    expect(tools.map((t) => t.name).sort()).toEqual(all.sort());
    const purge = tools.find((t) => t.name === "vm_purgeHosts")!;
    expect(purge.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(purge.inputSchema.required).toContain("confirm");
    expect(writes.stderr()).toMatch(/reads and writes/);
  });

  it("refuses a write without confirm: true, sending nothing, and runs it once confirmed", async () => {
    for (const args of [{ ids: "1-5" }, { ids: "1-5", confirm: false }, { ids: "1-5", confirm: "yes" }]) {
      const refused = await writes.call("vm_purgeHosts", args);
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/changes data in Qualys and was not run: .*"confirm": true/);
    }
    expect(server.requests).toHaveLength(0);

    const done = await writes.call("vm_purgeHosts", { ids: "1-5", confirm: true });
    expect(done.isError).toBeFalsy();
    expect(JSON.stringify(json(done))).toContain("Hosts queued for purging");
    expect(server.requests).toHaveLength(1);
    const form = new URLSearchParams(String(server.requests[0]!.body));
    expect(Object.fromEntries(form)).toEqual({ ids: "1-5", action: "purge" });
  });
});

describe("qualys mcp --modules", () => {
  it("serves only the named modules", async () => {
    const s = await startMcp(["--mock", "--modules", "car,was"], { QUALYS_MOCK_URLS: JSON.stringify(inject("prismUrls")) });
    try {
      const { tools } = await s.client.listTools();
      const names = tools.map((t) => t.name);
      expect(names.length).toBeGreaterThan(10);
      expect(names.every((n) => n.startsWith("car_") || n.startsWith("was_"))).toBe(true);
      expect(names).toContain("was_searchWebApps");
    } finally {
      await s.close();
    }
  }, 60_000);

  it("refuses an unknown module at start", async () => {
    await expect(startMcp(["--mock", "--modules", "car,nope"], { QUALYS_MOCK_URLS: JSON.stringify(inject("prismUrls")) })).rejects.toThrow(/unknown module nope \(known: .*car.*vm/);
  }, 60_000);
});

describe("protocol eras", () => {
  it("serves a 2026-07-28 client (server/discover, no initialize) the same tools and answers", async () => {
    const s = await startMcp(["--mock", "--modules", "car,was"], { QUALYS_MOCK_URLS: JSON.stringify(inject("prismUrls")) }, { era: "modern" });
    try {
      expect(s.client.getProtocolEra()).toBe("modern");
      const { tools } = await s.client.listTools();
      const reads = specOperations().filter((o) => o.read && (o.name.startsWith("car_") || o.name.startsWith("was_"))).map((o) => o.name);
      expect(tools.map((t) => t.name).sort()).toEqual(reads.sort());
      const page = json<{ items: unknown[]; count: number }>(await s.call("was_searchFindings", { body: { ServiceRequest: { preferences: { limitResults: 10 } } } }));
      expect(page.count).toBe(page.items.length);
      expect(page.count).toBeGreaterThan(0);
      const refused = await s.call("was_searchFindings", { body: "not an object" });
      expect(text(refused)).toMatch(/invalid arguments for was_searchFindings: /);
      await expect(s.call("vm_listHosts", {})).rejects.toThrow(/Unknown tool: vm_listHosts \(module vm is not among the served modules\)/);
    } finally {
      await s.close();
    }
  }, 60_000);
});
