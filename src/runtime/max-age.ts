/**
 * Time filters an API only honours so far back (`x-max-age-days`: QFlow's execution list reaches
 * back 30 days since 1.18 and answers 400 to an older `startAt`). Nothing older can be fetched,
 * so an older value is moved up to the limit — less a few minutes, so clock skew and the time on
 * the wire cannot push it past — and the caller is told once per process. A window that ends
 * before the limit has nothing to fetch at all: that is an InvalidParameterError before sending.
 */
import { InvalidParameterError } from "./errors/invalid-parameter-error.js";
import type { Runtime } from "./runtime.js";
import type { OperationMeta } from "./types.js";

/** How far inside the limit a moved value goes. */
export const MAX_AGE_MARGIN_MS = 5 * 60 * 1000;
const DAY_MS = 86_400_000;
const told = new Set<string>();

type Init = Record<string, unknown>;

/** `init` with every too-old time filter of `meta.maxAge` moved up to the limit (the same object when none is). */
export function clampToMaxAge(runtime: Runtime, module: string, meta: OperationMeta, init: Init, now: number = Date.now()): Init {
  if (!meta.maxAge?.length) return init;
  const params = init.params as { query?: Record<string, unknown> } | undefined;
  let query = params?.query;
  for (const limit of meta.maxAge) {
    const value = query?.[limit.name];
    if (value === undefined || value === null || value === "") continue;
    const at = value instanceof Date ? value.getTime() : Date.parse(String(value));
    if (!Number.isFinite(at)) throw new InvalidParameterError(`is not a date-time: ${JSON.stringify(String(value)).slice(0, 60)}`, { operation: meta.operationId, parameter: limit.name });
    const earliest = now - limit.days * DAY_MS + MAX_AGE_MARGIN_MS;
    if (at >= earliest) continue;
    const end = query?.endAt === undefined ? undefined : Date.parse(String(query.endAt));
    if (end !== undefined && Number.isFinite(end) && end < earliest) {
      throw new InvalidParameterError(`and endAt end before ${new Date(earliest).toISOString()}: ${module} keeps only the last ${limit.days} days reachable, so nothing in that window can be fetched`, {
        operation: meta.operationId,
        parameter: limit.name,
      });
    }
    const moved = new Date(earliest).toISOString();
    query = { ...query, [limit.name]: moved };
    const key = `${module}.${meta.operationId}.${limit.name}`;
    if (!told.has(key)) {
      told.add(key);
      const message = `qualys-ts: ${key} ${new Date(at).toISOString()} is more than ${limit.days} days back, the furthest ${module} reaches: sent ${moved} instead (nothing older can be fetched).`;
      if (runtime.onWarning) runtime.onWarning({ module, operationId: meta.operationId, message });
      else process.emitWarning(message, { code: "QUALYS_PARAMETER_MOVED" });
    }
  }
  return query === params?.query ? init : { ...init, params: { ...params, query } };
}
