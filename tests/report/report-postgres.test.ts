/**
 * The report on a real PostgreSQL server (Debian's, started for this file) holding the same
 * synthetic rows as the SQLite test: every table equals its SQL rerun on PostgreSQL and the
 * independent oracle, and both engines give the same figures for the same data.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { openDatabase } from "../../src/db/open.js";
import { buildReport, type Report } from "../../src/report.js";
import { fillExportDatabase } from "../support/export-db.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { expectFiguresMatchOracle, expectTablesMatchQueries } from "../support/report-check.js";
import { parseReport } from "../support/report-html.js";
import { ExportRows, oracle } from "../support/report-oracle.js";

const asOf = "2026-06-01T00:00:00Z";
const data = { hosts: 300, detectionsPerHost: 10, qids: 200, runs: 8, asOf, seed: 11 };
const dir = mkdtempSync(join(tmpdir(), "qualys-ts-report-pg-"));
const rows = new ExportRows();
let server: PostgresServer;
let db: Database;
let report: Report;

beforeAll(async () => {
  server = await startPostgres();
  const url = await server.createDatabase("report_test");
  db = await openDatabase(url);
  await fillExportDatabase(db, data, (b) => rows.add(b));
  report = await buildReport({ db: url, asOf });
}, 180_000);

afterAll(async () => {
  await db?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("report on PostgreSQL", () => {
  it("runs the PostgreSQL spellings of the SQL", () => {
    expect(report.dialect).toBe("postgres");
    expect(report.sections.find((s) => s.id === "time-to-fix")!.sql).toContain("percentile_cont(0.5) WITHIN GROUP");
    expect(report.sections.find((s) => s.id === "ageing")!.sql).toContain("TIMESTAMPTZ '2026-06-01T00:00:00Z'");
  });

  it("shows in every table exactly what its SQL returns when rerun", async () => {
    await expectTablesMatchQueries(report, db);
  });

  it("shows the figures computed independently from the generated rows", () => {
    expectFiguresMatchOracle(report.html, oracle(rows, asOf));
  });

  it("gives the same figures as SQLite for the same rows, --since included", async () => {
    const sqliteUrl = `sqlite:${join(dir, "same.db")}`;
    const sqlite = await openDatabase(sqliteUrl);
    await fillExportDatabase(sqlite, data);
    try {
      for (const since of [undefined, "2026-04-15"]) {
        const [pg, lite] = [await buildReport({ db, asOf, since }), await buildReport({ db: sqlite, asOf, since })];
        const a = parseReport(pg.html);
        const b = parseReport(lite.html);
        for (const [id, section] of a) {
          expect(section.columns, id).toEqual(b.get(id)!.columns);
          expect(section.rows, `${id} since ${since}`).toEqual(b.get(id)!.rows);
        }
      }
    } finally {
      await sqlite.close();
    }
  });

  it("refuses to write: the report session is read-only", async () => {
    const readonly = await openDatabase(server.url("report_test"), { readonly: true });
    try {
      await expect(readonly.exec("DELETE FROM hosts")).rejects.toThrow(/read-only transaction/);
    } finally {
      await readonly.close();
    }
  });

  it("says which server it could not reach, without the password", async () => {
    const url = `postgres://postgres:s3cret-pw@127.0.0.1:${server.port}/no_such_db`;
    const err = (await buildReport({ db: url }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/no_such_db: .*no_such_db/);
    expect(JSON.stringify(err)).not.toContain("s3cret-pw");
    expect(err.message).not.toContain("s3cret-pw");
  });
});
