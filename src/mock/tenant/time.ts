/** Qualys datetimes: ISO-8601 UTC to the second (`2026-11-19T22:05:00Z`). */
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export function qualysDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Whole seconds, so what goes out as text and what the pure functions hold compare equal. */
export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
