/**
 * Answers holding bytes that are not valid UTF-8 (under Qualys's UTF-8 charset): the export
 * writes every record, the damaged text with U+FFFD, and says so — the count in the run's row
 * (export_runs.invalid_utf8), in its summary, and from the shell a warning line. The tenant sends
 * the damage through its "encode" fault: the bytes of some hosts' detection records are altered.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { exportSubscription } from "../../src/export.js";
import { SqliteStore } from "../../src/export/sqlite-store.js";
import type { Tenant } from "../../src/tenant.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { dbDetections, HLD_PATH, qualys, query, tempDb, tenantUser, tenantWithClient, walkDetections } from "./support.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const OPEN = "<RESULTS><![CDATA[";
const CLOSE = "]]></RESULTS>";

/**
 * Damages the HOST records of `victims` in detection answers: a lone 0xFF after the first
 * RESULTS' start and a 2-byte sequence cut short (0xC3) before the last RESULTS' end — two
 * invalid sequences a record (a host without RESULTS is left alone). Counts what it did, so the
 * test knows what the export must report.
 */
function damage(tenant: Tenant, victims: readonly number[]): { damaged: number; hosts: Set<number> } {
  const state = { damaged: 0, hosts: new Set<number>() };
  const victimOf = (record: string) => victims.find((id) => record.includes(`<ID>${id}</ID>`));
  const encode = (record: string): Uint8Array => {
    const first = record.indexOf(OPEN);
    const last = record.lastIndexOf(CLOSE);
    const victim = victimOf(record);
    if (victim === undefined || first < 0 || last < 0) return Buffer.from(record);
    state.damaged += 2;
    state.hosts.add(victim);
    const at = first + OPEN.length;
    return Buffer.concat([Buffer.from(record.slice(0, at)), Buffer.of(0xff), Buffer.from(record.slice(at, last)), Buffer.of(0xc3), Buffer.from(record.slice(last))]);
  };
  tenant.setFaults((call) => call.path === HLD_PATH && { kind: "encode", encode });
  return state;
}

describe("invalid UTF-8 in Qualys's answers, exported to SQLite", () => {
  it.each([
    ["decoded in-process", 0],
    ["decoded in a worker thread", 1],
  ])("%s: every record written, the damaged text as U+FFFD, the count in the run's row and summary", async (_, decodeThreads) => {
    const t = await tenantWithClient({ hosts: 300, detectionsPerHost: 3, kbSize: 20, seed: 29, limits: { concurrency: 2 } });
    cleanup = t.close;
    const ids = t.tenant.model.hostIds();
    const victims = ids.filter((_, i) => i % 50 === 3);
    const state = damage(t.tenant, victims);
    const path = tempDb();
    const store = await SqliteStore.open(path);
    const summary = await exportSubscription(t.client, { db: store, batchSize: 100, concurrency: 2, decodeThreads, what: ["hosts", "detections"], backoffMs: () => 5 });
    await store.close();
    const damaged = state.damaged;
    // Each damaged host's answer was read once (no retries): two sequences a host.
    expect(state.hosts.size).toBeGreaterThanOrEqual(3);
    expect(damaged).toBe(2 * state.hosts.size);
    expect(summary.status).toBe("succeeded");
    expect(summary.invalidUtf8).toBe(damaged);
    expect(query(path, "SELECT invalid_utf8, status FROM export_runs")).toEqual([{ invalid_utf8: damaged, status: "succeeded" }]);
    // Nothing lost: the database holds what a plain walk of the same answers decodes, and the
    // damaged results hold U+FFFD where the bytes were.
    const walk = await walkDetections(t.client);
    expect(dbDetections(path)).toEqual(walk);
    const replaced = query<{ host_id: number }>(path, "SELECT DISTINCT host_id FROM detections WHERE results LIKE ? ORDER BY host_id", "%\uFFFD%").map((r) => r.host_id);
    expect(replaced).toEqual([...state.hosts].sort((a, b) => a - b));
    t.tenant.setFaults(undefined);
    expect((await walkDetections(t.client)).length).toBe(walk.length);

    // A second (incremental) run over clean answers adds nothing to its own row.
    const again = await SqliteStore.open(path);
    const next = await exportSubscription(t.client, { db: again, batchSize: 100, concurrency: 2, decodeThreads, what: ["hosts", "detections"], backoffMs: () => 5 });
    await again.close();
    expect(next.invalidUtf8).toBe(0);
    expect(query(path, "SELECT id, invalid_utf8 FROM export_runs ORDER BY id")).toEqual([
      { id: summary.runId, invalid_utf8: damaged },
      { id: next.runId, invalid_utf8: 0 },
    ]);
  }, 120_000);
});

describe("invalid UTF-8 in Qualys's answers, exported to PostgreSQL", () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("the count is added to the run's row with each write", async () => {
    const t = await tenantWithClient({ hosts: 200, detectionsPerHost: 2, kbSize: 20, seed: 37, limits: { concurrency: 2 } });
    cleanup = t.close;
    const state = damage(t.tenant, t.tenant.model.hostIds().filter((_, i) => i % 40 === 7));
    const url = await server!.createDatabase("invalid_utf8");
    const summary = await exportSubscription(t.client, { db: url, batchSize: 100, concurrency: 2, decodeThreads: 1, what: ["hosts", "detections"], backoffMs: () => 5 });
    expect(state.damaged).toBeGreaterThanOrEqual(4);
    expect(summary.invalidUtf8).toBe(state.damaged);
    const db = await openDatabase(url);
    try {
      expect(await db.all("SELECT invalid_utf8::int AS n, status FROM export_runs")).toEqual([{ n: state.damaged, status: "succeeded" }]);
      expect(await db.all("SELECT COUNT(*)::int AS n FROM detections")).toEqual([{ n: (await walkDetections(t.client)).length }]);
    } finally {
      await db.close();
    }
  }, 120_000);
});

describe("qualys export with invalid UTF-8 in the answers, from the shell", () => {
  it("exits 0, its summary line and a warning on stderr give the count, the run's row holds it", async () => {
    const t = await tenantWithClient({ hosts: 200, detectionsPerHost: 2, kbSize: 20, seed: 31, limits: { concurrency: 2 } });
    cleanup = t.close;
    const ids = t.tenant.model.hostIds();
    const state = damage(t.tenant, ids.filter((_, i) => i % 40 === 10));
    const db = tempDb();
    const { done } = qualys(["export", "--db", `sqlite:${db}`, "--batch-size", "100", "--concurrency", "2", "--what", "hosts,detections"], tenantUser(t.tenant.url));
    const result = await done;
    expect(result.stderr).not.toMatch(/QUALYS_XML_INVALID_ENCODING|\(node:\d+\) Warning/);
    expect(result.code).toBe(0);
    const n = state.damaged;
    expect(n).toBeGreaterThanOrEqual(4);
    expect(result.stdout).toMatch(new RegExp(`^export run 1 \\(full\\): .*, ${n} invalid UTF-8 sequences in `, "m"));
    expect(result.stderr).toContain(
      `qualys export: warning: Qualys' answers held ${n} byte sequences that are not valid UTF-8; the records holding them were written with U+FFFD (\uFFFD) in their place, counted in export_runs.invalid_utf8 of run 1`,
    );
    expect(query(db, "SELECT invalid_utf8 FROM export_runs")).toEqual([{ invalid_utf8: n }]);
    expect(query(db, "SELECT COUNT(*) AS n FROM detections")).toEqual([{ n: (await walkDetections(t.client)).length }]);
  }, 120_000);
});
