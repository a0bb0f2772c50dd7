/**
 * A 127.0.0.1 server (random port) with Qualys's limit semantics, per API path: a rolling window
 * of `limit` calls per `windowSec`, and at most `concurrency` calls running. Blocked calls get
 * 409 + SIMPLE_RETURN 1960/1965 on /api/ paths (the concurrency error first, as Qualys
 * documents) and 429 + Retry-After elsewhere. ToWait is sent with fractions so tests and benches
 * can shrink time. Counts executed and blocked calls; can inject latency, 5xx answers and
 * connection resets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SimulatorLimits {
  limit: number;
  windowSec: number;
  concurrency: number;
  /** How long an executed call takes, ms. */
  latencyMs?: number;
}

export interface SimulatorOptions extends SimulatorLimits {
  /** Limits of particular paths (exact match), over the ones above. */
  paths?: Record<string, Partial<SimulatorLimits>>;
  /**
   * When to send the X-RateLimit / X-Concurrency headers: always (true, the default), never
   * (false: some Qualys endpoints omit them), or only on blocked answers.
   */
  headers?: boolean | "blocked";
  /** Spell the concurrency headers `X-ConcurrencyLimit-*`, as one gateway doc does. */
  noHyphenConcurrency?: boolean;
  /** Retry-After on 429 answers: whole seconds (default), an HTTP date, or none. */
  retryAfter?: "seconds" | "date" | "none";
  /** Answer this many executed calls with a fault first: a status (default 503) or a reset connection. */
  failFirst?: { count: number; status?: number; reset?: boolean };
  /** The answer to an executed call, instead of the default 200 (fault injection aside). */
  respond?: (req: IncomingMessage, res: ServerResponse) => boolean | void;
}

export interface PathStats {
  executed: number;
  blocked: number;
  maxRunning: number;
  /** Most calls executed within any one window (never above the limit). */
  maxInWindow: number;
}

export interface SimulatorStats {
  executed: number;
  /** Calls answered with an injected fault (they ran, as far as the client can tell). */
  faulted: number;
  blocked: number;
  blockedRate: number;
  blockedConcurrency: number;
  maxRunning: number;
  /** Calls running now, all paths. */
  running: number;
  byPath: Record<string, PathStats>;
}

export type Simulator = Awaited<ReturnType<typeof startSimulator>>;

const simpleReturn = (code: string, text: string) =>
  `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>${new Date().toISOString().replace(/\.\d+Z$/, "Z")}</DATETIME>\n    <CODE>${code}</CODE>\n    <TEXT>${text}</TEXT>\n  </RESPONSE>\n</SIMPLE_RETURN>\n`;

