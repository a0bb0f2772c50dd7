/**
 * Tracing is optional: without `@opentelemetry/api` the SDK works as before. A child process hides
 * the package with a resolve hook and runs no-otel.ts.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
// The hook, as Node takes it on each line: in-thread `module.registerHooks` (Node 22.15, 23.5 and
// later; `module.register` is deprecated from Node 26, DEP0205), the off-thread
// `module.register` where that is all there is (Node 20). Either way the resolve step of
// "@opentelemetry/api" fails as for a user who never installed it.
const HIDE = `data:text/javascript,${encodeURIComponent(
  `import * as m from "node:module";
const hidden = (s) => s === "@opentelemetry/api" || s.startsWith("@opentelemetry/api/");
const missing = (s) => Object.assign(new Error("Cannot find package " + s), { code: "ERR_MODULE_NOT_FOUND" });
if (typeof m.registerHooks === "function") {
  m.registerHooks({ resolve(s, c, next) { if (hidden(s)) throw missing(s); return next(s, c); } });
} else {
  m.register("data:text/javascript," + encodeURIComponent(
    "export async function resolve(s, c, next) { if (s === '@opentelemetry/api' || s.startsWith('@opentelemetry/api/')) throw Object.assign(new Error('Cannot find package ' + s), { code: 'ERR_MODULE_NOT_FOUND' }); return next(s, c); }"
  ));
}`,
)}`;

it("calls, walks and withSpan work without @opentelemetry/api installed", () => {
  const run = spawnSync(process.execPath, ["--import", HIDE, "--import", "tsx", join(import.meta.dirname, "no-otel.ts")], { cwd: root, encoding: "utf8", timeout: 60_000 });
  expect(run.stderr).toBe("");
  expect(JSON.parse(run.stdout)).toEqual({ importFailed: true, items: 15, result: "done" });
}, 90_000);
