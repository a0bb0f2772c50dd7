/**
 * Qualys's two controls per API path: a rolling window of `limit` calls per `windowSec`, and at
 * most `concurrency` calls running at once. A call is admitted or blocked (the concurrency block
 * takes precedence, as Qualys documents); the headers say what Qualys's would.
 */

export interface PathLimits {
  /** Calls per window. */
  readonly limit: number;
  readonly windowSec: number;
  readonly concurrency: number;
}

export interface PathUsage {
  /** Calls admitted. */
  executed: number;
  blocked: number;
  blockedRate: number;
  blockedConcurrency: number;
  /** Calls running now. */
  running: number;
  maxRunning: number;
  /** Most calls admitted within any one window (never above the limit). */
  maxInWindow: number;
}

export type Admission =
  | { readonly admitted: true; readonly headers: Record<string, string>; release(): void }
  | { readonly admitted: false; readonly code: "1960" | "1965"; readonly headers: Record<string, string>; readonly running: number; readonly toWaitSec: number };

export interface LimiterOptions {
  /** The limits of a path. */
  readonly limitsOf: (path: string) => PathLimits;
  /** Milliseconds, for the rolling window. Default Date.now. */
  readonly clock?: () => number;
  /** `X-ConcurrencyLimit-*` instead of `X-Concurrency-Limit-*`, as one gateway doc spells it. */
  readonly noHyphenConcurrency?: boolean;
}

/** Seconds as Qualys prints them; fractions stay (to 1 ms) so tests can shrink time. */
const seconds = (s: number) => String(Math.max(0, Math.round(s * 1000) / 1000));

export class PathLimiter {
  readonly usage: Record<string, PathUsage> = {};
  private readonly calls = new Map<string, number[]>();
  private readonly clock: () => number;

  constructor(private readonly options: LimiterOptions) {
    this.clock = options.clock ?? Date.now;
  }

  usageOf(path: string): PathUsage {
    return (this.usage[path] ??= { executed: 0, blocked: 0, blockedRate: 0, blockedConcurrency: 0, running: 0, maxRunning: 0, maxInWindow: 0 });
  }

  /** Calls of `path` within the window now (old ones forgotten). */
  private window(path: string, limits: PathLimits, now: number): number[] {
    const since = now - limits.windowSec * 1000;
    const log = (this.calls.get(path) ?? []).filter((t) => t > since);
    this.calls.set(path, log);
    return log;
  }

  headers(path: string, limits: PathLimits, remaining: number, toWaitSec: number): Record<string, string> {
    const concurrency = this.options.noHyphenConcurrency ? "X-ConcurrencyLimit" : "X-Concurrency-Limit";
    return {
      "X-RateLimit-Limit": String(limits.limit),
      "X-RateLimit-Window-Sec": String(limits.windowSec),
      "X-RateLimit-Remaining": String(Math.max(0, remaining)),
      "X-RateLimit-ToWait-Sec": seconds(toWaitSec),
      [`${concurrency}-Limit`]: String(limits.concurrency),
      [`${concurrency}-Running`]: String(this.usageOf(path).running),
    };
  }

  admit(path: string): Admission {
    const limits = this.options.limitsOf(path);
    const now = this.clock();
    const log = this.window(path, limits, now);
    const usage = this.usageOf(path);
    const windowMs = limits.windowSec * 1000;
    if (usage.running >= limits.concurrency || log.length >= limits.limit) {
      const code = usage.running >= limits.concurrency ? "1960" : "1965";
      const toWaitSec = log.length >= limits.limit ? (log[0]! + windowMs - now) / 1000 : 0;
      usage.blocked += 1;
      if (code === "1960") usage.blockedConcurrency += 1;
      else usage.blockedRate += 1;
      return { admitted: false, code, running: usage.running, toWaitSec, headers: this.headers(path, limits, limits.limit - log.length, code === "1965" ? toWaitSec : 0) };
    }
    log.push(now);
    usage.executed += 1;
    usage.maxInWindow = Math.max(usage.maxInWindow, log.length);
    usage.running += 1;
    usage.maxRunning = Math.max(usage.maxRunning, usage.running);
    // The caller that took the last slot learns how long until the next one frees up.
    const nextIn = log.length >= limits.limit ? (log[0]! + windowMs - now) / 1000 : 0;
    let released = false;
    return {
      admitted: true,
      headers: this.headers(path, limits, limits.limit - log.length, nextIn),
      release: () => {
        if (released) return;
        released = true;
        usage.running -= 1;
      },
    };
  }

  /** The headers as of now, for an answer sent after its call ran: what is left, and how long until a slot frees. */
  headersNow(path: string): Record<string, string> {
    const limits = this.options.limitsOf(path);
    const now = this.clock();
    const log = this.window(path, limits, now);
    const nextIn = log.length >= limits.limit ? (log[0]! + limits.windowSec * 1000 - now) / 1000 : 0;
    return this.headers(path, limits, limits.limit - log.length, nextIn);
  }

  /** Uses up quota of `path` as another client of the subscription would. */
  spend(path: string, calls: number): void {
    const limits = this.options.limitsOf(path);
    const now = this.clock();
    const log = this.window(path, limits, now);
    for (let i = 0; i < calls; i++) log.push(now);
  }
}

/** The 1960/1965 texts seen in the wild (qualysapi, demisto). */
export function blockedText(code: "1960" | "1965", running: number, toWaitSec: number): string {
  return code === "1960"
    ? `This API cannot be run again until ${running} currently running instances have finished.`
    : `This API cannot be run again for another ${Math.ceil(toWaitSec)} seconds.`;
}
