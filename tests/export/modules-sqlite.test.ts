/**
 * The CSAM and WAS kinds (assets, webapps, findings) into SQLite, once per driver, against the
 * synthetic tenant: every table equals the tenant's model; 64-bit software ids stay exact; CSAM's
 * 429 is waited out (and, once its limits are known, never met); a reset mid-page and a 503 are
 * retried; a walk that fails for good keeps its cursor and the next run goes on from there; an
 * incremental run after the tenant moves on updates what changed, a full one marks what left; a
 * subscription without CSAM or WAS is skipped with one line (and fails when named); filters the
 * APIs have narrow the walks and mark nothing removed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { exportSubscription, ExportIncompleteError, type ExportProgress } from "../../src/export.js";
import { ModuleUnavailableError } from "../../src/errors.js";
import { SQLITE_DRIVERS } from "../support/sqlite-drivers.js";
import { counts, expectedTables, readTables } from "./module-truth.js";
import { query, tempDb, tenantWithClient } from "./support.js";

const SEARCH_ASSETS = "/rest/2.0/search/am/asset";
const SEARCH_FINDINGS = "/qps/rest/3.0/search/was/finding";
const MODULES = ["assets", "webapps", "findings"] as const;
const fast = { backoffMs: () => 10, decodeThreads: 0 };

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
  delete process.env.QUALYS_SQLITE_DRIVER;
});

async function tables(path: string, present = false) {
  const db = await openDatabase(`sqlite:${path}`, { readonly: true });
  try {
    return await readTables(db, { present });
  } finally {
    await db.close();
  }
}

describe.each(SQLITE_DRIVERS)("CSAM and WAS into SQLite (%s)", (driver) => {
  it("a full export equals the tenant's model in every table, 64-bit ids exact, with a progress bar per kind", async () => {
    process.env.QUALYS_SQLITE_DRIVER = driver;
    const t = await tenantWithClient({ hosts: 700, detectionsPerHost: 2, kbSize: 120, seed: 61, webApps: 12, findingsPerWebApp: 30 }, { gateway: true });
    cleanup = t.close;
    const db = tempDb("modules");
    const progress: ExportProgress[] = [];
    // The progress object is updated in place: a copy of each report.
    const summary = await exportSubscription(t.client, { db, what: [...MODULES], onProgress: (p) => progress.push(structuredClone(p)), ...fast });
    const want = expectedTables(t.tenant.model);
    const got = await tables(db);
    expect(counts(got)).toEqual(counts(want));
    expect(got).toEqual(want);
    expect(want.assets!.length).toBe(770);
    expect(want.was_findings!.length).toBeGreaterThan(300);
    expect(summary.totals).toEqual({ assets: 770, webapps: 12, findings: want.was_findings!.length });
    // Software ids past 2^53 are there, digit for digit.
    const big = want.asset_software!.filter((r) => BigInt(r.software_id) > BigInt(Number.MAX_SAFE_INTEGER));
    expect(big.length).toBeGreaterThan(100);
    expect(query(db, "SELECT COUNT(*) AS n FROM asset_software WHERE length(software_id) = 19")).toEqual([{ n: big.length }]);
    // Assets page by 300: three pages, each its own commit, the cursor kept with it.
    expect(t.tenant.stats.byPath[SEARCH_ASSETS]!.calls).toBe(3);
    expect(query(db, "SELECT kind, status, records, cursor FROM export_batches ORDER BY kind")).toEqual([
      { kind: "assets", status: "done", records: 770, cursor: String(want.assets!.at(-1)!.asset_id) },
      { kind: "findings", status: "done", records: want.was_findings!.length, cursor: expect.any(String) },
      { kind: "webapps", status: "done", records: 12, cursor: null },
    ]);
    // The assets bar moved page by page against the planned count.
    const assetBar = progress.map((p) => p.kinds.assets!).map((k) => [k.idsDone, k.ids]);
    expect(assetBar).toContainEqual([300, 770]);
    expect(assetBar).toContainEqual([600, 770]);
    expect(assetBar.at(-1)).toEqual([770, 770]);
    // The asset links to its VM host; the finding to its KB entry's QID.
    expect(query(db, "SELECT COUNT(*) AS n FROM assets WHERE host_id IS NOT NULL")).toEqual([{ n: 700 }]);
    expect(t.tenant.stats.blocked).toBe(0);
  }, 180_000);

  it("waits out CSAM's limits without a blocked call once they are known", async () => {
    process.env.QUALYS_SQLITE_DRIVER = driver;
    // 4 CSAM calls per 2 s: five pages need a wait the scheduler must take from the headers.
    const t = await tenantWithClient({ hosts: 1300, detectionsPerHost: 1, kbSize: 60, seed: 62, moduleLimits: { csam: { rate: { limit: 4, windowSec: 2 } } } }, { gateway: true });
    cleanup = t.close;
    const db = tempDb("limits");
    await exportSubscription(t.client, { db, what: ["assets"], ...fast });
    expect(t.tenant.stats.blocked).toBe(0);
    expect(t.tenant.stats.byPath[SEARCH_ASSETS]!.calls).toBe(5);
    expect((await tables(db)).assets).toEqual(expectedTables(t.tenant.model).assets);
  }, 180_000);

  it("meets a 429 when others used the quota up, waits as told; retries a page that breaks off or is a 503 through every client attempt, from its cursor", async () => {
    process.env.QUALYS_SQLITE_DRIVER = driver;
    const t = await tenantWithClient({ hosts: 1300, detectionsPerHost: 1, kbSize: 60, seed: 62, webApps: 10, findingsPerWebApp: 60, moduleLimits: { csam: { rate: { limit: 4, windowSec: 2 } } } }, { gateway: true });
    cleanup = t.close;
    // Someone else used the quota up: the first call meets a 429, waits as told, and the run succeeds.
    t.tenant.spend(SEARCH_ASSETS, 4);
    // The second asset page breaks off after 120 assets, and the second findings page is a 503
    // page, through all three of the client's own attempts: the export retries the page from its cursor.
    const sent: (string | null)[] = [];
    t.tenant.setFaults((call) => {
      if (call.path === SEARCH_ASSETS) sent.push(call.params.get("lastSeenAssetId"));
      return (call.path === SEARCH_ASSETS && [2, 3, 4].includes(call.nth) && { kind: "reset", afterRecords: 120 }) || (call.path === SEARCH_FINDINGS && [2, 3, 4].includes(call.nth) && { kind: "status", status: 503 });
    });
    const db = tempDb("faults");
    const summary = await exportSubscription(t.client, { db, what: [...MODULES], ...fast });
    expect(t.tenant.stats.byPath[SEARCH_ASSETS]!.blockedRate).toBe(1);
    expect(t.tenant.stats.blocked).toBe(1);
    expect(t.tenant.stats.faulted).toBe(6);
    expect(summary.retries).toBe(2);
    const id = (i: number) => String(t.tenant.model.csam.assetIds()[i]!);
    expect(sent).toEqual([null, id(299), id(299), id(299), id(299), id(599), id(899), id(1199)]);
    t.tenant.setFaults(undefined);
    const want = expectedTables(t.tenant.model);
    expect(want.was_findings!.length).toBeGreaterThan(300);
    expect(await tables(db)).toEqual(want);
  }, 180_000);

  it("a walk that fails for good keeps its cursor; the next run goes on from it and ends exact", async () => {
    process.env.QUALYS_SQLITE_DRIVER = driver;
    const t = await tenantWithClient({ hosts: 1000, detectionsPerHost: 1, kbSize: 60, seed: 63, webApps: 4, findingsPerWebApp: 5 }, { gateway: true });
    cleanup = t.close;
    const db = tempDb("cursor");
    // The third asset page fails every time.
    const third = t.tenant.model.csam.assetIds()[599]!;
    t.tenant.setFaults((call) => call.path === SEARCH_ASSETS && call.params.get("lastSeenAssetId") === String(third) && { kind: "status", status: 503 });
    const failed = await exportSubscription(t.client, { db, what: ["assets"], attempts: 2, ...fast }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ExportIncompleteError);
    expect(query(db, "SELECT status, records, cursor FROM export_batches")).toEqual([{ status: "failed", records: 600, cursor: String(third) }]);
    expect(query(db, "SELECT COUNT(*) AS n FROM assets")).toEqual([{ n: 600 }]);

    t.tenant.setFaults(undefined);
    const sent: (string | null)[] = [];
    t.tenant.setFaults((call) => {
      if (call.path === SEARCH_ASSETS) sent.push(call.params.get("lastSeenAssetId"));
      return undefined;
    });
    const resumed = await exportSubscription(t.client, { db, what: ["assets"], ...fast });
    expect(resumed).toMatchObject({ resumed: true, totals: { assets: 1100 } });
    // From the cursor on, not from the start.
    expect(sent).toEqual([String(third), String(t.tenant.model.csam.assetIds()[899]!)]);
    const want = expectedTables(t.tenant.model);
    const got = await tables(db);
    for (const table of ["assets", "asset_software", "asset_open_ports", "asset_tags", "asset_network_interfaces"]) expect(got[table], table).toEqual(want[table]);
  }, 180_000);

  it("incremental after the tenant moves on: changed and new rows updated; a full run marks what left removed", async () => {
    process.env.QUALYS_SQLITE_DRIVER = driver;
    const t = await tenantWithClient({ hosts: 600, detectionsPerHost: 2, kbSize: 150, seed: 64, webApps: 10, findingsPerWebApp: 20 }, { gateway: true });
    cleanup = t.close;
    const db = tempDb("incremental");
    await exportSubscription(t.client, { db, what: [...MODULES], ...fast });
    const before = await tables(db);
    const step = t.tenant.advance({ days: 2, changeFraction: 0.25, hostChurn: 0.05 });
    expect(step.hostChurn).toBeGreaterThan(0);
    const incremental = await exportSubscription(t.client, { db, what: [...MODULES], ...fast });
    expect(incremental.mode).toBe("incremental");
    const want = expectedTables(t.tenant.model);
    // Fewer records than a full walk, yet every live row as the tenant has it now.
    expect(incremental.totals.assets!).toBeLessThan(want.assets!.length);
    expect(incremental.totals.findings!).toBeLessThan(want.was_findings!.length);
    expect(incremental.totals.webapps!).toBeLessThan(want.was_webapps!.length);
    expect(incremental.marked).toEqual({});
    const live = new Set(want.assets!.map((a) => a.asset_id));
    const got = await tables(db);
    const onlyLive = (rows: Record<string, unknown>[]) => rows.filter((r) => live.has(r.asset_id as number));
    for (const table of ["assets", "asset_software", "asset_open_ports", "asset_tags", "asset_network_interfaces"]) expect(onlyLive(got[table]!), table).toEqual(want[table]);
    for (const table of ["was_webapps", "was_webapp_tags", "was_findings", "was_finding_results"]) expect(got[table], table).toEqual(want[table]);
    // Something did change: fixed and re-opened findings, new web apps, sensor updates.
    expect(got.was_findings).not.toEqual(before.was_findings);
    const gone = before.assets!.filter((a) => !live.has(a.asset_id as number)).map((a) => a.asset_id);
    expect(gone.length).toBeGreaterThan(0);
    expect(query(db, "SELECT COUNT(*) AS n FROM assets WHERE removed_at IS NOT NULL")).toEqual([{ n: 0 }]);

    const full = await exportSubscription(t.client, { db, what: [...MODULES], full: true, ...fast });
    expect(full.marked).toEqual({ assets: gone.length, was_webapps: 0, was_findings: 0 });
    expect(query<{ asset_id: number }>(db, "SELECT asset_id FROM assets WHERE removed_at IS NOT NULL ORDER BY asset_id").map((r) => r.asset_id)).toEqual(gone);
    expect(await tables(db, true)).toEqual(want);
    // A removed asset that comes back is present again: nothing here comes back, so a second full run marks nothing more.
    const again = await exportSubscription(t.client, { db, what: ["assets"], full: true, ...fast });
    expect(again.marked).toEqual({ assets: 0 });
  }, 240_000);

  it("a kind no run has written yet is walked whole even in an incremental run (the first run after an upgrade)", async () => {
    process.env.QUALYS_SQLITE_DRIVER = driver;
    const t = await tenantWithClient({ hosts: 500, detectionsPerHost: 1, kbSize: 60, seed: 68, webApps: 6, findingsPerWebApp: 10 }, { gateway: true });
    cleanup = t.close;
    const db = tempDb("upgrade");
    // What an older qualys-ts exported: the VM kinds alone.
    await exportSubscription(t.client, { db, what: ["hosts", "detections", "kb"], batchSize: 100, ...fast });
    t.tenant.advance({ days: 1, changeFraction: 0.1 });
    const next = await exportSubscription(t.client, { db, batchSize: 100, ...fast });
    expect(next.mode).toBe("incremental");
    expect(next.hosts).toBeLessThan(500);
    // The new kinds' batches ask for everything; the VM ones only for what changed.
    expect(query(db, "SELECT kind, ids FROM export_batches WHERE run_id = 2 AND kind IN ('assets', 'webapps', 'findings') ORDER BY kind")).toEqual([
      { kind: "assets", ids: JSON.stringify({ total: 550 }) },
      { kind: "findings", ids: expect.not.stringContaining("since") },
      { kind: "webapps", ids: JSON.stringify({ total: 6 }) },
    ]);
    expect(await tables(db)).toEqual(expectedTables(t.tenant.model));
    // The run after walks only what changed since this one.
    const third = await exportSubscription(t.client, { db, ...fast });
    const [asked] = query<{ ids: string }>(db, "SELECT ids FROM export_batches WHERE run_id = 3 AND kind = 'assets'").map((r) => JSON.parse(r.ids) as { total: number; since: string });
    expect(asked).toEqual({ total: expect.any(Number), since: third.since });
    expect(asked!.total).toBeLessThan(550);
  }, 120_000);

  it("a subscription without CSAM and WAS: a default run skips them with one line each and succeeds; naming one fails", async () => {
    process.env.QUALYS_SQLITE_DRIVER = driver;
    const t = await tenantWithClient({ hosts: 200, detectionsPerHost: 2, kbSize: 40, seed: 65, modules: { csam: false, was: false } }, { gateway: true });
    cleanup = t.close;
    const db = tempDb("no-modules");
    const summary = await exportSubscription(t.client, { db, batchSize: 100, ...fast });
    expect(summary.skipped).toEqual([
      "assets: the subscription has no CSAM access (countAssets answered HTTP 403)",
      "webapps, findings: the subscription has no WAS access (countWebApps answered UNAUTHORIZED: You are not authorized to access the application through the API.)",
    ]);
    expect(summary.totals).toEqual({ hosts: 200, detections: expect.any(Number), kb: 40, posture: expect.any(Number) });
    // The run keeps what was asked (a rerun joins it), the skipped kinds without batches.
    expect(query(db, "SELECT what FROM export_runs")).toEqual([{ what: "hosts,detections,kb,posture,assets,webapps,findings" }]);
    expect(query(db, "SELECT DISTINCT kind FROM export_batches ORDER BY kind")).toEqual([{ kind: "detections" }, { kind: "hosts" }, { kind: "kb" }, { kind: "posture" }]);
    // A full default run of a subscription without the module marks nothing of it removed.
    expect(summary.marked).toEqual({});
    for (const what of [["assets"], ["webapps", "hosts"]] as const) {
      const err = await exportSubscription(t.client, { db: tempDb("named"), what: [...what], ...fast }).catch((e: unknown) => e);
      expect(err, what.join()).toBeInstanceOf(ModuleUnavailableError);
      expect((err as ModuleUnavailableError).module).toBe(what[0] === "assets" ? "csam" : "was");
    }

    // A client with no gateway URL at all cannot reach CSAM: skipped too, saying why.
    const vmOnly = await tenantWithClient({ hosts: 100, kbSize: 20, seed: 66, webApps: 3 });
    try {
      const s = await exportSubscription(vmOnly.client, { db: tempDb("vm-only"), batchSize: 100, ...fast });
      expect(s.skipped).toEqual(["posture: PCRS cannot be reached (no gateway URL: give a platform or baseUrls.gateway)", "assets: CSAM cannot be reached (no gateway URL: give a platform or baseUrls.gateway)"]);
      expect(s.totals).toMatchObject({ webapps: 3 });
    } finally {
      await vmOnly.close();
    }
  }, 120_000);

  it("filters the APIs have narrow the walks (finding status and severity, a CSAM filter); a filtered full run marks nothing", async () => {
    process.env.QUALYS_SQLITE_DRIVER = driver;
    const t = await tenantWithClient({ hosts: 400, detectionsPerHost: 1, kbSize: 150, seed: 67, webApps: 10, findingsPerWebApp: 25 }, { gateway: true });
    cleanup = t.close;
    const db = tempDb("filters");
    const summary = await exportSubscription(t.client, {
      db, what: ["assets", "findings"], full: true, moduleFilters: { assets: ["operatingSystem.category1:EQUALS:Windows"], findingStatus: "fixed,REOPENED", findingSeverities: "3-5" }, ...fast,
    });
    const want = expectedTables(t.tenant.model);
    const findings = want.was_findings!.filter((f) => ["FIXED", "REOPENED"].includes(f.status) && f.severity >= 3);
    const assets = want.assets!.filter((a) => a.os_category === "Windows");
    expect(findings.length).toBeGreaterThan(5);
    expect(assets.length).toBeGreaterThan(20);
    const got = await tables(db);
    expect(got.was_findings).toEqual(findings);
    expect(got.assets).toEqual(assets);
    expect(summary.marked).toEqual({});
    await expect(exportSubscription(t.client, { db, what: ["findings"], moduleFilters: { findingStatus: "OPEN" }, ...fast })).rejects.toThrow(/finding status "OPEN" is not one of NEW, ACTIVE, REOPENED, PROTECTED, FIXED/);
    await expect(exportSubscription(t.client, { db, what: ["assets"], moduleFilters: { assets: ["name"] }, ...fast })).rejects.toThrow(/asset filter "name": .*FIELD:OPERATOR:VALUE/);
  }, 120_000);
});
