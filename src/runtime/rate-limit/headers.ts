/**
 * Qualys's limit headers, as sent on every rate-limited API (VM help "HTTP response headers";
 * one gateway doc spells the concurrency header without the hyphen, so both are read).
 * Values are seconds; fractions are accepted so tests can scale time down.
 */
export interface ObservedLimits {
  readonly limit?: number;
  readonly windowSec?: number;
  readonly remaining?: number;
  readonly toWaitSec?: number;
  readonly concurrencyLimit?: number;
  readonly running?: number;
}

function num(headers: Headers, ...names: string[]): number | undefined {
  for (const name of names) {
    const raw = headers.get(name);
    if (raw === null || raw.trim() === "") continue;
    const n = Number(raw);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  return undefined;
}

export function readLimits(headers: Headers): ObservedLimits {
  return {
    limit: num(headers, "x-ratelimit-limit"),
    windowSec: num(headers, "x-ratelimit-window-sec"),
    remaining: num(headers, "x-ratelimit-remaining"),
    toWaitSec: num(headers, "x-ratelimit-towait-sec"),
    concurrencyLimit: num(headers, "x-concurrency-limit-limit", "x-concurrencylimit-limit"),
    running: num(headers, "x-concurrency-limit-running", "x-concurrencylimit-running"),
  };
}

/** `Retry-After` in seconds or as an HTTP date, as milliseconds from `now`. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const raw = headers.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
