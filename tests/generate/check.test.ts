/**
 * The regenerate-on-spec-change guarantee: in a scratch copy of the repo, a spec edited without
 * regenerating makes `generate --check` fail and name the stale file; regenerating twice changes
 * no byte.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = join(import.meta.dirname, "..", "..");
let scratch: string;

function generate(...args: string[]) {
  return spawnSync(join(repoRoot, "node_modules", ".bin", "tsx"), ["scripts/generate.ts", ...args], {
    cwd: scratch,
    encoding: "utf8",
  });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "qualys-ts-generate-"));
  for (const part of ["scripts", "specs", "src", "redocly.yaml", "package.json"]) {
    cpSync(join(repoRoot, part), join(scratch, part), { recursive: true });
  }
  symlinkSync(join(repoRoot, "node_modules"), join(scratch, "node_modules"), "dir");
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("generate", () => {
  it("passes --check on the committed tree", () => {
    const run = generate("--check", "--no-lint");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  }, 60_000);

  it("fails --check, naming the stale file, when a spec changed without regenerating", () => {
    const spec = join(scratch, "specs", "car.yaml");
    const original = readFileSync(spec, "utf8");
    writeFileSync(spec, original.replace("summary: List script types (valid `typeId` values)", "summary: List the script types"));
    try {
      const run = generate("--check", "--no-lint");
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("src/generated/car/operations.ts (differs from the specs)");
      expect(run.stderr).not.toContain("src/generated/auth/");
    } finally {
      writeFileSync(spec, original);
    }
  }, 60_000);

  it("writes the same bytes twice", () => {
    expect(generate("--no-lint").status).toBe(0);
    const first = readFileSync(join(scratch, "src", "generated", "car", "types.ts"), "utf8");
    expect(generate("--no-lint").status).toBe(0);
    expect(readFileSync(join(scratch, "src", "generated", "car", "types.ts"), "utf8")).toBe(first);
    expect(generate("--check", "--no-lint").status).toBe(0);
  }, 60_000);

  it("stops on a spec that fails lint", () => {
    const spec = join(scratch, "specs", "car.yaml");
    const original = readFileSync(spec, "utf8");
    writeFileSync(spec, original.replace("operationId: listScriptTypes", "operationId: searchJobs"));
    try {
      const run = generate("--check");
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/redocly lint failed[\s\S]*operationId/);
    } finally {
      writeFileSync(spec, original);
    }
  }, 60_000);
});
