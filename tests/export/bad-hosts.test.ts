/**
 * A host Qualys cannot serve, in a SQLite export (each driver this Node has): whether every answer
 * holding it breaks off or stalls, its batch is split until it stands alone, it is recorded with its
 * error and attempts, every other host is written exactly, and the next run serves it first. From
 * the shell that run ends with exit code 3 and one line naming the host.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createQualysClient } from "../../src/client.js";
import { exportSubscription } from "../../src/export.js";
import { SqliteStore } from "../../src/export/sqlite-store.js";
import { SQLITE_DRIVERS } from "../support/sqlite-drivers.js";
import { dbDetections, HLD_PATH, holds, qualys, query, tempDb, tenantUser, tenantWithClient, walkDetections } from "./support.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const fast = { backoffMs: () => 5 };

describe.each(SQLITE_DRIVERS)("bad hosts (SQLite, %s)", (driver) => {
  for (const fault of [{ kind: "reset", afterRecords: 2 }, { kind: "stall", afterRecords: 1 }] as const) {
    it(`an answer that ${fault.kind === "reset" ? "breaks off" : "stalls"} whenever it holds one host: that host recorded, every other host exact`, async () => {
      const t = await tenantWithClient({ hosts: 700, detectionsPerHost: 3, kbSize: 30, seed: 13, limits: { concurrency: 2 } });
      // Stalls end with the body idle timeout: short here, 300 s by default.
      const client = createQualysClient({ credentials: t.tenant.credentials, baseUrls: { vm: t.tenant.url }, bodyIdleTimeoutMs: 300, rateLimit: { retry: { baseDelayMs: 5 } } });
      cleanup = async () => {
        await client.close();
        await t.close();
      };
      const victim = t.tenant.model.hostIds()[421]!;
      t.tenant.setFaults((call) => call.path === HLD_PATH && holds(call.params.get("ids"), victim) && fault);
      const path = tempDb();
      const store = await SqliteStore.open(path, { driver });
      const summary = await exportSubscription(client, { db: store, batchSize: 200, concurrency: 2, decodeThreads: 0, what: ["hosts", "detections"], ...fast });
      await store.close();
      expect(summary.status).toBe("succeeded");
      expect(summary.badHosts).toEqual([{ kind: "detections", hostId: victim, error: expect.any(String) }]);
      expect(summary.badHosts[0]!.error).toMatch(fault.kind === "reset" ? /connection|socket|closed|terminated/i : /no data|timed out|silent/i);
      expect(query(path, "SELECT host_id, kind, attempts >= 3 AS enough FROM export_bad_hosts")).toEqual([{ host_id: victim, kind: "detections", enough: 1 }]);
      expect(query(path, "SELECT bad_hosts FROM export_runs")).toEqual([{ bad_hosts: 1 }]);
      // Split down by halves: about log2(200) levels, not 200 single calls.
      expect(query<{ n: number }>(path, "SELECT COUNT(*) AS n FROM export_batches WHERE kind = 'detections'")[0]!.n).toBeLessThan(700 / 200 + 12);
      t.tenant.setFaults(undefined);
      const walk = await walkDetections(t.client);
      expect(dbDetections(path)).toEqual(walk.filter((r) => r[0] !== victim));
      // The host list still has it: only its detections were missing.
      expect(query(path, "SELECT COUNT(*) AS n FROM hosts WHERE host_id = ?", victim)).toEqual([{ n: 1 }]);

      // The next run, with Qualys serving it again, asks for it first and resolves it.
      const asked: string[] = [];
      t.tenant.setFaults((call) => {
        if (call.path === HLD_PATH) asked.push(call.params.get("ids") ?? "");
        return undefined;
      });
      const again = await SqliteStore.open(path, { driver });
      const next = await exportSubscription(client, { db: again, batchSize: 200, concurrency: 2, decodeThreads: 0, what: ["hosts", "detections"], ...fast });
      await again.close();
      expect(next.badHosts).toEqual([]);
      expect(asked[0]).toBe(String(victim));
      expect(query(path, "SELECT resolved_run FROM export_bad_hosts")).toEqual([{ resolved_run: next.runId }]);
      expect(dbDetections(path)).toEqual(walk);
    }, 120_000);
  }
});

describe("qualys export and bad hosts, from the shell", () => {
  it("exits 3 with one line naming the bad host; a second process on the same SQLite file is refused while the first runs", async () => {
    const t = await tenantWithClient({ hosts: 400, detectionsPerHost: 3, kbSize: 20, seed: 17, limits: { concurrency: 2 } });
    cleanup = t.close;
    const victim = t.tenant.model.hostIds()[77]!;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    t.tenant.setFaults((call) => call.path === HLD_PATH && (holds(call.params.get("ids"), victim) ? { kind: "reset", afterRecords: 1 } : call.nth === 1 ? { kind: "hold", until: gate } : undefined));
    const db = tempDb();
    const args = ["export", "--db", `sqlite:${db}`, "--batch-size", "100", "--concurrency", "2", "--decode-threads", "0", "--what", "hosts,detections"];
    const env = tenantUser(t.tenant.url);
    const first = qualys(args, env);
    // While the first waits on its first detection answer, a second process is told at once.
    for (let i = 0; i < 2400 && !(await t.tenant.stats.byPath[HLD_PATH]?.calls); i++) await new Promise((r) => setTimeout(r, 25));
    const second = await qualys(args, env).done;
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/being exported into by another process \(pid \d+\): a SQLite export runs in one process/);
    const sqliteWorkers = await qualys([...args, "--workers", "2"], env).done;
    expect(sqliteWorkers.code).toBe(2);
    expect(sqliteWorkers.stderr).toMatch(/--workers: a SQLite export runs in one process/);
    release();
    const done = await first.done;
    expect(done.code, done.stderr).toBe(3);
    expect(done.stdout, done.stdout).toMatch(/^export run 1 \(full\): 400 hosts, [\d,]+ detections, (\d+ retried batches, )?1 bad hosts in/);
    expect(done.stderr).toBe(`qualys: 1 host could not be exported — Qualys broke off or stalled every answer holding it — recorded in export_bad_hosts, everything else written; the next run tries them first: detections host ${victim} (${query<{ error: string }>(db, "SELECT error FROM export_bad_hosts")[0]!.error.slice(0, 120)})\n`);
  }, 180_000);
});
