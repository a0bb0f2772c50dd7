/**
 * Loads a package the SDK keeps optional (drivers, vega, ioredis, CLI libraries) only when a
 * feature needs it, so `import "qualys-ts"` never pays for them; a missing one is a one-line
 * MissingDependencyError naming the package, not a bare ERR_MODULE_NOT_FOUND.
 */
import { MissingDependencyError } from "./errors/missing-dependency-error.js";

export async function importOptional<T>(specifier: string, purpose: string, load: () => Promise<T> = () => import(specifier) as Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as { code?: string } | null)?.code;
    // Only "this package is absent" becomes the friendly error; a broken install keeps its own.
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String((err as Error).message).includes(packageOf(specifier))) {
      throw new MissingDependencyError(packageOf(specifier), purpose, { cause: err });
    }
    throw err;
  }
}

/** "pg" from "pg", "@opentelemetry/api" from "@opentelemetry/api/build/x", "vega-lite" from "vega-lite/build". */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}