export async function startSimulator(options: SimulatorOptions) {
  const calls = new Map<string, number[]>();
  const running = new Map<string, number>();
  const stats: SimulatorStats = { executed: 0, faulted: 0, blocked: 0, blockedRate: 0, blockedConcurrency: 0, maxRunning: 0, running: 0, byPath: {} };
  let faults = options.failFirst?.count ?? 0;
  const limitsOf = (path: string): SimulatorLimits => ({ ...options, ...options.paths?.[path] });
  const pathStats = (path: string) => (stats.byPath[path] ??= { executed: 0, blocked: 0, maxRunning: 0, maxInWindow: 0 });

  const limitHeaders = (path: string, limits: SimulatorLimits, remaining: number, toWaitSec: number, blocked: boolean): Record<string, string> => {
    if (options.headers === false || (options.headers === "blocked" && !blocked)) return {};
    const concurrency = options.noHyphenConcurrency ? "X-ConcurrencyLimit" : "X-Concurrency-Limit";
    return {
      "X-RateLimit-Limit": String(limits.limit),
      "X-RateLimit-Window-Sec": String(limits.windowSec),
      "X-RateLimit-Remaining": String(Math.max(0, remaining)),
      "X-RateLimit-ToWait-Sec": toWaitSec.toFixed(3),
      [`${concurrency}-Limit`]: String(limits.concurrency),
      [`${concurrency}-Running`]: String(running.get(path) ?? 0),
    };
  };

  const server = createServer(async (req, res) => {
    for await (const _ of req) void _;
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const limits = limitsOf(path);
    const now = Date.now();
    const windowMs = limits.windowSec * 1000;
    const log = (calls.get(path) ?? []).filter((t) => t > now - windowMs);
    calls.set(path, log);
    const isVm = path.startsWith("/api/");
    const run = running.get(path) ?? 0;
    const toWait = log.length >= limits.limit ? (log[0]! + windowMs - now) / 1000 : 0;

    const block = (code: "1960" | "1965") => {
      stats.blocked += 1;
      pathStats(path).blocked += 1;
      if (code === "1960") stats.blockedConcurrency += 1;
      else stats.blockedRate += 1;
      const headers = limitHeaders(path, limits, limits.limit - log.length, code === "1965" ? toWait : 0, true);
      if (isVm) {
        res.writeHead(409, { "Content-Type": "text/xml", ...headers });
        res.end(
          code === "1960"
            ? simpleReturn("1960", `This API cannot be run again until ${run} currently running instances have finished.`)
            : simpleReturn("1965", `This API cannot be run again for another ${Math.ceil(toWait)} seconds.`),
        );
      } else {
        const retryAfter =
          options.retryAfter === "none" ? {} : options.retryAfter === "date" ? { "Retry-After": new Date(now + toWait * 1000 + 1000).toUTCString() } : { "Retry-After": String(Math.max(1, Math.ceil(toWait))) };
        res.writeHead(429, { "Content-Type": "application/json", ...retryAfter, ...headers });
        res.end(JSON.stringify({ errorCode: "429", message: "Too Many Requests", body: null }));
      }
    };
    // Qualys: the concurrency error takes precedence over the rate error.
    if (run >= limits.concurrency) return block("1960");
    if (log.length >= limits.limit) return block("1965");

    log.push(now);
    const ps = pathStats(path);
    ps.maxInWindow = Math.max(ps.maxInWindow, log.length);
    running.set(path, run + 1);
    stats.running += 1;
    ps.maxRunning = Math.max(ps.maxRunning, run + 1);
    stats.maxRunning = Math.max(stats.maxRunning, run + 1);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      running.set(path, (running.get(path) ?? 1) - 1);
      stats.running -= 1;
    };
    // Running until the answer has been sent, as Qualys counts it, or until the client goes away (even mid-call).
    res.on("close", finish);
    if (limits.latencyMs) await new Promise((r) => setTimeout(r, limits.latencyMs));
    if (faults > 0) {
      faults -= 1;
      stats.faulted += 1;
      finish();
      if (options.failFirst?.reset) return res.destroy();
      res.writeHead(options.failFirst?.status ?? 503, { "Content-Type": "text/plain" });
      return res.end("Service Unavailable");
    }
    stats.executed += 1;
    ps.executed += 1;
    // Tell the caller that took the last slot how long until the next one frees up.
    const nextIn = log.length >= limits.limit ? (log[0]! + windowMs - Date.now()) / 1000 : 0;
    const headers = limitHeaders(path, limits, limits.limit - log.length, Math.max(0, nextIn), false);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (options.respond?.(req, res)) return;
    if (isVm) {
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(`<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><TEXT>ok</TEXT></RESPONSE></SIMPLE_RETURN>\n`);
    } else {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ errorCode: null, message: null, body: { totalCount: 1, list: [{ id: 1, name: "Custom" }] } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    /** Uses up quota of `path` as another client of the subscription would (no HTTP call). */
    spend(path: string, calls_: number) {
      const log = calls.get(path) ?? [];
      for (let i = 0; i < calls_; i++) log.push(Date.now());
      calls.set(path, log);
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
