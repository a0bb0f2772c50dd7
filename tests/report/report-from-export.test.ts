/**
 * The report on a database that `qualys export` really wrote: a synthetic tenant exported twice
 * (a full run, then an incremental one after time moved on, so the trend has two points and
 * some detections were fixed in between), then every figure of the report checked against its
 * own SQL rerun on that database, and the headline against direct counts.
 */
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import type { Database } from "../../src/db/database.js";
import { exportSubscription } from "../../src/export.js";
import { buildReport, type Report } from "../../src/report.js";
import { tempDb, tenantWithClient } from "../export/support.js";
import { expectTablesMatchQueries, SECTION_IDS } from "../support/report-check.js";

const path = tempDb("report-from-export");
const url = `sqlite:${path}`;
let report: Report;
let db: Database;

beforeAll(async () => {
  // With the gateway: CSAM assets and WAS findings are exported too, for the sections on them.
  const t = await tenantWithClient({ hosts: 300, detectionsPerHost: 15, kbSize: 400, seed: 11, webApps: 12, findingsPerWebApp: 25 }, { gateway: true });
  try {
    await exportSubscription(t.client, { db: url, batchSize: 100, decodeThreads: 0, backoffMs: () => 10 });
    t.tenant.advance({ days: 20, changeFraction: 0.3 });
    await exportSubscription(t.client, { db: url, batchSize: 100, decodeThreads: 0, backoffMs: () => 10 });
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

  it("headline: open detections equal a direct count on the database", async () => {
    const open = Number((await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM open_detections"))[0]!.n);
    expect(open).toBeGreaterThan(0);
    expect(report.html).toContain(open.toLocaleString("en-US"));
  });
});
