/** `qualys report`: the HTML to a file or stdout, and usage errors (exit 2) vs database failures (exit 1). */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { cli } from "../cli/support.js";
import { fillExportDatabase } from "../support/export-db.js";
import { SECTION_IDS } from "../support/report-check.js";
import { parseReport } from "../support/report-html.js";

const dir = mkdtempSync(join(tmpdir(), "qualys-ts-report-cli-"));
const file = join(dir, "export.db");

beforeAll(async () => {
  const db = await openDatabase(`sqlite:${file}`);
  await fillExportDatabase(db, { hosts: 60, detectionsPerHost: 8, qids: 80, runs: 4, asOf: "2026-06-01T00:00:00Z", seed: 3 });
  await db.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("qualys report", () => {
  it("writes the report to -o and says so on stderr", async () => {
    const out = join(dir, "report.html");
    const result = await cli(["report", "--db", `sqlite:${file}`, "-o", out, "--since", "2026-03-01", "--as-of", "2026-06-01"]);
    expect(result.stderr).toMatch(new RegExp(`^qualys report: wrote .*report\\.html \\(${SECTION_IDS.length} sections, \\d+ open detections, ages as of 2026-06-01T00:00:00Z\\)\n$`));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    const html = readFileSync(out, "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("fixes and runs since 2026-03-01T00:00:00Z");
    const summary = parseReport(html).get("summary")!;
    expect(summary.rows[0]![summary.columns.indexOf("open_detections")]).toBe(result.stderr.match(/(\d+) open detections/)![1]);
  });

  it("writes the report to stdout without -o", async () => {
    const result = await cli(["report", "--db", `sqlite://${file}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
    expect(result.stderr).toBe("");
  });

  it("treats a bad URL, a bad date or a missing --db as usage errors (exit 2)", async () => {
    const bad = await cli(["report", "--db", "mysql://u:topsecret@h/db"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('qualys: database URL scheme "mysql:" is not supported: expected sqlite:<path> (e.g. sqlite:./export.db) or postgres://user@host:port/database\n');
    const date = await cli(["report", "--db", `sqlite:${file}`, "--since", "last week"]);
    expect(date.code).toBe(2);
    expect(date.stderr).toMatch(/parameter since must be a date \(YYYY-MM-DD\)/);
    const missing = await cli(["report"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--db <url>' not specified/);
  });

  it("fails with exit 1 when the database is not there", async () => {
    const result = await cli(["report", "--db", `sqlite:${join(dir, "absent.db")}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`qualys: SQLite database ${join(dir, "absent.db")} does not exist\n`);
  });
});
