/**
 * Every operation of every spec must have a contract test. The operation list comes from the
 * specs themselves (for VM specs, each entry of an operation's `x-actions` is its own function);
 * the tested list comes from the `contractTest(module, operation, …)` calls in tests/contract.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readSpecEntries } from "../../scripts/generate/specs.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

type Operation = { operationId?: string; "x-actions"?: { function: string }[] };

function operationsOf(specFile: string): string[] {
  const doc = parse(readFileSync(join(repoRoot, specFile), "utf8")) as { paths?: Record<string, Record<string, Operation>> };
  const names: string[] = [];
  for (const item of Object.values(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      if (op["x-actions"]) names.push(...op["x-actions"].map((a) => a.function));
      else if (op.operationId) names.push(op.operationId);
    }
  }
  return names;
}

function testedOperations(): Set<string> {
  const dir = join(repoRoot, "tests", "contract");
  const tested = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".test.ts"))) {
    const source = readFileSync(join(dir, file), "utf8");
    for (const m of source.matchAll(/contractTest\(\s*["'`]([\w-]+)["'`]\s*,\s*["'`](\w+)["'`]/g)) {
      tested.add(`${m[1]}.${m[2]}`);
    }
  }
  return tested;
}

describe("contract test coverage", () => {
  const entries = readSpecEntries(repoRoot);

  it("finds the specs and their operations", () => {
    expect(entries.map((e) => e.module)).toEqual(expect.arrayContaining(["auth", "car"]));
    for (const entry of entries) expect(operationsOf(entry.root).length, entry.root).toBeGreaterThan(0);
  });

  it("has a contract test for every operation of every spec", () => {
    const tested = testedOperations();
    const missing = entries.flatMap((e) => operationsOf(e.root).map((op) => `${e.module}.${op}`)).filter((op) => !tested.has(op));
    expect(missing, `operations without a contract test (add contractTest(module, operation, …) in tests/contract)`).toEqual([]);
  });
});
