/**
 * `qualys export` from the shell: a bad --db URL is a usage error (exit 2) with nothing written,
 * a locked SQLite file and a refused PostgreSQL connection are clear failures (exit 1) with
 * nothing half-written, and a run killed with SIGKILL mid-way finishes on the next run with the
 * same database an uninterrupted run gives.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../cli/support.js";
import { dbDetections, qualys, query, tempDb, tenantUser, tenantWithClient } from "./support.js";
import { openSync } from "../support/sqlite-drivers.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith("QUALYS_")) delete process.env[k];
  Object.assign(process.env, env, { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "qualys-home-")) });
  return fn().finally(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
}

describe("qualys export", () => {
  it("a bad --db URL is a usage error (exit 2) and creates nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qualys-export-"));
    for (const db of ["mysql://localhost/x", "postgres://", "postgres://127.0.0.1", "sqlite:"]) {
      const r = await withEnv(tenantUser("http://127.0.0.1:1"), () => cli(["export", "--db", db]));
      expect(r.code, db).toBe(2);
      expect(r.stderr, db).toMatch(/--db/);
    }
    expect(existsSync(join(dir, "x"))).toBe(false);
  });

  it("a locked SQLite file fails with exit 1, saying so, and nothing is written", async () => {
    const path = tempDb("locked");
    const holder = openSync(path);
    holder.exec("CREATE TABLE other (x INTEGER)");
    holder.exec("BEGIN EXCLUSIVE");
    try {
      const r = await withEnv(tenantUser("http://127.0.0.1:1"), () => cli(["export", "--db", `sqlite:${path}`]));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/locked/);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    expect(query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")).toEqual([{ name: "other" }]);
  }, 60_000);

  it("a refused PostgreSQL connection fails with exit 1 and no password in the message", async () => {
    const r = await withEnv(tenantUser("http://127.0.0.1:1"), () => cli(["export", "--db", "postgres://me:hunter2@127.0.0.1:1/qualys"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot connect/);
    expect(r.stderr).not.toContain("hunter2");
  }, 60_000);

  it("draws a progress bar on a terminal and ends with a one-line summary", async () => {
    const t = await tenantWithClient({ hosts: 300, detectionsPerHost: 3, kbSize: 40, seed: 2, costPerHostMs: 1 });
    cleanup = t.close;
    const db = tempDb("tty");
    const r = await withEnv(tenantUser(t.tenant.url, t.tenant.gatewayUrl), () => cli(["export", "--db", `sqlite:${db}`, "--batch-size", "100", "--decode-threads", "0"], { tty: true }));
    expect(r.code).toBe(0);
    // One bar per kind, each with its own count.
    expect(r.stderr).toMatch(/detections .*300\/300 hosts \| [\d,]+ detections/);
    expect(r.stderr).toMatch(/hosts +.*300\/300 hosts \| 300 hosts/);
    expect(r.stderr).toMatch(/kb +.*40\/40 QIDs \| 40 QIDs/);
    expect(r.stderr).toMatch(/posture +.*(\d+)\/\1 hosts \| [\d,]+ postures/);
    // The cursor kinds count their rows against the plan's count.
    expect(r.stderr).toMatch(/assets +.*330\/330 assets \| 330 assets/);
    expect(r.stderr).toMatch(/webapps +.*10\/10 web apps \| 10 web apps/);
    expect(r.stderr).toMatch(/findings +.*(\d+)\/\1 findings \| \1 findings/);
    expect(r.stdout).toMatch(/^export run 1 \(full\): 300 hosts, [\d,]+ detections, 40 QIDs, [\d,]+ PC postures, 330 assets, 10 web apps, [\d,]+ WAS findings in [\d.]+ s \([\d,]+ detections\/s\) → sqlite:.*tty\.db\n$/);
    const plain = await withEnv(tenantUser(t.tenant.url, t.tenant.gatewayUrl), () => cli(["export", "--db", `sqlite:${db}`, "--batch-size", "100", "--decode-threads", "0"]));
    expect(plain.code).toBe(0);
    expect(plain.stderr).toBe("");
    expect(plain.stdout).toMatch(/^export run 2 \(incremental since /);
  }, 120_000);

  it("killed with SIGKILL mid-run, the same command finishes the run; the database equals an uninterrupted run's", async () => {
    const t = await tenantWithClient({ hosts: 1200, detectionsPerHost: 4, kbSize: 100, seed: 31, limits: { concurrency: 2 }, costPerHostMs: 2 });
    cleanup = t.close;
    const env = tenantUser(t.tenant.url, t.tenant.gatewayUrl);
    const killed = tempDb("killed");
    const args = (db: string) => ["export", "--db", `sqlite:${db}`, "--batch-size", "100", "--concurrency", "2", "--decode-threads", "0", "--what", "hosts,detections,kb"];
    // Killed once a random number of detection batches are committed.
    const killAfter = 2 + Math.floor(Math.random() * 5);
    const run1 = qualys(args(killed), env);
    const timer = setInterval(() => {
      try {
        const n = query<{ n: number }>(killed, "SELECT COUNT(*) AS n FROM export_batches WHERE status = 'done' AND kind = 'detections'")[0]!.n;
        if (n >= killAfter) run1.child.kill("SIGKILL");
      } catch {
        // the database is not there yet
      }
    }, 20);
    const first = await run1.done.finally(() => clearInterval(timer));
    expect(first.signal).toBe("SIGKILL");
    const pending = query<{ n: number }>(killed, "SELECT COUNT(*) AS n FROM export_batches WHERE status <> 'done'")[0]!.n;
    expect(pending).toBeGreaterThan(0);
    expect(query(killed, "SELECT status FROM export_runs")).toEqual([{ status: "running" }]);

    const second = await qualys(args(killed), env).done;
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^export run 1 \(full, resumed\): 1,200 hosts, [\d,]+ detections, 100 QIDs/);

    const whole = tempDb("whole");
    const third = await qualys(args(whole), env).done;
    expect(third.code).toBe(0);
    expect(dbDetections(killed)).toEqual(dbDetections(whole));
    for (const table of ["hosts", "detections", "kb_vulns", "kb_cves", "kb_vendor_refs"]) {
      expect(query(killed, `SELECT COUNT(*) AS n FROM ${table}`), table).toEqual(query(whole, `SELECT COUNT(*) AS n FROM ${table}`));
    }
    expect(query(killed, "SELECT host_id, ip, dns, os, extra FROM hosts ORDER BY host_id")).toEqual(query(whole, "SELECT host_id, ip, dns, os, extra FROM hosts ORDER BY host_id"));
    expect(query(killed, "SELECT status FROM export_runs")).toEqual([{ status: "succeeded" }]);
  }, 300_000);
});
