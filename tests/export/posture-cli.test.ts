/**
 * `qualys export` with PC posture from the shell, into SQLite: a run of every kind killed with
 * SIGKILL mid-posture finishes on the next run with every posture table equal to the tenant's; a
 * terminal shows a posture bar and the summary names the postures; a subscription without PC is
 * skipped with one line (exit 0), and `--what posture` on it fails with one line (exit 1).
 */
import { afterEach, describe, expect, it } from "vitest";
import { cli, withEnv } from "../cli/support.js";
import { expectedTables, expectTablesEqual, gatewayUser, tenantWithGateway } from "./posture-support.js";
import { qualys, query, tempDb } from "./support.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe("qualys export with PC posture", () => {
  it("killed with SIGKILL mid-run, the same command finishes the run; every posture table equals the tenant's", async () => {
    const t = await tenantWithGateway({ hosts: 500, detectionsPerHost: 2, kbSize: 20, seed: 91, moduleLimits: { pcrs: { rate: { limit: 3, windowSec: 1 }, concurrency: 2 } }, costPerHostMs: 1 });
    cleanup = t.close;
    const db = tempDb("killed");
    const args = ["export", "--db", `sqlite:${db}`, "--posture-batch-size", "10", "--concurrency", "2", "--decode-threads", "0"];
    const run1 = qualys(args, gatewayUser(t.tenant));
    const killAfter = 2 + Math.floor(Math.random() * 4);
    const timer = setInterval(() => {
      try {
        const n = query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM export_batches WHERE status = 'done' AND kind = 'posture'")[0]!.n;
        if (n >= killAfter) run1.child.kill("SIGKILL");
      } catch {
        // the database is not there yet
      }
    }, 20);
    const first = await run1.done.finally(() => clearInterval(timer));
    expect(first.signal).toBe("SIGKILL");
    expect(query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM export_batches WHERE kind = 'posture' AND status <> 'done'")[0]!.n).toBeGreaterThan(0);

    const second = await qualys(args, gatewayUser(t.tenant)).done;
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^export run 1 \(full, resumed\): 500 hosts, [\d,]+ detections, 20 QIDs, [\d,]+ PC postures, 550 assets, 10 web apps, [\d,]+ WAS findings in /);
    await expectTablesEqual(`sqlite:${db}`, expectedTables(t.tenant.model), expect);
    expect(query(db, "SELECT status FROM export_runs")).toEqual([{ status: "succeeded" }]);
    expect(t.tenant.stats.blocked).toBe(0);
  }, 240_000);

  it("draws a posture bar on a terminal and names the postures in its summary", async () => {
    const t = await tenantWithGateway({ hosts: 200, detectionsPerHost: 1, kbSize: 5, seed: 92 });
    cleanup = t.close;
    const db = tempDb("tty");
    const hosts = expectedTables(t.tenant.model).pc_hosts.length;
    const r = await withEnv(gatewayUser(t.tenant), () => cli(["export", "--db", `sqlite:${db}`, "--what", "posture", "--posture-batch-size", "20"], { tty: true }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`posture .*${hosts}/${hosts} hosts \\| [\\d,]+ postures`));
    expect(r.stdout).toMatch(/^export run 1 \(full\): [\d,]+ PC postures in [\d.]+ s → sqlite:/);
  }, 120_000);

  it("a subscription without PC: skipped with one line and exit 0; --what posture fails with one line, exit 1", async () => {
    const t = await tenantWithGateway({ hosts: 40, detectionsPerHost: 1, kbSize: 5, seed: 93, modules: { pc: false } });
    cleanup = t.close;
    const all = await withEnv(gatewayUser(t.tenant), () => cli(["export", "--db", `sqlite:${tempDb("no-pc")}`, "--decode-threads", "0"]));
    expect(all.code).toBe(0);
    expect(all.stderr).toBe("qualys export: skipped posture: the subscription has no PCRS access (HTTP 401 with a valid token: Policy Compliance is not enabled for this subscription)\n");
    expect(all.stdout).toMatch(/^export run 1 \(full\): 40 hosts, [\d,]+ detections, 5 QIDs, 44 assets, 10 web apps, [\d,]+ WAS findings in /);
    const named = await withEnv(gatewayUser(t.tenant), () => cli(["export", "--db", `sqlite:${tempDb("no-pc-named")}`, "--what", "posture"]));
    expect(named.code).toBe(1);
    expect(named.stderr).toBe("qualys: the subscription has no PCRS access (HTTP 401 with a valid token: Policy Compliance is not enabled for this subscription)\n");
  }, 120_000);
});
