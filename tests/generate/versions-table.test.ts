/**
 * The version table: generated from the specs, never a deprecated default, printed by
 * `npm run docs` (its text and HTML renderers, on fixed dates).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { versionTableHtml, versionTableLines, versionTableText } from "../../scripts/docs-versions.js";
import { readSpecEntries } from "../../scripts/generate/specs.js";
import { apiVersionTable } from "../../src/generated/versions.js";
import { monthStart, pathVersion, versionStatus } from "../../src/runtime/api-versions.js";

const repoRoot = join(import.meta.dirname, "..", "..");
type Op = { operationId?: string; deprecated?: boolean; "x-replaced-by"?: string; "x-qualys-versions"?: { older?: { path: string }[] } };
const specs = readSpecEntries(repoRoot).map(({ module, root }) => ({ module, doc: parse(readFileSync(join(repoRoot, root), "utf8")) as { paths?: Record<string, Record<string, Op>> } }));
const opsOf = (doc: { paths?: Record<string, Record<string, Op>> }) => Object.entries(doc.paths ?? {}).flatMap(([path, item]) => Object.values(item).filter((o): o is Op => !!o && typeof o === "object" && "operationId" in o).map((op) => ({ path, op })));

describe("no default is deprecated", () => {
  it.each(specs)("$module: every deprecated operation names a replacement that is not deprecated; VM operations are never deprecated", ({ module, doc }) => {
    const ops = opsOf(doc);
    const byId = new Map(ops.map(({ op }) => [op.operationId, op]));
    for (const { path, op } of ops) {
      if (!op.deprecated) continue;
      expect(module, `${path} is a deprecated VM operation`).not.toMatch(/^vm/);
      const replacement = byId.get(op["x-replaced-by"]);
      expect(replacement, `${module} ${path}: x-replaced-by`).toBeDefined();
      expect(replacement!.deprecated, `${module} ${path}: its replacement is deprecated`).not.toBe(true);
    }
  });

  it("no row of the table has a current version with an end of support, and every older one is older", () => {
    for (const row of apiVersionTable) {
      expect(row.current.endOfSupport ?? row.current.endOfLife, row.api).toBeUndefined();
      for (const o of row.older) {
        expect(o.path, row.api).not.toBe(row.current.path);
        if (/^\d/.test(o.version) && /^\d/.test(row.current.version)) expect(Number(o.version), row.api).toBeLessThan(Number(row.current.version));
        expect(o.source.length, `${row.api} ${o.version}: source`).toBeGreaterThan(5);
      }
    }
  });

  it("has a row for every VM operation with x-qualys-versions and every API the brief lists", () => {
    const vm = specs.find((s) => s.module === "vm")!;
    const versioned = opsOf(vm.doc).filter(({ op }) => op["x-qualys-versions"]).length;
    expect(versioned).toBeGreaterThanOrEqual(7);
    const current = (name: string) => apiVersionTable.find((r) => r.api.startsWith(name) || r.operation === name)?.current.version;
    expect([current("listHostDetections"), current("listVulns"), current("listHosts"), current("listScans"), current("listReports"), current("listActivityLog")]).toEqual(["5.0", "4.0", "5.0", "3.0", "3.0", "2.0"]);
    expect([current("Compliance exceptions"), current("CSAM"), current("QPS"), current("WAS"), current("ETM"), current("getPostureInfo"), current("getPolicyList"), current("resolveHostIds")]).toEqual(["3.0", "2.0", "2.0", "3.0", "v1", "5.0", "2.0", "5.0"]);
    expect(current("createScript")).toBe("v5");
    expect(current("updateScript")).toBe("v4");
  });
});

describe("dates", () => {
  it("count from the first day of their month, UTC", () => {
    expect(new Date(monthStart("2026-06")).toISOString()).toBe("2026-06-01T00:00:00.000Z");
    const v = { version: "2.0", path: "/api/2.0/x/", source: "s", endOfSupport: "2025-12", endOfLife: "2026-06" };
    expect(versionStatus(v, false, Date.parse("2025-11-30T23:59:59Z")).state).toBe("supported");
    expect(versionStatus(v, false, Date.parse("2025-12-01T00:00:00Z")).state).toBe("end-of-support");
    expect(versionStatus(v, false, Date.parse("2026-06-01T00:00:00Z"))).toEqual({ state: "end-of-life", text: "end of support 2025-12 (past), end of life 2026-06 (past)" });
    expect(versionStatus({ ...v, endOfSupport: undefined, endOfLife: undefined }, false).state).toBe("superseded");
    expect(versionStatus(v, true).state).toBe("current");
    expect(() => monthStart("June 2026")).toThrow(RangeError);
    expect([pathVersion("/api/5.0/fo/x/"), pathVersion("/sm/v5/script"), pathVersion("/rest/2.0/search"), pathVersion("/msp/x.php")]).toEqual(["5.0", "v5", "2.0", undefined]);
  });
});

describe("npm run docs prints the table", () => {
  const day = Date.parse("2026-12-07T00:00:00Z");
  it("one line per version, the current first, older ones with their status on the day", () => {
    const lines = versionTableLines(apiVersionTable, day);
    const hld = lines.findIndex((l) => l.sdk === "vm.listHostDetections");
    expect(lines.slice(hld, hld + 4)).toEqual([
      expect.objectContaining({ version: "5.0", path: "/api/5.0/fo/asset/host/vm/detection/", status: "current, the default" }),
      expect.objectContaining({ version: "2.0", status: "older: end of support 2025-12 (past), end of life 2026-06 (past)" }),
      expect.objectContaining({ version: "3.0" }),
      expect.objectContaining({ version: "4.0" }),
    ]);
    expect(lines.find((l) => l.path === "/pcrs/1.0/posture/policy/list")).toMatchObject({ status: "older: end of support 2026-11 (past), end of life 2027-05" });
    const text = versionTableText(lines);
    expect(text.split("\n")).toHaveLength(lines.length + 1);
    expect(text).toMatch(/vm\.listVulns\s+4\.0\s+\/api\/4\.0\/fo\/knowledge_base\/vuln\/\s+current, the default/);
    const html = versionTableHtml(lines, "2026-12-07");
    expect(html).toContain("<td><code>/api/5.0/fo/asset/host/vm/detection/</code></td>");
    expect(html).toContain("as of 2026-12-07");
    expect((html.match(/<tr>/g) ?? []).length).toBe(lines.length + 1);
  });
});
