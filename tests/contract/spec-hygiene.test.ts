/** What no source confirms is marked, with a reason; deprecations carry their dates. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readSpecEntries } from "../../scripts/generate/specs.js";

const repoRoot = join(import.meta.dirname, "..", "..");

function walk(node: unknown, path: string, visit: (obj: Record<string, unknown>, path: string) => void): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`, visit));
  else if (node && typeof node === "object") {
    visit(node as Record<string, unknown>, path);
    for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`, visit);
  }
}

describe.each(readSpecEntries(repoRoot))("$root", ({ root }) => {
  const doc = parse(readFileSync(join(repoRoot, root), "utf8")) as unknown;

  it("gives every x-unverified a one-line reason", () => {
    const missing: string[] = [];
    let marked = 0;
    walk(doc, "", (obj, path) => {
      if (obj["x-unverified"] !== true) return;
      marked++;
      const reason = obj["x-unverified-reason"];
      if (typeof reason !== "string" || reason.trim().length < 10 || reason.includes("\n")) missing.push(path);
    });
    expect(missing).toEqual([]);
    if (root.endsWith("auth.yaml")) expect(marked).toBeGreaterThan(0);
  });

  it("dates every deprecated operation", () => {
    const undated: string[] = [];
    walk(doc, "", (obj, path) => {
      if (obj.deprecated === true && obj.operationId && !obj["x-end-of-support"] && !obj["x-end-of-life"]) undated.push(path);
    });
    expect(undated).toEqual([]);
  });
});
