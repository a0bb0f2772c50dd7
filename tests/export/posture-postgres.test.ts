/**
 * PC posture into a real PostgreSQL server (started by the test): every posture table equals the
 * tenant's ground truth after a full run of every kind, after an incremental run and the next full
 * one, and after `qualys export` is killed with SIGKILL mid-run and run again; posture ids past
 * 2^53 and misfit fields land as on SQLite.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createQualysClient } from "../../src/client.js";
import { openDatabase } from "../../src/db/open.js";
import { exportSubscription } from "../../src/export.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { dbTables, expectedTables, expectTablesEqual, gatewayUser, POSTURE_PATH, rawPcrs, RAW_EXPECTED, tenantWithGateway, type Rec } from "./posture-support.js";
import { qualys } from "./support.js";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const fast = { backoffMs: () => 5, decodeThreads: 0, batchSize: 100 } as const;

async function count(url: string, sql: string): Promise<number> {
  const db = await openDatabase(url, { readonly: true });
  try {
    return Number(Object.values((await db.all(sql))[0]!)[0]);
  } finally {
    await db.close();
  }
}

describe("PC posture into PostgreSQL", () => {
  it("a full run of every kind, an incremental one after the tenant moves on, the next full one: each equals the tenant", async () => {
    const t = await tenantWithGateway({ hosts: 400, detectionsPerHost: 2, kbSize: 20, seed: 81 });
    cleanup = t.close;
    const url = await server.createDatabase("posture_runs");
    const first = await exportSubscription(t.client, { db: url, postureBatchSize: 20, concurrency: 4, postureEvidence: true, ...fast });
    const expected = expectedTables(t.tenant.model, { evidence: true });
    expect(first.totals.posture).toBe(expected.pc_posture.length);
    await expectTablesEqual(url, expected, expect);
    expect(t.tenant.stats.blocked).toBe(0);
    expect(t.tenant.stats.byPath[POSTURE_PATH]!.maxRunning).toBeGreaterThan(1);

    t.tenant.advance({ days: 1, changeFraction: 0.2, hostChurn: 0.05 });
    const incremental = await exportSubscription(t.client, { db: url, postureBatchSize: 20, concurrency: 4, postureEvidence: true, what: ["posture"], ...fast });
    expect(incremental.mode).toBe("incremental");
    const now = expectedTables(t.tenant.model, { evidence: true });
    const live = new Set(now.pc_hosts.map((h) => h.host_id));
    const got = await dbTables(url);
    const onLive = (rows: Rec[]) => rows.filter((r) => live.has(r.host_id));
    // Live hosts hold exactly the tenant's posture; purged ones keep theirs until a full run.
    for (const table of ["pc_posture", "pc_hosts", "pc_posture_evidence"] as const) expect(onLive(got[table]), table).toEqual(now[table]);
    expect(got.pc_hosts.length).toBeGreaterThan(now.pc_hosts.length);
    expect(got.pc_policies).toEqual(now.pc_policies);

    await exportSubscription(t.client, { db: url, postureBatchSize: 20, concurrency: 4, postureEvidence: true, what: ["posture"], full: true, ...fast });
    await expectTablesEqual(url, now, expect);
  }, 240_000);

  it("a 429, a reset mid-gzip-stream, a 503 and a host whose answers always break off: the host recorded bad, every other posture exact", async () => {
    const t = await tenantWithGateway({ hosts: 400, detectionsPerHost: 1, kbSize: 10, seed: 83 });
    cleanup = t.close;
    const pcHosts = t.tenant.model.pc.hostIdsOf(t.tenant.model.pc.policyDefs()[1]!.id);
    const victim = pcHosts[Math.floor(pcHosts.length / 3)]!;
    const holds = (body: string | undefined) => (JSON.parse(body ?? "[]") as { hostIds: string[] }[]).some((e) => e.hostIds.includes(String(victim)));
    t.tenant.setFaults((call) => {
      if (call.path !== POSTURE_PATH) return undefined;
      if (holds(call.body)) return { kind: "reset", afterRecords: 2 };
      return call.nth === 2 ? { kind: "status", status: 429, body: "" } : call.nth === 4 ? { kind: "reset", afterRecords: 5 } : call.nth === 6 ? { kind: "status", status: 503 } : undefined;
    });
    const url = await server.createDatabase("posture_faults");
    const summary = await exportSubscription(t.client, { db: url, what: ["posture"], postureBatchSize: 20, concurrency: 3, ...fast });
    expect(summary.badHosts).toEqual([{ kind: "posture", hostId: victim, error: expect.any(String) }]);
    expect(t.tenant.stats.byPath[POSTURE_PATH]!.faulted).toBeGreaterThan(3);
    const others = expectedTables(t.tenant.model, { hosts: (h) => h !== victim });
    const got = await dbTables(url);
    for (const table of ["pc_posture", "pc_hosts", "pc_policies"] as const) expect(got[table], table).toEqual(others[table]);
    expect(await count(url, `SELECT COUNT(*) FROM export_bad_hosts WHERE host_id = ${victim} AND kind = 'posture'`)).toBe(1);

    t.tenant.setFaults(undefined);
    await exportSubscription(t.client, { db: url, what: ["posture"], postureBatchSize: 20, concurrency: 3, full: true, ...fast });
    await expectTablesEqual(url, expectedTables(t.tenant.model), expect);
  }, 240_000);

  it("two workers on one run share its posture batches (controls written by both): one run, every table exact, nothing blocked", async () => {
    const t = await tenantWithGateway({ hosts: 500, detectionsPerHost: 1, kbSize: 10, seed: 84, costPerHostMs: 1 });
    cleanup = t.close;
    const url = await server.createDatabase("posture_shared");
    // Every posture call waits until both workers have joined: each then holds a batch of its own.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    t.tenant.setFaults((call) => call.path === POSTURE_PATH && { kind: "hold", until: gate });
    const run = () => exportSubscription(t.client, { db: url, what: ["posture"], postureBatchSize: 10, concurrency: 2, pollMs: 50, ...fast });
    const both = Promise.all([run(), run()]);
    for (let i = 0; i < 2400 && (await count(url, "SELECT COUNT(*) FROM export_batches WHERE kind = 'posture' AND status = 'running'").catch(() => 0)) < 2; i++) await new Promise((r) => setTimeout(r, 25));
    open();
    const [a, b] = await both;
    expect(a.runId).toBe(b.runId);
    expect(a.batchesWritten).toBeGreaterThan(0);
    expect(b.batchesWritten).toBeGreaterThan(0);
    expect(await count(url, "SELECT COUNT(*) FROM export_runs")).toBe(1);
    await expectTablesEqual(url, expectedTables(t.tenant.model), expect);
    expect(t.tenant.stats.blocked).toBe(0);
  }, 240_000);

  it("killed with SIGKILL mid-run, `qualys export` run again finishes the run: every posture table equals the tenant's", async () => {
    // Few calls per window: the run takes long enough to be killed in the middle.
    const t = await tenantWithGateway({ hosts: 500, detectionsPerHost: 1, kbSize: 10, seed: 82, moduleLimits: { pcrs: { rate: { limit: 3, windowSec: 1 }, concurrency: 2 } }, costPerHostMs: 1 });
    cleanup = t.close;
    const url = await server.createDatabase("posture_killed");
    const args = ["export", "--db", url, "--what", "posture", "--posture-batch-size", "10", "--concurrency", "2", "--decode-threads", "0"];
    const run1 = qualys(args, gatewayUser(t.tenant));
    let killed = false;
    const timer = setInterval(() => {
      void count(url, "SELECT COUNT(*) FROM export_batches WHERE kind = 'posture' AND status = 'done'")
        .then((n) => {
          if (n >= 3 && !killed) {
            killed = true;
            run1.child.kill("SIGKILL");
          }
        })
        .catch(() => {});
    }, 50);
    const first = await run1.done.finally(() => clearInterval(timer));
    expect(first.signal).toBe("SIGKILL");
    expect(await count(url, "SELECT COUNT(*) FROM export_batches WHERE kind = 'posture' AND status <> 'done'")).toBeGreaterThan(0);
    expect(await count(url, "SELECT COUNT(*) FROM pc_posture")).toBeGreaterThan(0);

    const second = await qualys(args, gatewayUser(t.tenant)).done;
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^export run 1 \(full, resumed\): [\d,]+ PC postures in /);
    await expectTablesEqual(url, expectedTables(t.tenant.model), expect);
    expect(t.tenant.stats.blocked).toBe(0);
  }, 240_000);

  it("posture ids past 2^53 exact and misfit fields kept, from a gateway on a raw socket", async () => {
    const gateway = await rawPcrs();
    const client = createQualysClient({ credentials: { username: "acme_ab12", password: "pa55-Word!" }, baseUrls: { gateway: gateway.url } });
    cleanup = async () => {
      await client.close();
      await gateway.close();
    };
    const url = await server.createDatabase("posture_raw");
    await exportSubscription(client, { db: url, what: ["posture"], ...fast });
    await expectTablesEqual(url, RAW_EXPECTED, expect);
  }, 60_000);
});
