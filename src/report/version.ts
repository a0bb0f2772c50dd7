/** This package's version, for the page's footer (found by walking up to our package.json). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function packageVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "qualys-ts") return (cached = pkg.version ?? "unknown");
    }
    const up = dirname(dir);
    if (up === dir) return (cached = "unknown");
    dir = up;
  }
}
