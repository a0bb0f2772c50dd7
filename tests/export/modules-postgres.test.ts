/**
 * The CSAM and WAS kinds into a real PostgreSQL server (COPY-staged merges): every table equals
 * the tenant's model, after a rerun, an incremental run and a full one; and shared by three
 * `qualys export` processes (with Redis for the limits): each cursor walk is held by one worker
 * at a time, so no page is asked for twice, and a worker killed with SIGKILL mid-walk leaves the
 * walk to another, which goes on from the last page written.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { exportSubscription } from "../../src/export.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { startRedis, type RedisServer } from "../support/redis-server.js";
import { expectedTables, readTables } from "./module-truth.js";
import { qualys, tenantUser, tenantWithClient } from "./support.js";

const SEARCH_ASSETS = "/rest/2.0/search/am/asset";
const MODULES = ["assets", "webapps", "findings"] as const;

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

async function withDb<T>(url: string, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(url);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
const tables = (url: string, present = false) => withDb(url, (db) => readTables(db, { present }));
const sql = <T = Record<string, unknown>>(url: string, text: string) => withDb(url, (db) => db.all(text) as Promise<T[]>);

async function until(check: () => Promise<boolean>, what: string, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("CSAM and WAS into PostgreSQL", () => {
  it("equals the tenant's model in every table; a rerun changes nothing; incremental then full after the tenant moves on", async () => {
    const t = await tenantWithClient({ hosts: 650, detectionsPerHost: 1, kbSize: 150, seed: 71, webApps: 12, findingsPerWebApp: 30 }, { gateway: true });
    cleanup = t.close;
    const url = await server.createDatabase("modules_truth");
    const opts = { db: url, what: [...MODULES], decodeThreads: 0, backoffMs: () => 10 };
    await exportSubscription(t.client, opts);
    const want = expectedTables(t.tenant.model);
    expect(await tables(url)).toEqual(want);
    // Software ids past 2^53 kept exact in PostgreSQL too.
    expect(await sql(url, "SELECT COUNT(*)::int AS n FROM asset_software WHERE software_id::numeric > 9007199254740991")).toEqual([{ n: want.asset_software!.filter((r) => r.software_id.length === 19).length }]);

    const again = await exportSubscription(t.client, { ...opts, full: true });
    expect(again.marked).toEqual({ assets: 0, was_webapps: 0, was_findings: 0 });
    expect(await tables(url)).toEqual(want);

    const before = want.assets!.map((a) => a.asset_id as number);
    t.tenant.advance({ days: 2, changeFraction: 0.25, hostChurn: 0.05 });
    const incremental = await exportSubscription(t.client, opts);
    expect(incremental.mode).toBe("incremental");
    const now = expectedTables(t.tenant.model);
    const live = new Set(now.assets!.map((a) => a.asset_id));
    const got = await tables(url);
    expect(got.assets!.filter((a) => live.has(a.asset_id))).toEqual(now.assets);
    for (const table of ["was_webapps", "was_webapp_tags", "was_findings", "was_finding_results"]) expect(got[table], table).toEqual(now[table]);
    const full = await exportSubscription(t.client, { ...opts, full: true });
    const gone = before.filter((id) => !live.has(id));
    expect(full.marked).toEqual({ assets: gone.length, was_webapps: 0, was_findings: 0 });
    expect(gone.length).toBeGreaterThan(0);
    expect(await tables(url, true)).toEqual(now);
    expect((await sql<{ asset_id: number }>(url, "SELECT asset_id FROM assets WHERE removed_at IS NOT NULL ORDER BY asset_id")).map((r) => r.asset_id)).toEqual(gone);
  }, 240_000);

  const args = (db: string) => ["export", "--db", db, "--redis", redis.url, "--what", MODULES.join(","), "--concurrency", "2", "--decode-threads", "0"];

  it("three workers share the walks: each page asked for once, no call blocked, every table exact", async () => {
    const t = await tenantWithClient({ hosts: 1100, detectionsPerHost: 1, kbSize: 100, seed: 72, webApps: 10, findingsPerWebApp: 40 }, { gateway: true });
    cleanup = t.close;
    const db = await server.createDatabase("modules_shared");
    // The first asset page waits until all three workers are on the run.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    t.tenant.setFaults((call) => call.path === SEARCH_ASSETS && call.nth === 1 && { kind: "hold", until: gate });
    const running = [1, 2, 3].map(() => qualys(args(db), tenantUser(t.tenant.url, t.tenant.gatewayUrl)).done);
    await until(async () => (await sql<{ n: number }>(db, "SELECT COUNT(*)::int AS n FROM export_workers"))[0]!.n === 3, "three workers");
    open();
    for (const r of await Promise.all(running)) {
      expect(r.stderr, r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    expect(await sql(db, "SELECT id::int AS id, status FROM export_runs")).toEqual([{ id: 1, status: "succeeded" }]);
    // 1,210 assets in pages of 300: five pages, each asked for once.
    expect(t.tenant.stats.byPath[SEARCH_ASSETS]!.calls).toBe(5);
    expect(t.tenant.stats.blocked).toBe(0);
    expect(await tables(db)).toEqual(expectedTables(t.tenant.model));
  }, 240_000);

  it("a worker killed with SIGKILL in the middle of the asset walk: another goes on from the last page written, the run ends exact", async () => {
    const t = await tenantWithClient({ hosts: 1100, detectionsPerHost: 1, kbSize: 100, seed: 73, webApps: 6, findingsPerWebApp: 10 }, { gateway: true });
    cleanup = t.close;
    const db = await server.createDatabase("modules_killed");
    // The third asset page is held: whoever walks the assets has written two pages and waits on the third.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const sent: (string | null)[] = [];
    t.tenant.setFaults((call) => {
      if (call.path !== SEARCH_ASSETS) return undefined;
      sent.push(call.params.get("lastSeenAssetId"));
      return call.nth === 3 && { kind: "hold", until: gate };
    });
    const workers = [1, 2, 3].map(() => qualys(args(db), tenantUser(t.tenant.url, t.tenant.gatewayUrl)));
    const holder = async () =>
      (await sql<{ claimed_by: string; cursor: string; records: number }>(db, "SELECT claimed_by, cursor, records::int AS records FROM export_batches WHERE kind = 'assets' AND status = 'running'"))[0];
    await until(async () => (await holder())?.records === 600 && t.tenant.stats.byPath[SEARCH_ASSETS]!.calls === 3, "the asset walk two pages in");
    const { claimed_by, cursor } = (await holder())!;
    const victim = workers.find((w) => claimed_by.includes(`:${w.child.pid}:`))!;
    expect(victim).toBeDefined();
    victim.child.kill("SIGKILL");
    open();
    const results = await Promise.all(workers.map((w) => w.done));
    for (const r of results) {
      if (r === (await victim.done)) expect(r.signal).toBe("SIGKILL");
      else expect(r.code, r.stderr).toBe(0);
    }
    expect(await sql(db, "SELECT id::int AS id, status FROM export_runs")).toEqual([{ id: 1, status: "succeeded" }]);
    const ids = t.tenant.model.csam.assetIds();
    expect(cursor).toBe(String(ids[599]));
    // Pages one and two once; the third asked again by the worker that took the walk over, from the cursor; then on.
    expect(sent).toEqual([null, String(ids[299]), cursor, cursor, String(ids[899]), String(ids[1199])]);
    expect(await tables(db)).toEqual(expectedTables(t.tenant.model));
  }, 240_000);
});
