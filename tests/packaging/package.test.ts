/**
 * What `npm pack` would publish, and that every `exports` entry of the built package loads.
 * Builds into dist/ first (tsc, a few seconds).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; import: string }>;
  bin: Record<string, string>;
};

beforeAll(() => {
  execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], { cwd: root, stdio: "pipe" });
}, 120_000);

describe("package", () => {
  it("packs the build, the specs and the docs, and nothing of the tests", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const must of ["dist/src/index.js", "dist/src/index.d.ts", "dist/src/cli/bin.js", "dist/src/generated/vm/xml-descriptors.js", "specs/vm.yaml", "specs/common/rate-limit.yaml", "redocly.yaml", "README.md", "LICENSE", "package.json"]) {
      expect(files, must).toContain(must);
    }
    expect(files.filter((f) => f.startsWith("tests/") || f.includes("node_modules") || f.startsWith("bench/"))).toEqual([]);
  });

  it("resolves and loads every export", async () => {
    const expected: Record<string, string> = {
      ".": "createQualysClient",
      "./car": "createCarClient",
      "./etm": "createEtmClient",
      "./qflow": "createQflowClient",
      "./saasdr": "createSaasdrClient",
      "./vm": "createVmClient",
      "./auth": "createAuthClient",
      "./mock": "startQualysMock",
      "./errors": "RateLimitError",
    };
    for (const [entry, name] of Object.entries(expected)) {
      const target = pkg.exports[entry] as { types: string; import: string };
      expect(readFileSync(join(root, target.types), "utf8").length, `${entry} types`).toBeGreaterThan(0);
      const mod = (await import(pathToFileURL(join(root, target.import)).href)) as Record<string, unknown>;
      expect(typeof mod[name], `${entry} exports ${name}`).toBe("function");
    }
    expect(readFileSync(join(root, pkg.bin.qualys!), "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
  });

  it("keeps per-module entry points free of the other modules", () => {
    const car = readFileSync(join(root, "dist/src/car.js"), "utf8") + readFileSync(join(root, "dist/src/generated/car/index.js"), "utf8");
    expect(car).not.toMatch(/generated\/(vm|etm|qflow|saasdr)/);
  });
});
