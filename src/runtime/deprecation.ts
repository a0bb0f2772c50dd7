import type { Runtime } from "./runtime.js";
import type { OperationMeta } from "./types.js";

const warned = new Set<string>();

/** Qualys removes endpoints on fixed dates; say so once per process, not on every call of a loop. */
export function warnDeprecatedOnce(runtime: Runtime, module: string, meta: OperationMeta): void {
  const key = `${module}.${meta.operationId}`;
  if (warned.has(key)) return;
  warned.add(key);
  const d = meta.deprecated ?? {};
  const dates = [d.endOfSupport && `end of support ${d.endOfSupport}`, d.endOfLife && `end of life ${d.endOfLife}`]
    .filter(Boolean)
    .join(", ");
  const message =
    `qualys-ts: ${key} (${meta.method.toUpperCase()} ${meta.path}) is deprecated by Qualys` +
    (dates ? ` (${dates})` : "") +
    (d.replacement ? `; use ${d.replacement} instead` : "") +
    ".";
  if (runtime.onDeprecated) runtime.onDeprecated({ module, operationId: meta.operationId, message });
  else process.emitWarning(message, { code: "QUALYS_DEPRECATED_OPERATION", type: "DeprecationWarning" });
}
