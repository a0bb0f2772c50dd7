/**
 * The packages as npm packs them, made in temp dirs and never in the checkout (its dist/ is left
 * alone): qualys-ts staged from package.json, the specs and docs plus a fresh
 * `tsc -p tsconfig.build.json` into its dist/, and the tarballs `npm pack` makes of it and of
 * packages/cli. npm runs with the test's node first on PATH and without the `npm_*` variables of
 * an enclosing `npm test`, so the repo's own npm settings do not leak into a user's install.
 */
import { execFileSync } from "node:child_process";
import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

export const root = join(import.meta.dirname, "..", "..");
export const bin = (name: string) => join(root, "node_modules", ".bin", name);

/** A copy of qualys-ts as `npm pack` would take it, its dist/ compiled fresh. */
export function stagePackage(dir: string): string {
  for (const entry of ["package.json", "README.md", "LICENSE", "redocly.yaml", "specs"]) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  execFileSync(bin("tsc"), ["-p", join(root, "tsconfig.build.json"), "--outDir", join(dir, "dist")], { cwd: root, stdio: "pipe" });
  return dir;
}

/** The environment a user's npm would see: no npm_* settings of the `npm test` this runs under. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, ...extra };
}

export function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, env: userEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

/** `npm pack` of a package dir into `dest`; the tarball's path. Scripts off: qualys-ts is built already. */
export function pack(dir: string, dest: string): string {
  mkdirSync(dest, { recursive: true });
  const out = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", dest], dir)) as { filename: string }[];
  return join(dest, out[0]!.filename);
}

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  /** preinstall / install / postinstall, and the implicit `node-gyp rebuild` a binding.gyp brings. */
  readonly installScripts: string[];
}

/** Every package under node_modules, nested ones included. */
export function installedPackages(nodeModules: string): InstalledPackage[] {
  const found: InstalledPackage[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith(".")) continue;
      const path = join(dir, name);
      if (name.startsWith("@")) {
        visit(path);
        continue;
      }
      let manifest: { name: string; version: string; scripts?: Record<string, string> };
      try {
        manifest = JSON.parse(readFileSync(join(path, "package.json"), "utf8"));
      } catch {
        continue;
      }
      const scripts = ["preinstall", "install", "postinstall"].filter((s) => manifest.scripts?.[s]);
      if (!scripts.length && exists(join(path, "binding.gyp"))) scripts.push("binding.gyp");
      found.push({ name: manifest.name, version: manifest.version, dir: path, installScripts: scripts });
      if (exists(join(path, "node_modules"))) visit(join(path, "node_modules"));
    }
  };
  visit(nodeModules);
  return found;
}

/** Files anywhere below `dir` (links not followed): their total apparent size, and the native addons (*.node) among them. */
export function filesBelow(dir: string): { bytes: number; addons: string[] } {
  let bytes = 0;
  const addons: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (stat.isFile()) {
      bytes += stat.size;
      if (path.endsWith(".node")) addons.push(path);
    }
  };
  visit(dir);
  return { bytes, addons };
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}
