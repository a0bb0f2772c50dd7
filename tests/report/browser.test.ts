/**
 * The report in a real browser: Debian's headless Chromium (installed by .ci/run) driven by
 * playwright-core. The page loads with no console error and no request but the file itself,
 * every chart is drawn, the headline numbers equal the database's own counts, the screenshot is
 * a picture (not a blank page), and print media shows the SQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import type { Database } from "../../src/db/database.js";
import { writeReport } from "../../src/report.js";
import { fillExportDatabase } from "../support/export-db.js";
import { CHART_IDS } from "../support/report-check.js";

const dir = mkdtempSync(join(tmpdir(), "qualys-ts-report-browser-"));
const htmlFile = join(dir, "report.html");
const pageUrl = pathToFileURL(htmlFile).href;
const requests: string[] = [];
const problems: string[] = [];
let db: Database;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  const url = `sqlite:${join(dir, "export.db")}`;
  const setup = await openDatabase(url);
  await fillExportDatabase(setup, { hosts: 250, detectionsPerHost: 12, qids: 180, runs: 9, asOf: "2026-06-01T00:00:00Z", seed: 5 });
  await setup.close();
  await writeReport({ db: url, asOf: "2026-06-01T00:00:00Z", out: htmlFile });
  db = await openDatabase(url, { readonly: true });

  context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1100, height: 900 },
  });
  // Every request the page makes is recorded, and anything but the report file is refused.
  await context.route("**/*", (route) => {
    requests.push(route.request().url());
    return route.request().url() === pageUrl ? route.continue() : route.abort();
  });
  page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()}`));
  await page.goto(pageUrl, { waitUntil: "load" });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("report in Chromium", () => {
  it("loads with no console error and no request but the file itself", () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([pageUrl]);
  });

  it("draws every chart as a visible SVG with marks", async () => {
    for (const id of CHART_IDS) {
      const svg = page.locator(`figure[data-chart="${id}"] svg`);
      await expect(svg.count(), id).resolves.toBe(1);
      const box = await svg.boundingBox();
      expect(box?.width, id).toBeGreaterThan(200);
      expect(box?.height, id).toBeGreaterThan(100);
      expect(await svg.locator("path, rect, line").count(), id).toBeGreaterThan(10);
      expect(await svg.locator("text").count(), id).toBeGreaterThan(3);
    }
  });

  it("shows headline numbers equal to the database's own counts", async () => {
    const card = async (column: string) => Number((await page.locator(`.card[data-column="${column}"] .value`).innerText()).replace(/,/g, ""));
    const count = async (sql: string) => Number(Object.values((await db.all(sql))[0]!)[0]);
    expect(await card("open_detections")).toBe(
      await count("SELECT COUNT(*) FROM detections d JOIN hosts h ON h.host_id = d.host_id WHERE d.status IN ('New', 'Active', 'Re-Opened') AND h.removed_at IS NULL"),
    );
    expect(await card("active_hosts")).toBe(await count("SELECT COUNT(*) FROM hosts WHERE removed_at IS NULL"));
    expect(await card("open_sev45")).toBe(await count("SELECT COUNT(*) FROM open_detections WHERE severity IN (4, 5)"));
    expect(await card("affected_hosts")).toBe(await count("SELECT COUNT(DISTINCT host_id) FROM open_detections"));
    expect(await card("open_detections")).toBeGreaterThan(1000);
  });

  it("shows the CSAM and WAS sections with figures equal to the database's own counts", async () => {
    const column = async (section: string, key: string) => {
      const index = await page.locator(`table[data-section="${section}"] th`).evaluateAll((ths, k) => ths.findIndex((th) => th.getAttribute("data-column") === k), key);
      expect(index, `${section}.${key}`).toBeGreaterThanOrEqual(0);
      const cells = await page.locator(`table[data-section="${section}"] tbody tr td:nth-child(${index + 1})`).allInnerTexts();
      return cells.reduce((n, c) => n + Number(c.replace(/,/g, "")), 0);
    };
    const count = async (sql: string) => Number(Object.values((await db.all(sql))[0]!)[0]);
    expect(await column("assets-check-in", "assets")).toBe(await count("SELECT COUNT(*) FROM assets WHERE removed_at IS NULL"));
    expect(await column("was-by-severity", "open_findings")).toBe(await count("SELECT COUNT(*) FROM open_was_findings"));
    expect(await column("was-by-severity", "open_findings")).toBeGreaterThan(20);
    for (const id of ["assets-by-os", "assets-check-in", "was-by-severity", "was-by-webapp"]) {
      await expect(page.locator(`section#${id} h2`).isVisible(), id).resolves.toBe(true);
      await expect(page.locator(`a[href="#${id}"]`).count(), id).resolves.toBe(1);
    }
  });

  it("shows the PC posture and HLD 5.0 sections: a bar per policy, tactic and source, tables as the database counts them", async () => {
    const count = async (sql: string) => Number(Object.values((await db.all(sql))[0]!)[0]);
    const bars = (id: string) => page.locator(`figure[data-chart="${id}"] svg g.mark-rect path`).count();
    const rows = (id: string) => page.locator(`table[data-section="${id}"] tbody tr`).count();
    const policies = await count("SELECT COUNT(DISTINCT policy_id) FROM pc_posture");
    expect(policies).toBeGreaterThan(2);
    expect(await bars("pc-pass-rate")).toBe(policies);
    expect(await rows("pc-pass-rate")).toBe(policies);
    expect(await bars("pc-failed-controls")).toBe(20);
    // The policy titled with markup is text on the page, in the table and on the chart's axis.
    expect(await page.locator('table[data-section="pc-pass-rate"] td', { hasText: '<script>alert("x")</script>' }).count()).toBe(1);
    expect(await page.locator('figure[data-chart="pc-pass-rate"] svg text', { hasText: "<script>" }).count()).toBe(1);
    // Tactics one by one: a cell may hold several, joined by ", "; one more bar for detections without any.
    const cells = await db.all<{ ids: string | null }>("SELECT DISTINCT mitre_tactic_id AS ids FROM open_detections");
    const tactics = new Set(cells.flatMap((c) => c.ids?.split(", ") ?? ["(none)"])).size;
    expect(tactics).toBeGreaterThan(3);
    expect(await bars("mitre-tactics")).toBe(tactics);
    expect(await rows("mitre-tactics")).toBe(tactics);
    expect(await rows("detection-sources")).toBeGreaterThan(2);
    expect(await bars("detection-sources")).toBe(await rows("detection-sources"));
  });

  it("renders a screenshot that is a picture, not a blank page", async () => {
    const png = PNG.sync.read(await page.screenshot({ fullPage: true, path: join(dir, "report.png") }));
    expect(png.height).toBeGreaterThan(3000);
    let sum = 0;
    let sumSq = 0;
    let coloured = 0;
    const pixels = png.width * png.height;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      sum += luma;
      sumSq += luma * luma;
      // Chart colours (the severity reds) are far from grey.
      if (r - b > 80) coloured++;
    }
    const mean = sum / pixels;
    expect(sumSq / pixels - mean * mean).toBeGreaterThan(200);
    expect(coloured / pixels).toBeGreaterThan(0.005);
  });

  it("prints with the SQL unfolded and the charts kept", async () => {
    const sql = page.locator('details[data-sql="ageing"] pre');
    expect(await sql.isVisible()).toBe(false);
    await page.emulateMedia({ media: "print" });
    try {
      expect(await sql.isVisible()).toBe(true);
      expect(await page.locator("nav").isVisible()).toBe(false);
      const pdf = await page.pdf({ format: "A4", printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      expect(pdf.length).toBeGreaterThan(50_000);
    } finally {
      await page.emulateMedia({ media: "screen" });
    }
  });
});
