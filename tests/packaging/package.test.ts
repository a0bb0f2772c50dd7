/**
 * What `npm pack` would publish, and that the built package works as its users see it: the
 * package is assembled in a temp dir (package.json, specs, README, LICENSE, redocly.yaml, and a
 * fresh `tsc -p tsconfig.build.json` into its dist/), never touching the checkout's dist/. Then
 * every `exports` entry is imported by its package name (`qualys-ts/car`…), the `bin` runs, and
 * public-api.types.ts is type-checked against the built declarations, `@ts-expect-error`s included.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  main: string;
  types: string;
  exports: Record<string, string | { types: string; import: string }>;
  bin: Record<string, string>;
  files: string[];
};
const bin = (name: string) => join(root, "node_modules", ".bin", name);
let work = "";

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "qualys-ts-pack-"));
  for (const entry of ["package.json", "README.md", "LICENSE", "redocly.yaml", "specs"]) cpSync(join(root, entry), join(work, entry), { recursive: true });
  // Dependencies resolve as in an install; npm pack never packs node_modules.
  symlinkSync(join(root, "node_modules"), join(work, "node_modules"), "dir");
  execFileSync(bin("tsc"), ["-p", join(root, "tsconfig.build.json"), "--outDir", join(work, "dist")], { cwd: root, stdio: "pipe" });
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("package", () => {
  it("packs the build, the specs and the docs, and nothing of the tests", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    const must = ["package.json", "README.md", "LICENSE", "redocly.yaml", "specs/vm.yaml", "specs/common/rate-limit.yaml", "dist/src/generated/vm/xml-descriptors.js"];
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === "string" ? [t] : [t.types, t.import]));
    for (const file of [...must, ...targets, pkg.main, pkg.types, ...Object.values(pkg.bin)]) expect(files, file).toContain(file.replace(/^\.\//, ""));
    expect(files.filter((f) => /^(tests|bench|scripts|node_modules|docs)\//.test(f) || f.includes("/node_modules/") || f.endsWith(".test.js"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("src/"))).toEqual([]); // the build, not the sources
  });

  it("resolves every export by its package name and loads it", () => {
    const expected: Record<string, string> = {
      ".": "createQualysClient",
      "./car": "createCarClient",
      "./csam": "createCsamClient",
      "./etm": "createEtmClient",
      "./pcrs": "createPcrsClient",
      "./qflow": "createQflowClient",
      "./saasdr": "createSaasdrClient",
      "./vm": "createVmClient",
      "./was": "createWasClient",
      "./auth": "createAuthClient",
      "./mock": "startQualysMock",
      "./tenant": "startTenant",
      "./errors": "RateLimitError",
      "./redis": "redisStore",
      "./report": "buildReport",
      "./export": "exportSubscription",
    };
    expect(Object.keys(pkg.exports).filter((e) => e !== "./package.json").sort()).toEqual(Object.keys(expected).sort());
    // Self-reference: inside the package, `import("qualys-ts/car")` goes through `exports`.
    const script = Object.entries(expected)
      .map(([entry, name]) => `out[${JSON.stringify(entry)}] = typeof (await import(${JSON.stringify(pkg.name + entry.slice(1))}))[${JSON.stringify(name)}];`)
      .join("\n");
    writeFileSync(join(work, "check-exports.mjs"), `const out = {};\n${script}\nconsole.log(JSON.stringify(out));\n`);
    const loaded = JSON.parse(execFileSync(process.execPath, [join(work, "check-exports.mjs")], { cwd: work, encoding: "utf8" })) as Record<string, string>;
    expect(loaded).toEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, "function"])));
  });

  it("runs the built `qualys` bin", () => {
    const target = join(work, pkg.bin.qualys!);
    expect(readFileSync(target, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const help = spawnSync(process.execPath, [target, "--help"], { cwd: work, encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: qualys/);
    const version = spawnSync(process.execPath, [target, "--version"], { cwd: work, encoding: "utf8" });
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version);
    const usage = spawnSync(process.execPath, [target, "vm", "nope"], { cwd: work, encoding: "utf8" });
    expect(usage.status).toBe(2);
  });

  it("keeps per-module entry points free of the other modules (tree-shaking)", () => {
    for (const module of ["car", "csam", "etm", "pcrs", "qflow", "saasdr", "vm", "was"]) {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const [, spec] of readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g)) visit(join(file, "..", spec!));
      };
      visit(join(work, "dist", "src", `${module}.js`));
      const others = [...seen].filter((f) => /generated\/(\w+)\//.test(f) && !f.includes(`generated/${module}/`));
      expect(others, module).toEqual([]);
      expect([...seen].filter((f) => /\/(client|cli\/|mock\/)/.test(f)), module).toEqual([]);
    }
  });

  it("keeps ioredis out of everything but the qualys-ts/redis entry (the CLI loads it only for --redis)", () => {
    // Static imports only (`from "…"`, `import "…"`); a dynamic import("…") is not followed.
    const packagesOf = (entry: string) => {
      const seen = new Set<string>();
      const packages = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const [, spec] of readFileSync(file, "utf8").matchAll(/(?:from|import) "([^"]+)"/g)) {
          if (spec!.startsWith(".")) visit(join(file, "..", spec!));
          else packages.add(spec!);
        }
      };
      visit(join(work, "dist", "src", entry));
      return packages;
    };
    for (const entry of ["index.js", "vm.js", "errors.js", "cli/bin.js"]) expect(packagesOf(entry).has("ioredis"), entry).toBe(false);
    expect(packagesOf("redis.js").has("ioredis")).toBe(true);
  });

  it("type-checks the public API against the built declarations, misuse included", () => {
    const source = readFileSync(join(import.meta.dirname, "public-api.types.ts"), "utf8").replace(
      /from "\.\.\/\.\.\/src\/([\w/-]+)\.js"/g,
      (_, path: string) => `from "${pkg.name}${path === "index" ? "" : `/${path}`}"`,
    );
    expect(source).not.toMatch(/from "\.\.\/\.\.\/src/);
    writeFileSync(join(work, "consumer.ts"), source);
    writeFileSync(
      join(work, "tsconfig.consumer.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: false, lib: ["ES2023", "DOM"], types: ["node"] },
        files: ["consumer.ts"],
      }),
    );
    const check = spawnSync(bin("tsc"), ["-p", join(work, "tsconfig.consumer.json")], { cwd: work, encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  }, 120_000);
});
