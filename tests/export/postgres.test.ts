/**
 * `exportSubscription` into a real PostgreSQL server (Debian's package, started by the test on a
 * free 127.0.0.1 port): the COPY-staged merge holds what a sequential walk returns, a second run
 * over the same data changes nothing, and a refused connection is an ExportDatabaseError.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSubscription, ExportDatabaseError, SCHEMA_VERSION } from "../../src/export.js";
import { DETECTION_COLUMNS, type Row } from "../../src/export/rows.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { tenantWithClient, walkDetections } from "./support.js";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function pgDetections(url: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Times and booleans back in the export's neutral form, to compare with the walk's rows.
    const cols = DETECTION_COLUMNS.filter((c) => c !== "run_id").map((c) =>
      c.endsWith("_datetime") ? `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ${c}` : ["ssl", "is_ignored", "is_disabled"].includes(c) ? `${c}::int AS ${c}` : c === "extra" ? `${c}::text AS ${c}` : c,
    );
    const r = await client.query({ text: `SELECT ${cols.join(", ")} FROM detections ORDER BY host_id, qid, port, protocol, fqdn, ssl`, rowMode: "array" });
    return r.rows.map((row: unknown[]) => row.map((v) => (typeof v === "string" && /^\d+$/.test(v) && v.length < 16 ? Number(v) : v)) as Row);
  } finally {
    await client.end();
  }
}

// jsonb keeps keys in its own order: compare extra with sorted keys.
const sortedJson = (text: string) => JSON.stringify(JSON.parse(text), (_k, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
const EXTRA = DETECTION_COLUMNS.filter((c) => c !== "run_id").indexOf("extra");
const normalise = (rows: Row[]) => rows.map((r) => r.map((v, i) => (i === EXTRA && typeof v === "string" ? sortedJson(v) : v)));

describe("export into PostgreSQL", () => {
  it("holds what a sequential walk returns; running it again adds nothing", async () => {
    const t = await tenantWithClient({ hosts: 300, detectionsPerHost: 5, kbSize: 120, seed: 21, limits: { concurrency: 2 } });
    try {
      const url = await server.createDatabase("export_walk");
      const first = await exportSubscription(t.client, { db: url, batchSize: 100, concurrency: 2, decodeThreads: 1, backoffMs: () => 10 });
      expect(first.status).toBe("succeeded");
      const walk = await walkDetections(t.client);
      const sortKey = (r: Row) => r.slice(0, 6).join("|");
      const expected = [...walk].sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number) || (sortKey(a) < sortKey(b) ? -1 : 1));
      expect(normalise(await pgDetections(url))).toEqual(normalise(expected));
      const again = await exportSubscription(t.client, { db: url, batchSize: 100, concurrency: 2, decodeThreads: 0, full: true, backoffMs: () => 10 });
      expect(again.detections).toBe(first.detections);
      expect((await pgDetections(url)).length).toBe(walk.length);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const counts = (await c.query("SELECT (SELECT COUNT(*) FROM hosts)::int AS hosts, (SELECT COUNT(*) FROM kb_vulns)::int AS kb, (SELECT COUNT(*) FROM export_run_stats)::int AS stats, (SELECT MAX(version) FROM schema_version)::int AS v")).rows[0];
      await c.end();
      expect(counts).toEqual({ hosts: 300, kb: 120, stats: expect.any(Number), v: SCHEMA_VERSION });
      expect(counts.stats).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  }, 180_000);

  it("a refused connection is an ExportDatabaseError naming the server, not a hang", async () => {
    const t = await tenantWithClient({ hosts: 10, kbSize: 5 });
    try {
      const err = await exportSubscription(t.client, { db: `postgres://postgres:secret@127.0.0.1:1/none`, decodeThreads: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExportDatabaseError);
      expect((err as Error).message).toMatch(/127\.0\.0\.1:1.*cannot connect/);
      expect((err as Error).message).not.toContain("secret");
      expect(t.tenant.stats.calls).toBe(0);
    } finally {
      await t.close();
    }
  }, 60_000);
});
