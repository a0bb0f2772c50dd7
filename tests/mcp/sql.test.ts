/**
 * The database tools of `qualys mcp --db` on SQLite and on a real PostgreSQL: writes refused by
 * the engine (and the export unchanged after), one statement per call, a runaway statement
 * stopped by the timeout with the next one still answered, the row limit, and the named
 * questions equal to the figures computed independently from the generated rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { fillExportDatabase } from "../support/export-db.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { ExportRows, oracle } from "../support/report-oracle.js";
import { json, startMcp, text, type McpSession } from "./support.js";

const asOf = "2026-03-01T00:00:00Z";
const data = { hosts: 120, detectionsPerHost: 8, qids: 70, runs: 3, asOf, seed: 9 };
/** A statement that never ends on its own. */
const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) AS n FROM c";

interface Rows {
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated?: boolean;
  note?: string;
  sql?: string;
}

async function count(url: string, table: string): Promise<number> {
  const db = await openDatabase(url, { readonly: true });
  try {
    return Number((await db.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
  } finally {
    await db.close();
  }
}

/** The checks both engines must pass; `refusal` is how each engine words a refused write. */
function databaseTools(engine: string, setup: () => Promise<{ url: string; rows: ExportRows; stop?: () => Promise<void> }>, refusal: RegExp) {
  describe(`database tools on ${engine}`, () => {
    let url: string;
    let rows: ExportRows;
    let stop: (() => Promise<void>) | undefined;
    let mcp: McpSession;
    beforeAll(async () => {
      ({ url, rows, stop } = await setup());
      mcp = await startMcp(["--db-only", "--db", url, "--sql-timeout", "1500", "--max-rows", "50"]);
    }, 180_000);
    afterAll(async () => {
      await mcp?.close();
      await stop?.();
    });

    it("serves the database tools alone, without Qualys credentials", async () => {
      const { tools } = await mcp.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(["db_assets_by_os", "db_host_open_detections", "db_open_detections_by_severity", "db_pc_pass_rate", "db_query", "db_time_to_fix", "db_top_qids", "db_was_findings_by_severity"]);
      const query = tools.find((t) => t.name === "db_query")!;
      expect(query.description).toMatch(/open_detections \(view\): host_id, qid/);
      expect(query.description).toContain(engine === "SQLite" ? "(SQLite)" : "(PostgreSQL)");
    });

    it("refuses writes in the engine, and the export stays as it was", async () => {
      const before = await count(url, "detections");
      expect(before).toBeGreaterThan(100);
      for (const sql of ["DELETE FROM detections", "DELETE FROM detections RETURNING host_id", "UPDATE hosts SET os = 'x' RETURNING host_id", "CREATE TABLE scratch AS SELECT 1 AS x"]) {
        const result = await mcp.call("db_query", { sql });
        expect(result.isError, sql).toBe(true);
        expect(text(result), sql).toMatch(refusal);
      }
      expect(await count(url, "detections")).toBe(before);
    });

    it("runs one statement per call", async () => {
      const before = await count(url, "hosts");
      for (const sql of ["SELECT 1; DELETE FROM hosts", "SELECT 1;\n-- fine\n; COMMIT", "SELECT ';' AS a; DELETE FROM hosts"]) {
        const result = await mcp.call("db_query", { sql });
        expect(text(result), sql).toMatch(/SqlStatementError: only one statement per call/);
      }
      expect(json<Rows>(await mcp.call("db_query", { sql: "SELECT ';' AS a; -- a trailing comment" })).rows).toEqual([{ a: ";" }]);
      expect(await count(url, "hosts")).toBe(before);
    });

    it("stops a statement past the timeout, and answers the next one", async () => {
      const slow = await mcp.call("db_query", { sql: engine === "SQLite" ? ENDLESS : "SELECT pg_sleep(30)" });
      expect(slow.isError).toBe(true);
      expect(text(slow)).toMatch(engine === "SQLite" ? /SqlTimeoutError: the statement ran longer than 1500 ms and was stopped/ : /canceling statement due to statement timeout/);
      const next = json<Rows>(await mcp.call("db_query", { sql: "SELECT COUNT(*) AS n FROM hosts" }));
      expect(next.rows).toEqual([{ n: rows.rows("hosts").length }]);
    });

    it("answers at most the row limit, and says so", async () => {
      const all = json<Rows>(await mcp.call("db_query", { sql: "SELECT host_id FROM hosts ORDER BY host_id" }));
      expect(all).toMatchObject({ rowCount: 50, truncated: true });
      expect(all.note).toMatch(/more than 50 rows/);
      expect(all.rows.map((r) => r.host_id)).toEqual(rows.rows("hosts").map((h) => h.host_id).sort((a, b) => (a as number) - (b as number)).slice(0, 50));
      const three = json<Rows>(await mcp.call("db_query", { sql: "SELECT host_id FROM hosts", maxRows: 3 }));
      expect(three.rowCount).toBe(3);
      const exact = json<Rows>(await mcp.call("db_query", { sql: "SELECT host_id FROM hosts LIMIT 50" }));
      expect(exact.truncated).toBeUndefined();
    });

    it("answers the named questions with the report's figures", async () => {
      const expected = oracle(rows, asOf);
      const bySeverity = json<Rows>(await mcp.call("db_open_detections_by_severity"));
      expect(bySeverity.rows).toEqual(expected["by-severity"]);
      expect(bySeverity.sql).toContain("FROM open_by_severity");
      expect(json<Rows>(await mcp.call("db_top_qids")).rows).toEqual(expected["top-qids"]);
      const fix = json<Rows>(await mcp.call("db_time_to_fix")).rows;
      const want = expected["time-to-fix"] as Record<string, number>[];
      expect(fix.map((r) => [r.severity, r.fixed_detections])).toEqual(want.map((r) => [r.severity, r.fixed_detections]));
      fix.forEach((r, i) => expect(Math.abs((r.median_days as number) - want[i]!.median_days!)).toBeLessThanOrEqual(0.05 + 1e-9));
      // PC posture, WAS and CSAM: the report's sections too.
      expect(json<Rows>(await mcp.call("db_pc_pass_rate")).rows.map((r) => [r.policy_id, r.postures, r.passed])).toEqual(
        (expected["pc-pass-rate"] as Record<string, unknown>[]).map((r) => [r.policy_id, r.postures, r.passed]),
      );
      expect(json<Rows>(await mcp.call("db_was_findings_by_severity")).rows).toEqual(expected["was-by-severity"]);
      expect(json<Rows>(await mcp.call("db_assets_by_os")).rows).toEqual(expected["assets-by-os"]);

      const open = rows.rows("detections").filter((d) => ["New", "Active", "Re-Opened"].includes(String(d.status)));
      const host = rows.rows("hosts").find((h) => h.removed_at === null && open.some((d) => d.host_id === h.host_id))!;
      const own = open.filter((d) => d.host_id === host.host_id);
      const byId = json<Rows>(await mcp.call("db_host_open_detections", { host_id: host.host_id }));
      expect(byId.rows.map((r) => r.qid).sort()).toEqual(own.map((d) => d.qid).sort());
      const byIp = json<Rows>(await mcp.call("db_host_open_detections", { ip: host.ip }));
      expect(byIp.rows).toEqual(byId.rows);
      expect(text(await mcp.call("db_host_open_detections", { ip: "10.0.0.1' OR '1'='1" }))).toMatch(/is not an IPv4 or IPv6 address/);
    });

    it("offers the HTML report as a resource", async () => {
      const { resources } = await mcp.client.listResources();
      expect(resources).toEqual([expect.objectContaining({ uri: "qualys-report://report.html", mimeType: "text/html" })]);
      const read = await mcp.client.readResource({ uri: resources[0]!.uri });
      const html = (read.contents[0] as { text: string }).text;
      expect(html).toMatch(/^<!DOCTYPE html>/i);
      expect(html).toContain("Open detections by severity");
    }, 60_000);
  });
}

databaseTools(
  "SQLite",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "qualys-ts-mcp-sql-"));
    const url = `sqlite:${join(dir, "export.db")}`;
    const rows = new ExportRows();
    const db = await openDatabase(url);
    await fillExportDatabase(db, data, (b) => rows.add(b));
    await db.close();
    return { url, rows, stop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  /readonly database|does not return data/,
);

databaseTools(
  "PostgreSQL",
  async () => {
    const server: PostgresServer = await startPostgres();
    const url = await server.createDatabase("mcp_sql");
    const rows = new ExportRows();
    const db = await openDatabase(url);
    await fillExportDatabase(db, data, (b) => rows.add(b));
    await db.close();
    return { url, rows, stop: () => server.stop() };
  },
  /read-only transaction/,
);

describe("a PostgreSQL session the statement tries to open up", () => {
  let server: PostgresServer;
  let url: string;
  let mcp: McpSession;
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase("mcp_escape");
    const db = await openDatabase(url);
    await fillExportDatabase(db, { ...data, hosts: 20 });
    await db.close();
    mcp = await startMcp(["--db-only", "--db", url]);
  }, 180_000);
  afterAll(async () => {
    await mcp?.close();
    await server?.stop();
  });

  it("stays read-only: a SET in one call does not outlive it", async () => {
    const before = await count(url, "hosts");
    for (const sql of ["SET default_transaction_read_only = off", "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", "COMMIT", "SELECT set_config('default_transaction_read_only', 'off', false)"]) {
      await mcp.call("db_query", { sql });
      const result = await mcp.call("db_query", { sql: "DELETE FROM hosts" });
      expect(text(result), sql).toMatch(/cannot execute DELETE in a read-only transaction/);
    }
    expect(text(await mcp.call("db_query", { sql: "SELECT $$;$$" }))).toMatch(/SqlStatementError: `\$` outside a string literal is not accepted/);
    expect(text(await mcp.call("db_query", { sql: "SELECT E'\\\\'; DELETE FROM hosts; --'" }))).toMatch(/SqlStatementError: backslashes inside string literals are not accepted/);
    expect(text(await mcp.call("db_query", { sql: "COPY hosts TO '/tmp/hosts.csv'" }))).toMatch(/COPY is not accepted/);
    expect(await count(url, "hosts")).toBe(before);
  });
});
