/**
 * The sources as JavaScript in a temp folder, for a bench that measures a process's memory: what
 * users run is compiled JavaScript (dist/), while a process under tsx also carries tsx's loader
 * thread and its transpile caches (~30 MB). TypeScript's transpileModule, file by file, no type
 * check (`npm test` does that): a few seconds. node_modules resolves from the repository root, the
 * temp folder sitting inside it (.tmp/ is ignored by git).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

const ROOT = join(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

export interface Compiled {
  /** The compiled file of a source path relative to the repository root (`bench/export-child.ts` → …/bench/export-child.js). */
  file(source: string): string;
  remove(): void;
}

export function compileSources(entries: readonly string[]): Compiled {
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  const out = mkdtempSync(join(ROOT, ".tmp", "bench-js-"));
  const options: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, sourceMap: false };
  for (const file of [...sources(join(ROOT, "src")), ...entries.map((e) => join(ROOT, e))]) {
    const js = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: options, fileName: file }).outputText;
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  return { file: (source) => join(out, source).replace(/\.ts$/, ".js"), remove: () => rmSync(out, { recursive: true, force: true }) };
}
