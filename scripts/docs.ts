/** `npm run docs`: an HTML API reference per spec (Redocly build-docs) into docs/api/, with an index page. */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSpecEntries } from "./generate/specs.js";

const root = join(import.meta.dirname, "..");
const out = join(root, "docs", "api");
mkdirSync(out, { recursive: true });
const entries = readSpecEntries(root);
for (const { module } of entries) {
  const run = spawnSync(join(root, "node_modules", ".bin", "redocly"), ["build-docs", module, "-o", join(out, `${module}.html`)], {
    cwd: root,
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    encoding: "utf8",
  });
  if (run.status !== 0) {
    console.error(`redocly build-docs ${module} failed:\n${run.stdout}${run.stderr}`);
    process.exit(1);
  }
  console.log(`docs/api/${module}.html`);
}
const links = entries.map(({ module, root: spec }) => `<li><a href="${module}.html">${module}</a> <small>(${spec})</small></li>`).join("\n");
writeFileSync(join(out, "index.html"), `<!doctype html><meta charset="utf-8"><title>qualys-ts API reference</title><h1>qualys-ts API reference</h1><ul>\n${links}\n</ul>\n`);
console.log("docs/api/index.html");
