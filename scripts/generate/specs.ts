import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";

/** One `apis` entry of redocly.yaml: the module name is the entry's key. */
export interface SpecEntry {
  readonly module: string;
  readonly root: string;
}

export function readSpecEntries(repoRoot: string): SpecEntry[] {
  const config = parse(readFileSync(join(repoRoot, "redocly.yaml"), "utf8")) as {
    apis?: Record<string, { root: string }>;
  };
  return Object.entries(config.apis ?? {})
    .map(([module, { root }]) => ({ module, root }))
    .sort((a, b) => a.module.localeCompare(b.module));
}

const redoclyEnv = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

function redocly(repoRoot: string, args: string[]): { ok: boolean; output: string } {
  const bin = join(repoRoot, "node_modules", ".bin", "redocly");
  const run = spawnSync(bin, args, { cwd: repoRoot, env: redoclyEnv, encoding: "utf8" });
  // Redocly prints an unsuppressible Node 20 banner; keep only lines that say something.
  const output = `${run.stdout}${run.stderr}`
    .split("\n")
    .filter((line) => !/[║╔╚]/.test(line))
    .join("\n")
    .trim();
  return { ok: run.status === 0, output };
}

/** Lints every spec with the project's rules; generation stops on any error. */
export function lintSpecs(repoRoot: string, entries: readonly SpecEntry[]): void {
  const run = redocly(repoRoot, ["lint", "--format=stylish", ...entries.map((e) => e.module)]);
  if (!run.ok) throw new Error(`redocly lint failed:\n${run.output}`);
}

/** Bundles every spec (external $refs pulled into components) and returns the parsed documents. */
export function bundleSpecs(repoRoot: string, entries: readonly SpecEntry[], outDir: string): Map<string, unknown> {
  const run = redocly(repoRoot, ["bundle", ...entries.map((e) => e.module), "--ext", "json", "-o", outDir]);
  if (!run.ok) throw new Error(`redocly bundle failed:\n${run.output}`);
  const docs = new Map<string, unknown>();
  for (const entry of entries) {
    const file = join(outDir, basename(entry.root).replace(/\.ya?ml$/, ".json"));
    docs.set(entry.module, JSON.parse(readFileSync(file, "utf8")));
  }
  return docs;
}
