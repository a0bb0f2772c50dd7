/**
 * A 127.0.0.1 server with Qualys's limit semantics: per API path, a rolling window of `limit`
 * calls per `windowSec` and at most `concurrency` calls running. Blocked calls get 409 +
 * SIMPLE_RETURN 1960/1965 on /api/ paths (concurrency first, as Qualys documents) and 429 +
 * Retry-After elsewhere. ToWait is sent with fractions so tests and benches can shrink time.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SimulatorOptions {
  limit: number;
  windowSec: number;
  concurrency: number;
  /** How long an executed call takes, ms. */
  latencyMs?: number;
  /** Send the limit headers (some Qualys endpoints omit them). Default true. */
  headers?: boolean;
  /** Answer this many executed calls with this status first (fault injection). */
  failFirst?: { count: number; status?: number; reset?: boolean };
}

export interface SimulatorStats {
  executed: number;
  /** Calls answered with an injected fault (they ran, as far as the client can tell). */
  faulted: number;
  blocked: number;
  blockedRate: number;
  blockedConcurrency: number;
  maxRunning: number;
  byPath: Record<string, number>;
}

const simpleReturn = (code: string, text: string) =>
  `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>${new Date().toISOString().replace(/\.\d+Z$/, "Z")}</DATETIME>\n    <CODE>${code}</CODE>\n    <TEXT>${text}</TEXT>\n  </RESPONSE>\n</SIMPLE_RETURN>\n`;

export async function startSimulator(options: SimulatorOptions) {
  const calls = new Map<string, number[]>();
  const running = new Map<string, number>();
  const stats: SimulatorStats = { executed: 0, faulted: 0, blocked: 0, blockedRate: 0, blockedConcurrency: 0, maxRunning: 0, byPath: {} };
  let faults = options.failFirst?.count ?? 0;

  const limitHeaders = (path: string, now: number, remaining: number, toWaitSec: number): Record<string, string> =>
    options.headers === false
      ? {}
      : {
          "X-RateLimit-Limit": String(options.limit),
          "X-RateLimit-Window-Sec": String(options.windowSec),
          "X-RateLimit-Remaining": String(Math.max(0, remaining)),
          "X-RateLimit-ToWait-Sec": toWaitSec.toFixed(3),
          "X-Concurrency-Limit-Limit": String(options.concurrency),
          "X-Concurrency-Limit-Running": String(running.get(path) ?? 0),
        };

  const server = createServer(async (req, res: ServerResponse) => {
    for await (const _ of req) void _;
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const now = Date.now();
    const windowMs = options.windowSec * 1000;
    const log = (calls.get(path) ?? []).filter((t) => t > now - windowMs);
    calls.set(path, log);
    const isVm = path.startsWith("/api/");
    const run = running.get(path) ?? 0;
    const toWait = log.length >= options.limit ? (log[0]! + windowMs - now) / 1000 : 0;

    const block = (code: "1960" | "1965") => {
      stats.blocked += 1;
      if (code === "1960") stats.blockedConcurrency += 1;
      else stats.blockedRate += 1;
      const headers = limitHeaders(path, now, options.limit - log.length, code === "1965" ? toWait : 0);
      if (isVm) {
        res.writeHead(409, { "Content-Type": "text/xml", ...headers });
        res.end(code === "1960" ? simpleReturn("1960", `This API cannot be run again until ${run} currently running instances have finished.`) : simpleReturn("1965", `This API cannot be run again for another ${Math.ceil(toWait)} seconds.`));
      } else {
        res.writeHead(429, { "Content-Type": "application/json", "Retry-After": String(Math.max(1, Math.ceil(toWait))), ...headers });
        res.end(JSON.stringify({ errorCode: "429", message: "Too Many Requests", body: null }));
      }
    };
    // Qualys: the concurrency error takes precedence over the rate error.
    if (run >= options.concurrency) return block("1960");
    if (log.length >= options.limit) return block("1965");

    log.push(now);
    running.set(path, run + 1);
    stats.maxRunning = Math.max(stats.maxRunning, run + 1);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    running.set(path, (running.get(path) ?? 1) - 1);
    if (faults > 0) {
      faults -= 1;
      stats.faulted += 1;
      if (options.failFirst?.reset) return res.destroy();
      res.writeHead(options.failFirst?.status ?? 503, { "Content-Type": "text/plain" });
      return res.end("Service Unavailable");
    }
    stats.executed += 1;
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    // Tell the caller that took the last slot how long until the next one frees up.
    const nextIn = log.length >= options.limit ? (log[0]! + windowMs - Date.now()) / 1000 : 0;
    const headers = limitHeaders(path, now, options.limit - log.length, Math.max(0, nextIn));
    if (isVm) {
      res.writeHead(200, { "Content-Type": "text/xml", ...headers });
      res.end(`<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><TEXT>ok</TEXT></RESPONSE></SIMPLE_RETURN>\n`);
    } else {
      res.writeHead(200, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify({ errorCode: null, message: null, body: { totalCount: 1, list: [{ id: 1, name: "Custom" }] } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
