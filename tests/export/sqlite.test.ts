/**
 * `exportSubscription` into SQLite files against the synthetic tenant: the parallel export holds
 * exactly what a sequential truncation walk returns, no call is blocked under a low limit, a
 * failing batch is retried (503, a reset mid-body) or reported by id range and finished on the
 * next run, and an incremental run after the tenant moves on picks up the changes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createQualysClient } from "../../src/client.js";
import { ExportDatabaseError, exportSubscription, ExportIncompleteError, SCHEMA_VERSION } from "../../src/export.js";
import { dbDetections, HLD_PATH, holds, query, tempDb, tenantWithClient, walkDetections } from "./support.js";
import { openSync } from "../support/sqlite-drivers.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const fast = { backoffMs: () => 10 };


describe("export into SQLite", () => {
  it("in parallel equals a sequential truncation walk, row for row, with 0 blocked calls", async () => {
    const t = await tenantWithClient({ hosts: 450, detectionsPerHost: 6, kbSize: 300, seed: 11, limits: { concurrency: 3 }, costPerHostMs: 1 });
    cleanup = t.close;
    const db = tempDb();
    const summary = await exportSubscription(t.client, { db, batchSize: 100, concurrency: 3, decodeThreads: 1, ...fast });
    expect(summary.status).toBe("succeeded");
    expect(summary.mode).toBe("full");
    const expected = await walkDetections(t.client);
    expect(expected.length).toBeGreaterThan(1000);
    expect(dbDetections(db)).toEqual(expected);
    expect(summary.detections).toBe(expected.length);
    expect(query(db, "SELECT COUNT(*) AS n FROM hosts")[0]).toEqual({ n: 450 });
    expect(query(db, "SELECT COUNT(*) AS n FROM kb_vulns")[0]).toEqual({ n: 300 });
    expect(query(db, "SELECT status, COUNT(*) AS n FROM export_batches GROUP BY status")).toEqual([{ status: "done", n: expect.any(Number) }]);
    // Several requests really ran at once, never more than Qualys allows.
    expect(t.tenant.stats.blocked).toBe(0);
    expect(t.tenant.stats.byPath[HLD_PATH]!.maxRunning).toBeGreaterThan(1);
    expect(t.tenant.stats.byPath[HLD_PATH]!.maxRunning).toBeLessThanOrEqual(3);
    const stats = query<{ severity: number; open_detections: number }>(db, "SELECT severity, open_detections FROM export_run_stats WHERE run_id = ? ORDER BY severity", summary.runId);
    expect(stats).toEqual(query(db, "SELECT severity, open_detections FROM open_by_severity WHERE severity IS NOT NULL ORDER BY severity"));
    expect(stats.length).toBeGreaterThan(0);

    // Decoding in the main thread gives the same database.
    const inProcess = tempDb("in-process");
    await exportSubscription(t.client, { db: inProcess, batchSize: 100, concurrency: 3, decodeThreads: 0, ...fast });
    expect(dbDetections(inProcess)).toEqual(expected);
  }, 120_000);

  it("makes no blocked call under a concurrency limit of 1", async () => {
    const t = await tenantWithClient({ hosts: 250, detectionsPerHost: 3, kbSize: 50, seed: 3, limits: { concurrency: 1 } });
    cleanup = t.close;
    const summary = await exportSubscription(t.client, { db: tempDb(), batchSize: 100, concurrency: 4, decodeThreads: 0, ...fast });
    expect(summary.hosts).toBe(250);
    expect(t.tenant.stats.blocked).toBe(0);
    // The VM paths carry the limit (WAS, exported too, has none).
    for (const [name, path] of Object.entries(t.tenant.stats.byPath)) if (name.startsWith("/api/")) expect(path.maxRunning, name).toBe(1);
  }, 120_000);

  it("retries a batch answered 503 or reset mid-body; the data is complete", async () => {
    const t = await tenantWithClient({ hosts: 300, detectionsPerHost: 5, kbSize: 50, seed: 5, limits: { concurrency: 2 } });
    cleanup = t.close;
    t.tenant.setFaults((call) => call.path === HLD_PATH && (call.nth === 2 ? { kind: "status", status: 503 } : call.nth === 3 ? { kind: "reset", afterRecords: 4 } : undefined));
    const db = tempDb();
    const summary = await exportSubscription(t.client, { db, batchSize: 100, concurrency: 2, decodeThreads: 1, ...fast });
    expect(t.tenant.stats.faulted).toBe(2);
    expect(summary.retries).toBeGreaterThanOrEqual(1);
    t.tenant.setFaults(undefined);
    expect(dbDetections(db)).toEqual(await walkDetections(t.client));
  }, 120_000);

  it("reports a batch that keeps failing (503 on every attempt) by its id range, then finishes it on the next run", async () => {
    const t = await tenantWithClient({ hosts: 300, detectionsPerHost: 4, kbSize: 50, seed: 8 });
    cleanup = t.close;
    const victim = t.tenant.model.hostIds()[150]!;
    t.tenant.setFaults((call) => call.path === HLD_PATH && holds(call.params.get("ids"), victim) && { kind: "status", status: 503 });
    const db = tempDb();
    const failed = await exportSubscription(t.client, { db, batchSize: 100, concurrency: 2, decodeThreads: 0, attempts: 2, ...fast }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ExportIncompleteError);
    const error = failed as ExportIncompleteError;
    expect(error.failed).toHaveLength(1);
    expect(error.failed[0]).toMatchObject({ kind: "detections", attempts: 2 });
    expect(error.failed[0]!.firstId).toBeLessThanOrEqual(victim);
    expect(error.failed[0]!.lastId).toBeGreaterThanOrEqual(victim);
    expect(error.message).toContain(`detections ${error.failed[0]!.firstId}-${error.failed[0]!.lastId}`);
    expect(query(db, "SELECT status FROM export_runs")).toEqual([{ status: "failed" }]);
    // An error page is not a host Qualys cannot serve: nothing was split, nobody recorded as bad.
    expect(query(db, "SELECT COUNT(*) AS n FROM export_bad_hosts")).toEqual([{ n: 0 }]);

    t.tenant.setFaults(undefined);
    const again = await exportSubscription(t.client, { db, batchSize: 100, concurrency: 2, decodeThreads: 0, ...fast });
    expect(again).toMatchObject({ runId: error.runId, resumed: true, status: "succeeded" });
    expect(dbDetections(db)).toEqual(await walkDetections(t.client));
  }, 120_000);

  it("an incremental run after the tenant moves on matches a fresh walk; a full run marks purged hosts removed", async () => {
    const t = await tenantWithClient({ hosts: 300, detectionsPerHost: 4, kbSize: 80, seed: 9 });
    cleanup = t.close;
    const db = tempDb();
    await exportSubscription(t.client, { db, batchSize: 100, decodeThreads: 0, ...fast });
    const before = t.tenant.stats.byPath[HLD_PATH]!.calls;
    const step = t.tenant.advance({ days: 1, changeFraction: 0.2, hostChurn: 0.05 });
    const incremental = await exportSubscription(t.client, { db, batchSize: 100, decodeThreads: 0, ...fast });
    expect(incremental.mode).toBe("incremental");
    // Only the changed hosts were fetched again.
    expect(incremental.hosts).toBeLessThan(300);
    expect(t.tenant.stats.byPath[HLD_PATH]!.calls - before).toBeLessThan(4);
    const live = new Set(t.tenant.model.hostIds());
    const walk = await walkDetections(t.client);
    expect(dbDetections(db).filter((r) => live.has(r[0] as number))).toEqual(walk);
    expect(step.hostChurn).toBeGreaterThan(0);

    const full = await exportSubscription(t.client, { db, batchSize: 100, decodeThreads: 0, full: true, ...fast });
    expect(full.removed).toBeGreaterThan(0);
    const present = query<{ host_id: number }>(db, "SELECT host_id FROM hosts WHERE removed_at IS NULL ORDER BY host_id").map((r) => r.host_id);
    expect(present).toEqual([...live].sort((a, b) => a - b));
    expect(query(db, "SELECT COUNT(*) AS n FROM open_detections")[0]).toEqual({ n: walk.filter((r) => ["New", "Active", "Re-Opened"].includes(r[9] as string)).length });
  }, 180_000);

  it("refuses a database written by a newer schema, before calling Qualys", async () => {
    const path = tempDb("newer");
    const db = openSync(path);
    db.exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL); INSERT INTO schema_version VALUES (99, 'future', '2030-01-01T00:00:00Z')");
    db.close();
    const client = createQualysClient({ credentials: { username: "u", password: "p" }, baseUrls: { vm: "http://127.0.0.1:1" } });
    const err = await exportSubscription(client, { db: path, decodeThreads: 0 }).catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(ExportDatabaseError);
    expect((err as Error).message).toMatch(new RegExp(`schema version 99, newer than this qualys-ts writes \\(${SCHEMA_VERSION}\\)`));
    expect(query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).toEqual([{ name: "schema_version" }]);
  });
});
