/**
 * What `npm pack` would publish, and that the built package works as its users see it: the
 * package is assembled in a temp dir (stage.ts: package.json, specs, README, LICENSE,
 * redocly.yaml, and a fresh `tsc -p tsconfig.build.json` into its dist/), never touching the
 * checkout's dist/. Then every `exports` entry is imported by its package name (`qualys-ts/car`…),
 * the CLI package's bin runs, and public-api.types.ts is type-checked against the built
 * declarations, `@ts-expect-error`s included. install.test.ts installs the tarballs for real.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, root, stagePackage } from "./stage.js";

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
  main: string;
  types: string;
  exports: Record<string, string | { types: string; import: string }>;
  dependencies: Record<string, string>;
  files: string[];
};
let work = "";

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "qualys-ts-pack-"));
  stagePackage(work);
  // Dependencies resolve as in an install; npm pack never packs node_modules.
  symlinkSync(join(root, "node_modules"), join(work, "node_modules"), "dir");
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
    for (const file of [...must, ...targets, pkg.main, pkg.types, "dist/src/cli/bin.js"]) expect(files, file).toContain(file.replace(/^\.\//, ""));
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
      "./cli": "runAsProcess",
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

  it("runs the CLI package's `qualys` bin on the built qualys-ts/cli", () => {
    // The bin imports "qualys-ts/cli": from inside the staged package that resolves by self-reference.
    const target = join(work, "qualys-bin.mjs");
    copyFileSync(join(root, "packages", "cli", "bin", "qualys.js"), target);
    expect(readFileSync(target, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const help = spawnSync(process.execPath, [target, "--help"], { cwd: work, encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: qualys/);
    const version = spawnSync(process.execPath, [target, "--version"], { cwd: work, encoding: "utf8" });
    expect(version.stdout.trim()).toBe(pkg.version);
    const usage = spawnSync(process.execPath, [target, "vm", "nope"], { cwd: work, encoding: "utf8" });
    expect(usage.status).toBe(2);
  });

  it("keeps per-module entry points free of the other modules (tree-shaking)", () => {
    for (const module of ["car", "csam", "etm", "pcrs", "qflow", "saasdr", "vm", "was"]) {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const spec of staticImports(file)) if (spec.startsWith(".")) visit(join(file, "..", spec));
      };
      visit(join(work, "dist", "src", `${module}.js`));
      const others = [...seen].filter((f) => /generated\/(\w+)\//.test(f) && !f.includes(`generated/${module}/`));
      expect(others, module).toEqual([]);
      expect([...seen].filter((f) => /\/(client|cli\/|mock\/)/.test(f)), module).toEqual([]);
    }
  });

  it("imports no optional package statically: every entry needs only the SDK's dependencies", () => {
    // The optional ones load through importOptional on use, which this graph does not follow.
    const packagesOf = (entry: string) => {
      const seen = new Set<string>();
      const packages = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const spec of staticImports(file)) {
          if (spec.startsWith(".")) visit(join(file, "..", spec));
          else if (!spec.startsWith("node:")) packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
        }
      };
      visit(join(work, entry));
      return [...packages].sort();
    };
    const allowed = new Set(Object.keys(pkg.dependencies));
    for (const target of [...Object.values(pkg.exports).map((t) => (typeof t === "string" ? t : t.import)).filter((t) => t.endsWith(".js")), "dist/src/cli/bin.js"]) {
      expect(packagesOf(target).filter((p) => !allowed.has(p)), target).toEqual([]);
    }
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

/** The module specifiers of a built file's `import … from` / `export … from` / `import "…"` (comments and import() calls not). */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  return source.statements.flatMap((s) =>
    (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? [s.moduleSpecifier.text] : [],
  );
}
