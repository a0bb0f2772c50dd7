/**
 * PC posture into SQLite (each driver this Node has) against the tenant's PCRS: every posture
 * table equals the tenant's ground truth — with and without evidence, gzip with and without
 * Content-Encoding — within PCRS's own limits (0 blocked calls); a 429, a reset mid-gzip-stream
 * and a 503 change nothing; a host whose answers always break off is recorded bad and everything
 * else is exact; an incremental run after the tenant moves on fetches only what changed, and the
 * next full run drops what Qualys no longer lists.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { QualysClient } from "../../src/client.js";
import { exportSubscription, type ExportOptions, type ExportProgress } from "../../src/export.js";
import { SqliteStore } from "../../src/export/sqlite-store.js";
import { SQLITE_DRIVERS } from "../support/sqlite-drivers.js";
import { expectedTables, expectTablesEqual, dbTables, POSTURE_PATH, POSTURE_TABLES, tenantWithGateway, type Rec } from "./posture-support.js";
import { query, tempDb } from "./support.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const fast = { backoffMs: () => 5, decodeThreads: 0, batchSize: 100 } as const;
const TENANT = { hosts: 400, detectionsPerHost: 2, kbSize: 20 } as const;
/** Hosts named in a postureInfo body. */
const bodyHosts = (body: string | undefined): string[] => (JSON.parse(body ?? "[]") as { hostIds: string[] }[]).flatMap((e) => e.hostIds);

