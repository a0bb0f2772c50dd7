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
import { blockedText, PathLimiter } from "../../src/mock/tenant/limits.js";

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
  const stats: SimulatorStats = { executed: 0, faulted: 0, blocked: 0, blockedRate: 0, blockedConcurrency: 0, maxRunning: 0, running: 0, byPath: {} };
  let faults = options.failFirst?.count ?? 0;
  const limitsOf = (path: string): SimulatorLimits => ({ ...options, ...options.paths?.[path] });
  // The tenant's limiter: one implementation of Qualys's window, concurrency and headers.
  const limiter = new PathLimiter({ limitsOf, noHyphenConcurrency: options.noHyphenConcurrency });
  const pathStats = (path: string) => (stats.byPath[path] ??= { executed: 0, blocked: 0, maxRunning: 0, maxInWindow: 0 });
  const sent = (headers: Record<string, string>, blocked: boolean) => (options.headers === false || (options.headers === "blocked" && !blocked) ? {} : headers);

  const server = createServer(async (req, res) => {
    for await (const _ of req) void _;
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const limits = limitsOf(path);
    const isVm = path.startsWith("/api/");
    const ps = pathStats(path);
    const admission = limiter.admit(path);
    if (!admission.admitted) {
      stats.blocked += 1;
      ps.blocked += 1;
      if (admission.code === "1960") stats.blockedConcurrency += 1;
      else stats.blockedRate += 1;
      const headers = sent(admission.headers, true);
      if (isVm) {
        res.writeHead(409, { "Content-Type": "text/xml", ...headers });
        res.end(simpleReturn(admission.code, blockedText(admission.code, admission.running, admission.toWaitSec)));
      } else {
        const toWait = admission.toWaitSec;
        const retryAfter =
          options.retryAfter === "none" ? {} : options.retryAfter === "date" ? { "Retry-After": new Date(Date.now() + toWait * 1000 + 1000).toUTCString() } : { "Retry-After": String(Math.max(1, Math.ceil(toWait))) };
        res.writeHead(429, { "Content-Type": "application/json", ...retryAfter, ...headers });
        res.end(JSON.stringify({ errorCode: "429", message: "Too Many Requests", body: null }));
      }
      return;
    }
    const usage = limiter.usageOf(path);
    ps.maxInWindow = usage.maxInWindow;
    ps.maxRunning = usage.maxRunning;
    stats.running += 1;
    stats.maxRunning = Math.max(stats.maxRunning, usage.running);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      admission.release();
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
    // As Qualys does, the headers say how things stand when the answer goes out, after the call ran.
    for (const [name, value] of Object.entries(sent(limiter.headersNow(path), false))) res.setHeader(name, value);
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
    spend(path: string, calls: number) {
      limiter.spend(path, calls);
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
