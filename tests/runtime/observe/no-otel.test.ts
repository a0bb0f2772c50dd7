/**
 * Tracing is optional: without `@opentelemetry/api` the SDK works as before. A child process hides
 * the package with a resolve hook (node:module register) and runs no-otel.ts.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const HIDE = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(
  "export async function resolve(s, c, next) { if (s === '@opentelemetry/api') throw Object.assign(new Error('Cannot find package ' + s), { code: 'ERR_MODULE_NOT_FOUND' }); return next(s, c); }"
));`,
)}`;

it("calls, walks and withSpan work without @opentelemetry/api installed", () => {
  const run = spawnSync(process.execPath, ["--import", HIDE, "--import", "tsx", join(import.meta.dirname, "no-otel.ts")], { cwd: root, encoding: "utf8", timeout: 60_000 });
  expect(run.stderr).toBe("");
  expect(JSON.parse(run.stdout)).toEqual({ importFailed: true, items: 15, result: "done" });
}, 90_000);
