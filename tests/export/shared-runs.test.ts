/**
 * One run shared by many `qualys export` processes on a real PostgreSQL server, their calls held
 * to the subscription's limits by a real redis-server: three workers write the database an
 * uninterrupted single run writes, each host served once; a worker killed with SIGKILL leaves its
 * batches to the others, who finish the run with no rerun; a host Qualys cannot serve is isolated
 * and recorded, every other host written, and every worker exits 3.
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ALL_STATUSES } from "../../src/export/options.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { startRedis, type RedisServer } from "../support/redis-server.js";
import { HLD_PATH, holds, qualys, tenantUser, tenantWithClient, walkDetections } from "./support.js";

let server: PostgresServer;
let redis: RedisServer;
let cleanup: (() => Promise<void>) | undefined;
beforeAll(async () => {
  [server, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([server?.stop(), redis?.stop()]);
});
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Detections as the walk gives them, from PostgreSQL: (host, qid, port, protocol, fqdn, ssl, status, severity). */
const detectionKeys = (url: string) =>
  sql<{ k: string }>(url, "SELECT host_id || '|' || qid || '|' || port || '|' || protocol || '|' || fqdn || '|' || ssl::int || '|' || status || '|' || severity AS k FROM detections ORDER BY 1").then((r) => r.map((x) => x.k));

/** A plain walk of every detection: their keys, and how many hosts the answers held. */
async function walk(client: Parameters<typeof walkDetections>[0]): Promise<{ keys: string[]; hosts: number }> {
  const keys: string[] = [];
  let hosts = 0;
  for await (const host of client.vm.listHostDetections({ truncation_limit: 500, status: ALL_STATUSES })) {
    hosts++;
    for (const d of host.detectionList ?? []) keys.push([host.id, d.qid, d.port ?? 0, d.protocol ?? "", d.fqdn ?? "", d.ssl ? 1 : 0, d.status, d.severity].join("|"));
  }
  return { keys: keys.sort(), hosts };
}

/** Detection calls wait until `open()`: the workers all join before any detection is served. */
function holdDetections(t: { tenant: { setFaults(plan: ((call: { path: string }) => unknown) | undefined): void } }): { open(): void } {
  let open!: () => void;
  const until = new Promise<void>((resolve) => (open = resolve));
  t.tenant.setFaults((call) => call.path === HLD_PATH && { kind: "hold", until });
  return {
    open() {
      t.tenant.setFaults(undefined);
      open();
    },
  };
}

async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const joined = (db: string) => sql<{ n: number }>(db, "SELECT COUNT(*)::int AS n FROM export_workers").then(([r]) => r!.n);

// The VM kinds by name: the tenant's gateway is not given (posture has tests of its own).
const args = (db: string) => ["export", "--db", db, "--redis", redis.url, "--batch-size", "100", "--concurrency", "2", "--decode-threads", "0", "--what", "hosts,detections,kb"];

