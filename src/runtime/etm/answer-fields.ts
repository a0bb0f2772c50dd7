/**
 * Reading the report id and status out of ETM answers. The sources disagree on the id's key
 * (qualys-mcp reads `id`, AT-ETM-Report-API also tries `reportId` and `uuid`: gateway-apis.md §3),
 * and ETM wraps single objects in `{data: …}` on some endpoints, so both levels are looked at.
 */
export function stringField(answer: unknown, keys: readonly string[]): string | undefined {
  for (const level of [answer, (answer as { data?: unknown } | null | undefined)?.data]) {
    if (level === null || typeof level !== "object") continue;
    for (const key of keys) {
      const value = (level as Record<string, unknown>)[key];
      if (typeof value === "string" && value !== "") return value;
      if (typeof value === "number" && Number.isFinite(value)) return String(value);
    }
  }
  return undefined;
}

export const reportIdOf = (answer: unknown) => stringField(answer, ["id", "reportId", "uuid"]);
export const statusOf = (answer: unknown) => stringField(answer, ["status"]);
export const failureDetailOf = (answer: unknown) => stringField(answer, ["message", "error", "reason", "failureReason"]);

export function objectOf(answer: unknown): Record<string, unknown> {
  return answer !== null && typeof answer === "object" && !Array.isArray(answer) ? (answer as Record<string, unknown>) : {};
}
