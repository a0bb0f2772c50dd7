/**
 * `qualys export` of the CSAM and WAS kinds from the shell: killed with SIGKILL in the middle of
 * the asset walk, the same command resumes the run from the last page written and leaves every
 * table equal to the tenant's model; a subscription without CSAM is one `skipped` line and exit 0,
 * naming the kind is exit 1 saying why; the kinds' filters are flags, a bad one a usage error.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { expectedTables, readTables } from "./module-truth.js";
import { qualys, query, tempDb, tenantUser, tenantWithClient } from "./support.js";

const SEARCH_ASSETS = "/rest/2.0/search/am/asset";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function tables(path: string) {
  const db = await openDatabase(`sqlite:${path}`, { readonly: true });
  try {
    return await readTables(db);
  } finally {
    await db.close();
  }
}

describe("qualys export of assets, web apps and findings", () => {
  it("killed with SIGKILL mid-walk, the same command resumes from the last page written; every table equals the model", async () => {
    // Each asset costs the tenant 2 ms to send: the walk of 1,650 assets takes a while.
    const t = await tenantWithClient({ hosts: 1500, detectionsPerHost: 1, kbSize: 60, seed: 81, webApps: 8, findingsPerWebApp: 30, costPerHostMs: 2 }, { gateway: true });
    cleanup = t.close;
    const env = tenantUser(t.tenant.url, t.tenant.gatewayUrl);
    const db = tempDb("modules-killed");
    const args = ["export", "--db", `sqlite:${db}`, "--what", "assets,webapps,findings", "--decode-threads", "0"];
    const sent: (string | null)[] = [];
    t.tenant.setFaults((call) => void (call.path === SEARCH_ASSETS && sent.push(call.params.get("lastSeenAssetId"))) as undefined);
    // Killed once a random number (1–3) of asset pages are committed.
    const pages = 1 + Math.floor(Math.random() * 3);
    const run1 = qualys(args, env);
    const timer = setInterval(() => {
      try {
        const [b] = query<{ records: number; status: string }>(db, "SELECT records, status FROM export_batches WHERE kind = 'assets'");
        if (b && b.status === "running" && b.records >= pages * 300) run1.child.kill("SIGKILL");
      } catch {
        // not there yet
      }
    }, 10);
    const first = await run1.done.finally(() => clearInterval(timer));
    expect(first.signal).toBe("SIGKILL");
    const [left] = query<{ records: number; cursor: string; status: string }>(db, "SELECT records, cursor, status FROM export_batches WHERE kind = 'assets'");
    expect(left!.status).toBe("running");
    expect(left!.records % 300).toBe(0);
    const ids = t.tenant.model.csam.assetIds();
    expect(left!.cursor).toBe(String(ids[left!.records - 1]));
    const before = sent.length;

    const second = await qualys(args, env).done;
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^export run 1 \(full, resumed\): 1,650 assets, 8 web apps, [\d,]+ WAS findings in /);
    // The resumed walk starts at the cursor: no page before it is asked for again.
    expect(sent[before]).toBe(left!.cursor);
    expect(sent.length - before).toBe(Math.ceil((1650 - left!.records) / 300));
    expect(query(db, "SELECT status FROM export_runs")).toEqual([{ status: "succeeded" }]);
    expect(await tables(db)).toEqual(expectedTables(t.tenant.model));
  }, 240_000);

  it("skips a module the subscription lacks with one line (exit 0), fails naming it (exit 1); filters are flags, a bad one exit 2", async () => {
    const t = await tenantWithClient({ hosts: 150, detectionsPerHost: 1, kbSize: 30, seed: 82, webApps: 6, findingsPerWebApp: 20, modules: { csam: false } }, { gateway: true });
    cleanup = t.close;
    const env = tenantUser(t.tenant.url, t.tenant.gatewayUrl);
    const db = tempDb("modules-skip");
    const all = await qualys(["export", "--db", `sqlite:${db}`, "--batch-size", "100", "--decode-threads", "0"], env).done;
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toBe("qualys export: skipped assets: the subscription has no CSAM access (countAssets answered HTTP 403)\n");
    expect(all.stdout).toMatch(/^export run 1 \(full\): 150 hosts, [\d,]+ detections, 30 QIDs, [\d,]+ PC postures, 6 web apps, [\d,]+ WAS findings in /);

    const named = await qualys(["export", "--db", `sqlite:${tempDb("named")}`, "--what", "assets"], env).done;
    expect(named.code).toBe(1);
    expect(named.stderr).toBe("qualys: the subscription has no CSAM access (countAssets answered HTTP 403)\n");

    const filtered = tempDb("filtered");
    const narrow = await qualys(["export", "--db", `sqlite:${filtered}`, "--what", "findings", "--finding-status", "ACTIVE,NEW", "--finding-severities", "4-5", "--full"], env).done;
    expect(narrow.code, narrow.stderr).toBe(0);
    const want = expectedTables(t.tenant.model).was_findings!.filter((f) => ["ACTIVE", "NEW"].includes(f.status) && f.severity >= 4);
    expect(query<{ finding_id: number }>(filtered, "SELECT finding_id FROM was_findings ORDER BY finding_id").map((r) => r.finding_id)).toEqual(want.map((f) => f.finding_id));
    expect(want.length).toBeGreaterThan(0);

    const bad = await qualys(["export", "--db", `sqlite:${tempDb("bad")}`, "--what", "findings", "--finding-status", "OPEN"], env).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/finding status "OPEN" is not one of NEW, ACTIVE, REOPENED, PROTECTED, FIXED/);
    const badFilter = await qualys(["export", "--db", `sqlite:${tempDb("bad2")}`, "--asset-filter", "name"], env).done;
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toMatch(/--asset-filter/);
  }, 180_000);
});