describe("one export run shared by several processes (PostgreSQL + Redis)", () => {
  it("three workers write what one uninterrupted run writes, each host served once, no call blocked", async () => {
    const t = await tenantWithClient({ hosts: 900, detectionsPerHost: 4, kbSize: 150, seed: 41, limits: { concurrency: 3 }, costPerHostMs: 2 });
    cleanup = t.close;
    const db = await server.createDatabase("shared_three");
    const env = tenantUser(t.tenant.url, t.tenant.gatewayUrl);
    const gate = holdDetections(t);
    const running = [1, 2, 3].map(() => qualys(args(db), env).done);
    // However slowly the processes start, all three take part before the first detection is served.
    await until(async () => (await joined(db)) === 3, "three workers");
    gate.open();
    const results = await Promise.all(running);
    for (const r of results) {
      expect(r.stderr, r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^export run 1 \(full/);
    }
    // One run, every process on it: nobody planned a run of its own.
    expect(await sql(db, "SELECT id::int AS id, status FROM export_runs")).toEqual([{ id: 1, status: "succeeded" }]);
    expect(Number((await sql<{ n: number }>(db, "SELECT COUNT(*)::int AS n FROM export_workers WHERE run_id = 1"))[0]!.n)).toBe(3);
    const [{ batches, written }] = (await sql<{ batches: number; written: number }>(db, "SELECT (SELECT COUNT(*)::int FROM export_batches) AS batches, (SELECT SUM(batches)::int FROM export_workers) AS written")) as [{ batches: number; written: number }];
    expect(written).toBe(batches);
    // Each host's detections were asked for once, and the subscription's limits held for all three together.
    const served = t.tenant.stats.byPath[HLD_PATH]!.records;
    expect(t.tenant.stats.blocked).toBe(0);
    const expected = await walk(t.client);
    expect(served).toBe(expected.hosts);
    expect(await detectionKeys(db)).toEqual(expected.keys);
    expect(await sql(db, "SELECT COUNT(*)::int AS n FROM hosts")).toEqual([{ n: 900 }]);
    expect(await sql(db, "SELECT COUNT(*)::int AS n FROM kb_vulns")).toEqual([{ n: 150 }]);
  }, 240_000);

  it("a worker killed with SIGKILL: the others take its batches over and finish the run exact, with no rerun", async () => {
    const t = await tenantWithClient({ hosts: 1200, detectionsPerHost: 4, kbSize: 100, seed: 43, limits: { concurrency: 3 }, costPerHostMs: 1 });
    cleanup = t.close;
    const db = await server.createDatabase("shared_killed");
    const env = tenantUser(t.tenant.url, t.tenant.gatewayUrl);
    const gate = holdDetections(t);
    const workers = [1, 2, 3].map(() => qualys(args(db), env));
    const victim = workers[0]!;
    // Killed while it holds a detection batch (its call waits at the gate), so a batch really is left behind under its lease.
    const held = () => sql<{ n: number }>(db, `SELECT COUNT(*)::int AS n FROM export_batches WHERE status = 'running' AND kind = 'detections' AND claimed_by LIKE '%:${victim.child.pid}:%'`).then(([r]) => r!.n > 0);
    await until(async () => (await joined(db)) === 3 && (await held()), "the victim holding a detection batch");
    victim.child.kill("SIGKILL");
    gate.open();
    const [first, ...others] = await Promise.all(workers.map((w) => w.done));
    expect(first!.signal).toBe("SIGKILL");
    for (const r of others) {
      expect(r.stderr, r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    expect(await sql(db, "SELECT id::int AS id, status FROM export_runs")).toEqual([{ id: 1, status: "succeeded" }]);
    expect(await sql(db, "SELECT COUNT(*)::int AS n FROM export_batches WHERE status <> 'done'")).toEqual([{ n: 0 }]);
    const served = t.tenant.stats.byPath[HLD_PATH]!.records;
    expect(t.tenant.stats.blocked).toBe(0);
    const expected = await walk(t.client);
    expect(await detectionKeys(db)).toEqual(expected.keys);
    // Only what the killed worker had in hand (at most concurrency + 1 batches of 100 hosts) was served twice.
    expect(served).toBeGreaterThanOrEqual(expected.hosts);
    expect(served).toBeLessThanOrEqual(expected.hosts + 3 * 100);
  }, 240_000);

  it("a host Qualys cannot serve is split out and recorded; every other host is written; every worker exits 3; the next run serves it first", async () => {
    const t = await tenantWithClient({ hosts: 600, detectionsPerHost: 4, kbSize: 50, seed: 47, limits: { concurrency: 3 } });
    cleanup = t.close;
    const victim = t.tenant.model.hostIds()[333]!;
    // Every detection answer holding the victim breaks off once it has started.
    t.tenant.setFaults((call) => call.path === HLD_PATH && holds(call.params.get("ids"), victim) && { kind: "reset", afterRecords: 1 });
    const db = await server.createDatabase("shared_poison");
    const env = tenantUser(t.tenant.url, t.tenant.gatewayUrl);
    const results = await Promise.all([1, 2, 3].map(() => qualys([...args(db), "--what", "hosts,detections"], env).done));
    for (const r of results) {
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(`1 host could not be exported`);
      expect(r.stderr).toContain(`detections host ${victim}`);
      expect(r.stdout).toMatch(/1 bad hosts/);
    }
    expect(await sql(db, "SELECT host_id::int AS host_id, kind, resolved_run FROM export_bad_hosts")).toEqual([{ host_id: victim, kind: "detections", resolved_run: null }]);
    expect(await sql(db, "SELECT status, bad_hosts::int AS bad_hosts FROM export_runs")).toEqual([{ status: "succeeded", bad_hosts: 1 }]);
    t.tenant.setFaults(undefined);
    const all = (await walk(t.client)).keys;
    expect(await detectionKeys(db)).toEqual(all.filter((k) => !k.startsWith(`${victim}|`)));

    // The next run (incremental: nothing changed) asks for the bad host first, and alone.
    const calls: string[] = [];
    t.tenant.setFaults((call) => {
      if (call.path === HLD_PATH) calls.push(call.params.get("ids") ?? "");
      return undefined;
    });
    const next = await qualys([...args(db), "--what", "hosts,detections"], env).done;
    expect(next.code, next.stderr).toBe(0);
    expect(calls[0]).toBe(String(victim));
    expect(await sql(db, "SELECT resolved_run::int AS r FROM export_bad_hosts")).toEqual([{ r: 2 }]);
    expect(await detectionKeys(db)).toEqual(all);
  }, 240_000);
});
