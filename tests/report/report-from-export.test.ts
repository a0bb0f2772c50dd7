/**
 * The report on a database that `qualys export` really wrote: a synthetic tenant exported twice
 * (a full run, then an incremental one after time moved on, so the trend has two points and
 * some detections were fixed in between), then every figure of the report checked against its
 * own SQL rerun on that database, the headline against direct counts, the PC pass rates against
 * the tenant's own posture, and the ATT&CK and detection-source counts against the open
 * detections' cells split in TypeScript.
 */
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import type { Database } from "../../src/db/database.js";
import { exportSubscription } from "../../src/export.js";
import { buildReport, type Report } from "../../src/report.js";
import { tempDb } from "../export/support.js";
import { tenantWithGateway } from "../export/posture-support.js";
import { expectTablesMatchQueries, SECTION_IDS } from "../support/report-check.js";
import { parseReport } from "../support/report-html.js";

const path = tempDb("report-from-export");
const url = `sqlite:${path}`;
let report: Report;
let db: Database;
/** Per active policy, the tenant's postures by status: what the pass-rate section must show. */
let postures: Map<number, { title: string; hosts: Set<number>; passed: number; failed: number; errors: number }>;

beforeAll(async () => {
  // With the gateway: PC posture, CSAM assets and WAS findings are exported too, for the sections on them.
  const t = await tenantWithGateway({ hosts: 300, detectionsPerHost: 15, kbSize: 400, seed: 11, webApps: 12, findingsPerWebApp: 25 });
  try {
    await exportSubscription(t.client, { db: url, batchSize: 100, postureBatchSize: 50, decodeThreads: 0, backoffMs: () => 10 });
    t.tenant.advance({ days: 20, changeFraction: 0.3 });
    // Full, so posture purged hosts had is dropped and the database equals the tenant now.
    await exportSubscription(t.client, { db: url, batchSize: 100, postureBatchSize: 50, decodeThreads: 0, backoffMs: () => 10, full: true });
    postures = new Map();
    const active = t.tenant.model.pc.policyDefs().filter((p) => p.status === "active").map((p) => p.id);
    for (const r of t.tenant.model.pc.rows({}, active)) {
      const p = postures.get(r.policyId) ?? { title: String(r.policyTitle), hosts: new Set<number>(), passed: 0, failed: 0, errors: 0 };
      p.hosts.add(r.hostId);
      if (r.status === "Passed") p.passed++;
      else if (r.status === "Failed") p.failed++;
      else p.errors++;
      postures.set(r.policyId, p);
    }
  } finally {
    await t.close();
  }
  report = await buildReport({ db: url });
  db = await openDatabase(url, { readonly: true });
}, 120_000);

afterAll(async () => {
  await db?.close();
  rmSync(dirname(path), { recursive: true, force: true });
});

describe("report on an exported tenant", () => {
  it("shows in every table exactly what its SQL returns when rerun on the export", async () => {
    await expectTablesMatchQueries(report, db);
  });

  it("has every section, two export runs in the trend, and fixed detections to time", async () => {
    for (const id of SECTION_IDS) expect(report.html).toContain(`id="${id}"`);
    const runs = (await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM export_runs WHERE status = 'succeeded'"))[0]!.n;
    expect(Number(runs)).toBe(2);
    const fixed = (await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM detections WHERE status = 'Fixed'"))[0]!.n;
    expect(Number(fixed)).toBeGreaterThan(0);
  });

  it("the CSAM and WAS sections add up to direct counts on the database", async () => {
    const count = async (sql: string) => Number(Object.values((await db.all(sql))[0]!)[0]);
    const rows = (id: string) => report.sections.find((s) => s.id === id)!.rows;
    const sum = (id: string, key: string) => rows(id).reduce((n, r) => n + Number(r[key]), 0);
    const present = await count("SELECT COUNT(*) FROM assets WHERE removed_at IS NULL");
    expect(present).toBeGreaterThan(300);
    expect(sum("assets-check-in", "assets")).toBe(present);
    expect(sum("assets-by-os", "vm_hosts")).toBe(await count("SELECT COUNT(*) FROM assets WHERE removed_at IS NULL AND host_id IN (SELECT host_id FROM hosts)"));
    expect(sum("was-by-severity", "open_findings")).toBe(await count("SELECT COUNT(*) FROM open_was_findings"));
    expect(sum("was-by-severity", "open_findings")).toBeGreaterThan(0);
    expect(sum("was-by-severity", "fixed")).toBeGreaterThan(0);
    // Every open finding's QID is in the exported KnowledgeBase.
    expect(await count("SELECT COUNT(*) FROM open_was_findings f LEFT JOIN kb_vulns k ON k.qid = f.qid WHERE k.qid IS NULL")).toBe(0);
  });

  it("PC pass rate by policy: the tenant's own postures, policy by policy", () => {
    const shown = parseReport(report.html).get("pc-pass-rate")!;
    expect(shown.rows.length).toBe(postures.size);
    for (const row of shown.rows) {
      const want = postures.get(Number(row[0]))!;
      const total = want.passed + want.failed + want.errors;
      expect(row.slice(1, 7)).toEqual([want.title, String(want.hosts.size), total.toLocaleString("en-US"), want.passed.toLocaleString("en-US"), want.failed.toLocaleString("en-US"), want.errors.toLocaleString("en-US")]);
      expect(Math.abs(Number(row[7]) - (100 * want.passed) / total)).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    expect(parseReport(report.html).get("pc-failed-controls")!.rows.length).toBe(20);
  });

  it("ATT&CK tactics and detection sources: the open detections' cells split in TypeScript, each value counted", async () => {
    const open = await db.all<{ host_id: number; mitre_tactic_id: string | null; latest_detection_source: string | null }>("SELECT host_id, mitre_tactic_id, latest_detection_source FROM open_detections");
    const count = (cell: (d: (typeof open)[number]) => string | null) => {
      const per = new Map<string, number>();
      for (const d of open) for (const v of cell(d)?.split(", ") ?? ["—"]) per.set(v, (per.get(v) ?? 0) + 1);
      return Object.fromEntries([...per].sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    /** The section's value (first column) → its open detections (column `at`). */
    const shown = (id: string, at: number) => {
      const rows = parseReport(report.html).get(id)!.rows.map((r) => [r[0]!, Number(r[at]!.replace(/,/g, ""))] as const);
      return Object.fromEntries([...rows].sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    const tactics = count((d) => d.mitre_tactic_id);
    // Some QIDs map to two tactics: counted under each, more than the open detections in all.
    expect(Object.values(tactics).reduce((a, b) => a + b, 0)).toBeGreaterThan(open.length);
    expect(shown("mitre-tactics", 2)).toEqual(tactics);
    expect(shown("detection-sources", 1)).toEqual(count((d) => d.latest_detection_source));
  });

  it("headline: open detections equal a direct count on the database", async () => {
    const open = Number((await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM open_detections"))[0]!.n);
    expect(open).toBeGreaterThan(0);
    expect(report.html).toContain(open.toLocaleString("en-US"));
  });
});
