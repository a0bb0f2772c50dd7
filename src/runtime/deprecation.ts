import { monthStart, versionStatus } from "./api-versions.js";
import type { Runtime } from "./runtime.js";
import type { OperationMeta } from "./types.js";

const warned = new Set<string>();

/** Told to the runtime's hook, else as a process warning; once per process and key. */
function warnOnce(runtime: Runtime, key: string, module: string, operationId: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  if (runtime.onDeprecated) runtime.onDeprecated({ module, operationId, message });
  else process.emitWarning(message, { code: "QUALYS_DEPRECATED_OPERATION", type: "DeprecationWarning" });
}

/** Qualys removes endpoints on fixed dates; say so once per process, not on every call of a loop. */
export function warnDeprecatedOnce(runtime: Runtime, module: string, meta: OperationMeta): void {
  const key = `${module}.${meta.operationId}`;
  const d = meta.deprecated ?? {};
  const now = Date.now();
  const past = (month: string | undefined) => (month && now >= monthStart(month) ? " (past)" : "");
  const dates = [d.endOfSupport && `end of support ${d.endOfSupport}${past(d.endOfSupport)}`, d.endOfLife && `end of life ${d.endOfLife}${past(d.endOfLife)}`]
    .filter(Boolean)
    .join(", ");
  const message =
    `qualys-ts: ${key} (${meta.method.toUpperCase()} ${meta.path}) is deprecated by Qualys` +
    (dates ? ` (${dates})` : "") +
    (past(d.endOfLife) ? " and may be refused" : "") +
    (d.replacement ? `; use ${d.replacement} instead` : "") +
    ".";
  warnOnce(runtime, key, module, meta.operationId, message);
}

/**
 * A call sent to an older API version than the current one (asked for with `apiVersion` or
 * `apiVersions`): said once per process and version, when it is past its End-of-Support or when
 * no date is known for it. Before its End-of-Support an older version is fine and goes unmentioned.
 */
export function warnOlderVersionOnce(
  runtime: Runtime,
  module: string,
  operation: string,
  chosen: { readonly version: string; readonly path: string; readonly endOfSupport?: string; readonly endOfLife?: string },
  current: string,
): void {
  const status = versionStatus({ ...chosen, source: "" }, false);
  if (status.state === "supported") return;
  const what =
    status.state === "end-of-life"
      ? `past its end of life (${status.text}): Qualys retired it and may refuse the call`
      : status.state === "end-of-support"
        ? `past its end of support (${status.text}): it gets no fixes and will be retired`
        : "an older version, for which qualys-ts knows no end-of-support date";
  const message = `qualys-ts: ${module}.${operation} calls Qualys API ${chosen.version} (${chosen.path}), ${what}. The current version, ${current}, is the default: drop the apiVersion / apiVersions setting for it.`;
  warnOnce(runtime, `${module}.${operation}@${chosen.version}`, module, operation, message);
}
