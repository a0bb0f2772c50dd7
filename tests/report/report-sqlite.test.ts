/**
 * The report on a SQLite export database filled with deterministic synthetic rows: every table
 * equals its own SQL rerun on the database and the figures computed independently from the rows;
 * the page is self-contained, escapes KB text, and `since` narrows fixes and runs.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseError } from "../../src/errors.js";
import { InvalidParameterError } from "../../src/runtime/errors/invalid-parameter-error.js";
import { openDatabase } from "../../src/db/open.js";
import type { Database } from "../../src/db/database.js";
import { buildReport, writeReport, type Report } from "../../src/report.js";
import { MIGRATIONS } from "../../src/export/schema.js";
import { SECTIONS } from "../../src/report/sections/index.js";
import { HOSTILE_TITLE, HOSTILE_WEBAPP } from "../support/export-data.js";
import { applyMigrations, fillExportDatabase } from "../support/export-db.js";
import { parseReport } from "../support/report-html.js";
import { CHART_IDS, expectFiguresMatchOracle, expectTablesMatchQueries, MODULE_SECTION_IDS, SECTION_IDS } from "../support/report-check.js";
import { ExportRows, oracle } from "../support/report-oracle.js";

const asOf = "2026-06-01T00:00:00Z";
const dir = mkdtempSync(join(tmpdir(), "qualys-ts-report-"));
const url = `sqlite:${join(dir, "export.db")}`;
const rows = new ExportRows();
let db: Database;
let report: Report;

beforeAll(async () => {
  const setup = await openDatabase(url);
  await fillExportDatabase(setup, { hosts: 400, detectionsPerHost: 12, qids: 260, runs: 10, asOf, seed: 7 }, (b) => rows.add(b));
  await setup.close();
  report = await buildReport({ db: url, asOf });
  db = await openDatabase(url, { readonly: true });
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("report on SQLite", () => {
  it("shows in every table exactly what its SQL returns when rerun", async () => {
    await expectTablesMatchQueries(report, db);
  });

  it("shows the figures computed independently from the generated rows", () => {
    expectFiguresMatchOracle(report.html, oracle(rows, asOf));
  });

  it("draws a chart for every section but the headline", () => {
    const sections = parseReport(report.html);
    for (const id of CHART_IDS) {
      const svg = sections.get(id)!.svg;
      expect(svg, id).not.toBeNull();
      expect(svg!.querySelectorAll("path, rect, line").length, id).toBeGreaterThan(5);
    }
    expect(sections.get("summary")!.svg).toBeNull();
    expect(report.sections.flatMap((s) => s.chartWarnings)).toEqual([]);
  });

  it("writes a page that needs nothing from outside and runs no script", () => {
    expect(report.html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(report.html).not.toMatch(/\b(?:src|href)="(?!#)/);
    expect(report.html).toMatch(/http-equiv="Content-Security-Policy" content="default-src 'none'/);
    // No external references inside the SVGs either (xmlns names are not fetched).
    expect(report.html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]+"/g, "")).not.toMatch(/https?:\/\//);
  });

  it("escapes KB titles and web app names in tables and charts", () => {
    expect(report.html).not.toContain(HOSTILE_WEBAPP);
    expect(parseReport(report.html).get("was-by-webapp")!.rows.map((r) => r[1])).toContain(HOSTILE_WEBAPP);
    expect(report.html).not.toContain(HOSTILE_TITLE);
    expect(report.html).toContain("&lt;script&gt;alert(");
    const qids = parseReport(report.html).get("top-qids")!;
    expect(qids.rows.map((r) => r[1])).toContain(HOSTILE_TITLE);
  });

  it("counts only fixes and runs since --since", async () => {
    const since = "2026-04-01";
    const narrowed = await buildReport({ db, asOf, since });
    expect(narrowed.since).toBe("2026-04-01T00:00:00Z");
    await expectTablesMatchQueries(narrowed, db);
    const want = oracle(rows, asOf, narrowed.since);
    expectFiguresMatchOracle(narrowed.html, want);
    const all = parseReport(report.html);
    const some = parseReport(narrowed.html);
    expect(some.get("trend")!.rows.length).toBeLessThan(all.get("trend")!.rows.length);
    const fixes = (s: ReturnType<typeof parseReport>) => s.get("time-to-fix")!.rows.reduce((n, r) => n + Number(r[1]!.replace(/,/g, "")), 0);
    expect(fixes(some)).toBeLessThan(fixes(all));
    expect(fixes(some)).toBeGreaterThan(0);
    // Open detections do not depend on since.
    expect(some.get("by-severity")!.rows).toEqual(all.get("by-severity")!.rows);
  });

  it("measures ages against asOf, written into the SQL", async () => {
    const later = await buildReport({ db, asOf: "2027-06-01T00:00:00Z" });
    const ageing = later.sections.find((s) => s.id === "ageing")!;
    expect(ageing.sql).toContain("'2027-06-01T00:00:00Z'");
    // A year on, nothing is younger than 31 days.
    expect(ageing.rows.every((r) => r.days_0_30 === 0)).toBe(true);
  });

  it("reports an export database with no rows yet: zero figures, no charts, empty tables", async () => {
    const fresh = await openDatabase(`sqlite:${join(dir, "fresh.db")}`);
    try {
      await applyMigrations(fresh);
      const empty = await buildReport({ db: fresh, asOf });
      const sections = parseReport(empty.html);
      const summary = sections.get("summary")!;
      expect(Object.fromEntries(summary.columns.map((c, i) => [c, summary.rows[0]![i]]))).toEqual({
        active_hosts: "0",
        open_detections: "0",
        affected_hosts: "0",
        open_sev45: "0",
        open_qids: "0",
        last_run_id: "—",
        last_run_finished_at: "—",
      });
      for (const id of CHART_IDS) {
        expect(sections.get(id)!.rows, id).toEqual([]);
        expect(sections.get(id)!.svg, id).toBeNull();
        // Each says what no rows means: the sections over PC posture and HLD 5.0 data in their own words.
        expect(sections.get(id)!.nodata, id).toBe(SECTIONS.find((s) => s.id === id)!.empty ?? "No data to chart.");
        expect(sections.get(id)!.notRun, id).toBe(false);
      }
      expect(empty.html.match(/No data to chart\./g)).toHaveLength(CHART_IDS.filter((id) => !SECTIONS.find((s) => s.id === id)!.empty).length);
      // The CSAM and WAS sections say why they are empty and how to fill them.
      for (const id of MODULE_SECTION_IDS) expect(empty.html).toMatch(new RegExp(`data-empty="${id}">No (CSAM assets|WAS findings) in this export: \`qualys export\` writes them`));
    } finally {
      await fresh.close();
    }
  });

  for (const version of [1, 2, 3]) {
    it(`reports a schema v${version} database (written before PC posture${version < 3 ? ", CSAM and WAS" : ""}${version === 1 ? " and HLD 5.0" : ""}): the sections it cannot hold say why, their SQL not run`, async () => {
      const old = await openDatabase(`sqlite:${join(dir, `v${version}.db`)}`);
      try {
        for (const m of MIGRATIONS.filter((m) => m.version <= version)) await old.exec(m.sql.sqlite);
        await old.exec("INSERT INTO hosts (host_id, ip) VALUES (1, '10.0.0.1'); INSERT INTO detections (host_id, qid, severity, status) VALUES (1, 38170, 3, 'Active')");
        const report = await buildReport({ db: old, asOf });
        const sections = parseReport(report.html);
        expect(sections.get("summary")!.rows[0]![1]).toBe("1");
        const notRun = [...sections.values()].filter((s) => s.notRun).map((s) => s.id);
        const modules = version < 3 ? MODULE_SECTION_IDS : [];
        expect(notRun).toEqual([...(version === 1 ? ["mitre-tactics", "detection-sources"] : []), "pc-pass-rate", "pc-failed-controls", ...modules]);
        if (version < 3) {
          expect(sections.get("assets-by-os")!.nodata).toContain("Not run: this database has no assets table");
          expect(sections.get("was-by-webapp")!.nodata).toContain("Not run: this database has no was_findings table");
        }
        expect(sections.get("pc-pass-rate")!.nodata).toContain("Not run: this database has no pc_posture table");
        if (version === 1) expect(sections.get("mitre-tactics")!.nodata).toContain("Not run: open_detections has no mitre_tactic_id, mitre_tactic_name columns");
        // A v2 database has the HLD 5.0 columns: the sections run, the detection counted as not reported.
        else expect(sections.get("detection-sources")!.rows).toEqual([["—", "1", "1"]]);
        for (const id of notRun) expect(report.sections.find((s) => s.id === id)!.rows, id).toEqual([]);
      } finally {
        await old.close();
      }
    });
  }

  it("writes the page to a file", async () => {
    const out = join(dir, "report.html");
    const written = await writeReport({ db: url, asOf, out });
    expect(readFileSync(out, "utf8")).toBe(written.html);
  });

  it("refuses bad options and databases that are not exports, saying what is wrong", async () => {
    await expect(buildReport({ db, since: "2026-02-30" })).rejects.toThrow(InvalidParameterError);
    await expect(buildReport({ db, since: "yesterday" })).rejects.toThrow(/parameter since must be a date/);
    const empty = await openDatabase(`sqlite:${join(dir, "empty.db")}`);
    await expect(buildReport({ db: empty })).rejects.toThrow(DatabaseError);
    await expect(buildReport({ db: empty })).rejects.toThrow(/not a qualys export database \(missing hosts, detections/);
    await empty.close();
    await expect(buildReport({ db: `sqlite:${join(dir, "nope.db")}` })).rejects.toThrow(/does not exist/);
  });
});