describe.each(SQLITE_DRIVERS)("PC posture into SQLite (%s)", (driver) => {
  /** One export with this driver, its store closed after. */
  const exportTo = async (client: QualysClient, path: string, options: Omit<ExportOptions, "db">) => {
    const db = await SqliteStore.open(path, { driver });
    try {
      return await exportSubscription(client, { db, ...fast, ...options });
    } finally {
      await db.close();
    }
  };

  it("a full export of every kind: each posture table equals the tenant's, in parallel within PCRS's limits, 0 calls blocked", async () => {
    const t = await tenantWithGateway({ ...TENANT, seed: 61 });
    cleanup = t.close;
    const path = tempDb();
    const seen: ExportProgress[] = [];
    const summary = await exportTo(t.client, path, { postureBatchSize: 15, concurrency: 4, onProgress: (p) => seen.push(p) });
    const expected = expectedTables(t.tenant.model);
    expect(expected.pc_posture.length).toBeGreaterThan(1000);
    expect(new Set(expected.pc_posture.map((r) => r.policy_id)).size).toBe(2);
    await expectTablesEqual(`sqlite:${path}`, expected, expect);
    expect(summary.totals.posture).toBe(expected.pc_posture.length);
    expect(summary.skipped).toEqual([]);
    // Every kind of the subscription, in one run.
    expect(query(path, "SELECT COUNT(*) AS n FROM hosts")).toEqual([{ n: 400 }]);
    expect(query(path, "SELECT what FROM export_runs")).toEqual([{ what: "hosts,detections,kb,posture,assets,webapps,findings" }]);
    // One policy batch and host batches of at most 15 hosts, one postureInfo call each.
    const batches = query<{ n: number; hosts: number }>(path, "SELECT COUNT(*) AS n FROM export_batches WHERE kind = 'posture' AND first_id > 0");
    const posture = t.tenant.stats.byPath[POSTURE_PATH]!;
    expect(posture.calls).toBe(batches[0]!.n);
    expect(batches[0]!.n).toBe(Math.ceil(expected.pc_hosts.length / 15));
    expect(posture.records).toBe(expected.pc_posture.length);
    // Several calls at once, never more than PCRS allows, never over its quota (25 per window).
    expect(t.tenant.stats.blocked).toBe(0);
    expect(posture.maxRunning).toBeGreaterThan(1);
    expect(posture.maxRunning).toBeLessThanOrEqual(4);
    // The scheduler learned postureInfo's limits under the key the kind names.
    expect((await t.client.scheduler.store.snapshot("gateway:pcrs.getPostureInfo"))?.counted.length).toBeGreaterThan(0);
    // A progress bar's figures: hosts done of hosts planned, postures written.
    const last = seen.at(-1)!.kinds.posture!;
    expect(last).toMatchObject({ ids: expected.pc_hosts.length, idsDone: expected.pc_hosts.length, records: expected.pc_posture.length });

    // A second full run finds the same: replaced, nothing doubled, nothing dropped.
    const again = await exportTo(t.client, path, { full: true, postureBatchSize: 15, concurrency: 4, what: ["posture"] });
    expect(again.totals.posture).toBe(expected.pc_posture.length);
    await expectTablesEqual(`sqlite:${path}`, expected, expect);
  }, 180_000);

  it("with evidence (only then pc_posture_evidence), gzip sent with Content-Encoding: the same tables and the evidence", async () => {
    const t = await tenantWithGateway({ ...TENANT, seed: 62, postureContentEncoding: true });
    cleanup = t.close;
    const path = tempDb();
    await exportTo(t.client, path, { what: ["posture"], postureBatchSize: 40, postureEvidence: true });
    const expected = expectedTables(t.tenant.model, { evidence: true });
    expect(expected.pc_posture_evidence.length).toBe(expected.pc_posture.length);
    await expectTablesEqual(`sqlite:${path}`, expected, expect);

    // The next full run without evidence leaves none behind (it would no longer match its posture).
    await exportTo(t.client, path, { what: ["posture"], full: true, postureBatchSize: 40 });
    await expectTablesEqual(`sqlite:${path}`, expectedTables(t.tenant.model), expect);
  }, 180_000);

  it("a 429 from another client's use, an injected 429, a reset mid-gzip-stream and a 503: waited out or retried, the tables exact", async () => {
    const t = await tenantWithGateway({ ...TENANT, seed: 63 });
    cleanup = t.close;
    t.tenant.setFaults((call) =>
      call.path === POSTURE_PATH &&
      (call.nth === 2 ? { kind: "status", status: 429, contentType: "application/json", body: "" } : call.nth === 3 ? { kind: "reset", afterRecords: 7 } : call.nth === 5 ? { kind: "status", status: 503 } : undefined),
    );
    // Another client of the subscription has used the window's quota: the first call is refused 429 by the limits themselves.
    t.tenant.spend(POSTURE_PATH, 25);
    const path = tempDb();
    const summary = await exportTo(t.client, path, { what: ["posture"], postureBatchSize: 20, concurrency: 3 });
    expect(summary.status).toBe("succeeded");
    expect(t.tenant.stats.byPath[POSTURE_PATH]!.faulted).toBe(3);
    expect(t.tenant.stats.byPath[POSTURE_PATH]!.blocked).toBe(1);
    // The broken-off stream failed its batch once; the batch was tried again.
    expect(summary.retries).toBeGreaterThanOrEqual(1);
    expect(summary.badHosts).toEqual([]);
    await expectTablesEqual(`sqlite:${path}`, expectedTables(t.tenant.model), expect);
  }, 180_000);

  it("a host whose answers always break off: recorded bad, every other host exact; the next run asks for it first and resolves it", async () => {
    const t = await tenantWithGateway({ ...TENANT, seed: 64 });
    cleanup = t.close;
    const pcHosts = t.tenant.model.pc.hostIdsOf(t.tenant.model.pc.policyDefs()[0]!.id);
    const victim = pcHosts[Math.floor(pcHosts.length / 2)]!;
    t.tenant.setFaults((call) => call.path === POSTURE_PATH && bodyHosts(call.body).includes(String(victim)) && { kind: "reset", afterRecords: 1 });
    const path = tempDb();
    const summary = await exportTo(t.client, path, { what: ["posture"], postureBatchSize: 20, concurrency: 3 });
    expect(summary.badHosts).toEqual([{ kind: "posture", hostId: victim, error: expect.stringMatching(/connection|socket|closed|terminated|reset/i) }]);
    expect(query(path, "SELECT host_id, kind FROM export_bad_hosts")).toEqual([{ host_id: victim, kind: "posture" }]);
    const all = expectedTables(t.tenant.model);
    const others = expectedTables(t.tenant.model, { hosts: (h) => h !== victim });
    // Only the victim's postures are missing (its controls may still come from other hosts).
    const got = await dbTables(`sqlite:${path}`);
    for (const table of ["pc_posture", "pc_hosts", "pc_policies"] as const) expect(got[table], table).toEqual(others[table]);
    expect(all.pc_posture.length - got.pc_posture.length).toBeGreaterThan(0);

    const asked: string[][] = [];
    t.tenant.setFaults((call) => void (call.path === POSTURE_PATH && asked.push(bodyHosts(call.body))));
    const next = await exportTo(t.client, path, { what: ["posture"], postureBatchSize: 20, concurrency: 3 });
    expect(next.mode).toBe("incremental");
    expect(next.badHosts).toEqual([]);
    expect(asked[0]).toEqual([String(victim)]);
    expect(query(path, "SELECT resolved_run FROM export_bad_hosts")).toEqual([{ resolved_run: next.runId }]);
    await expectTablesEqual(`sqlite:${path}`, all, expect);
  }, 180_000);

  it("an incremental run after the tenant moves on fetches what changed and matches it; the next full run drops what is no longer listed", async () => {
    const t = await tenantWithGateway({ ...TENANT, seed: 65 });
    cleanup = t.close;
    const path = tempDb();
    const run = (full = false) => exportTo(t.client, path, { what: ["posture"], postureBatchSize: 25, concurrency: 3, full });
    await run();
    const before = t.tenant.stats.byPath[POSTURE_PATH]!.records;
    t.tenant.advance({ days: 1, changeFraction: 0.2, hostChurn: 0.05 });
    const incremental = await run();
    expect(incremental.mode).toBe("incremental");
    const now = expectedTables(t.tenant.model);
    const fetched = t.tenant.stats.byPath[POSTURE_PATH]!.records - before;
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThan(now.pc_posture.length / 2);
    expect(incremental.totals.posture).toBe(fetched);

    // Live hosts hold exactly the tenant's posture; purged ones keep theirs until a full run.
    const live = new Set(now.pc_hosts.map((h) => h.host_id));
    const got = await dbTables(`sqlite:${path}`);
    const onLive = (rows: Rec[]) => rows.filter((r) => live.has(r.host_id));
    expect(onLive(got.pc_posture)).toEqual(now.pc_posture);
    expect(onLive(got.pc_hosts)).toEqual(now.pc_hosts);
    const purged = got.pc_hosts.filter((h) => !live.has(h.host_id));
    expect(purged.length).toBeGreaterThan(0);
    for (const c of now.pc_controls) expect(got.pc_controls).toContainEqual(c);
    expect(got.pc_policies).toEqual(now.pc_policies);

    const full = await run(true);
    expect(full.mode).toBe("full");
    await expectTablesEqual(`sqlite:${path}`, now, expect);
    // A policy the policy list no longer names would be marked removed; all are still listed.
    expect(query(path, "SELECT COUNT(*) AS n FROM pc_policies WHERE removed_at IS NULL")).toEqual([{ n: now.pc_policies.length }]);
    for (const table of POSTURE_TABLES) expect(query(path, `SELECT COUNT(*) AS n FROM ${table} WHERE run_id IS NULL`.replace("run_id", table === "pc_policies" ? "last_seen_run" : "run_id"))).toEqual([{ n: 0 }]);
  }, 180_000);
});
