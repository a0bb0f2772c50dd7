/**
 * The tenant's HTTP front: routes the VM paths (the API versions of the SDK's version table,
 * refusing retired ones by default: routes.ts), checks auth the way Qualys does
 * (X-Requested-With plus Basic auth or a session cookie), applies the per-path limits, injects
 * faults, then hands the call to its endpoint.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { basicUser, sameSecret } from "./credentials.js";
import { answerEarlyFault, type FaultPlan } from "./faults.js";
import { blockedText, type PathLimiter } from "./limits.js";
import type { TenantModel } from "./model.js";
import { ParamError } from "./params.js";
import { NOT_FOUND_HTML, routeOf, type RetiredVersions } from "./routes.js";
import { RecordWriter } from "./stream.js";
import { simpleReturn } from "./xml.js";

const SESSION_PATH = "/api/2.0/fo/session/";

export interface PathStats {
  calls: number;
  blocked: number;
  blockedRate: number;
  blockedConcurrency: number;
  maxRunning: number;
  faulted: number;
  bytes: number;
  records: number;
}

export interface TenantStats {
  /** Admitted calls, all paths. */
  calls: number;
  blocked: number;
  faulted: number;
  /** Calls refused before the limits: bad auth, bad parameters, unknown paths, retired versions. */
  rejected: number;
  /** Calls to an API version past its End-of-Life, refused (404) as Qualys does: path → calls. */
  retiredVersionCalls: Record<string, number>;
  bytes: number;
  /** HOST (or VULN) records sent. */
  records: number;
  detections: number;
  maxRunning: number;
  running: number;
  byPath: Record<string, PathStats>;
}

export interface ServerState {
  readonly model: TenantModel;
  readonly limiter: PathLimiter;
  readonly username: string;
  readonly password: string;
  readonly stats: TenantStats;
  readonly latencyMs: number;
  readonly costPerHostMs: number;
  readonly retiredVersions: RetiredVersions;
  faults: FaultPlan | undefined;
  readonly sessions: Set<string>;
  readonly nth: Map<string, number>;
  /** Other APIs on this server (WAS): true when the call was theirs and has been answered. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => Promise<boolean>;
}

export function newStats(): TenantStats {
  return { calls: 0, blocked: 0, faulted: 0, rejected: 0, retiredVersionCalls: {}, bytes: 0, records: 0, detections: 0, maxRunning: 0, running: 0, byPath: {} };
}

export function pathStats(stats: TenantStats, path: string): PathStats {
  return (stats.byPath[path] ??= { calls: 0, blocked: 0, blockedRate: 0, blockedConcurrency: 0, maxRunning: 0, faulted: 0, bytes: 0, records: 0 });
}

const XML = { "Content-Type": "text/xml;charset=UTF-8" };

function sessionOf(req: IncomingMessage): string | undefined {
  return /(?:^|;\s*)QualysSession=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
}

export async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? "/", "http://tenant");
  const params = new URLSearchParams(url.search);
  const type = req.headers["content-type"] ?? "";
  if (req.method === "POST" && (type === "" || type.startsWith("application/x-www-form-urlencoded"))) {
    for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString("utf8"))) params.append(k, v);
  }
  const now = state.model.now();
  const reject = (status: number, code: string | undefined, text: string) => {
    state.stats.rejected += 1;
    res.writeHead(status, XML);
    res.end(simpleReturn(code, text, now));
  };

  const path = url.pathname;
  if (state.extraRoutes && (await state.extraRoutes(req, res, url, Buffer.concat(chunks)))) return;
  const route = routeOf(path, now, state.retiredVersions);
  if (route?.kind === "retired") state.stats.retiredVersionCalls[path] = (state.stats.retiredVersionCalls[path] ?? 0) + 1;
  if ((!route || route.kind === "retired") && path !== SESSION_PATH) {
    state.stats.rejected += 1;
    res.writeHead(404, { "Content-Type": "text/html" });
    res.end(NOT_FOUND_HTML);
    return;
  }
  // Qualys refuses v2 calls without it. No source shows the exact answer: a 400 SIMPLE_RETURN
  // without a CODE is a guess that only says "refused" (unverified).
  if (!req.headers["x-requested-with"]) return reject(400, undefined, "Missing required header: X-Requested-With");
  if (!params.get("action")) return reject(400, "1903", "Missing required parameter(s): action");

  if (path === SESSION_PATH) return sessionCall(state, params, req, res, reject);

  const user = basicUser(req.headers.authorization);
  const cookie = sessionOf(req);
  const authorised = user ? sameSecret(user.username, state.username) && sameSecret(user.password, state.password) : cookie !== undefined && state.sessions.has(cookie);
  if (!authorised) return reject(401, "2000", "Bad Login/Password");
  if (params.get("action") !== "list") return reject(400, "1905", `parameter action has invalid value: ${params.get("action")}`);

  const admission = state.limiter.admit(path);
  const ps = pathStats(state.stats, path);
  if (!admission.admitted) {
    state.stats.blocked += 1;
    ps.blocked += 1;
    if (admission.code === "1960") ps.blockedConcurrency += 1;
    else ps.blockedRate += 1;
    res.writeHead(409, { ...XML, ...admission.headers });
    res.end(simpleReturn(admission.code, blockedText(admission.code, admission.running, admission.toWaitSec), now));
    return;
  }
  // Running until the answer has been sent, as Qualys counts it.
  state.stats.running += 1;
  res.once("close", () => {
    admission.release();
    state.stats.running -= 1;
  });
  state.stats.calls += 1;
  ps.calls += 1;
  const usage = state.limiter.usageOf(path);
  ps.maxRunning = Math.max(ps.maxRunning, usage.maxRunning);
  state.stats.maxRunning = Math.max(state.stats.maxRunning, state.stats.running);
  const nth = (state.nth.get(path) ?? 0) + 1;
  state.nth.set(path, nth);

  if (state.latencyMs > 0) await sleep(state.latencyMs);
  let fault = state.faults?.({ path, params, nth, nthOverall: state.stats.calls }) || undefined;
  if (fault?.kind === "hold") {
    await fault.until.catch(() => {});
    fault = undefined;
  }
  if (fault) {
    state.stats.faulted += 1;
    ps.faulted += 1;
  }
  if (answerEarlyFault(fault, res, admission.headers)) return;

  const counted = { bytes: 0, records: 0 };
  try {
    // Parameters are checked before anything is written, so a bad one still gets its 400.
    const writer = new RecordWriter(res, counted, state.costPerHostMs, fault);
    const call = {
      model: state.model,
      writer,
      params,
      url: `http://${req.headers.host ?? "127.0.0.1"}${path}`,
      version: route!.kind === "serve" ? route!.version : "",
      countDetections: (n: number) => (state.stats.detections += n),
    };
    res.setHeader("Content-Type", XML["Content-Type"]);
    for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
    if (route?.kind === "serve") await route.endpoint(call);
    if (!res.destroyed) res.end();
  } catch (err) {
    if (err instanceof ParamError && !res.headersSent) {
      res.writeHead(400, XML);
      res.end(simpleReturn(err.code, err.message, now));
    } else if (!res.headersSent) {
      res.writeHead(500, XML);
      res.end(simpleReturn("999", "Internal error", now));
    } else {
      res.destroy(err as Error);
    }
  } finally {
    state.stats.bytes += counted.bytes;
    state.stats.records += counted.records;
    ps.bytes += counted.bytes;
    ps.records += counted.records;
  }
}

function sessionCall(state: ServerState, params: URLSearchParams, req: IncomingMessage, res: ServerResponse, reject: (status: number, code: string | undefined, text: string) => void): void {
  const now = state.model.now();
  if (params.get("action") === "login") {
    const ok = sameSecret(params.get("username") ?? "", state.username) && sameSecret(params.get("password") ?? "", state.password);
    if (!ok) return reject(401, "2000", "Bad Login/Password");
    const id = randomBytes(16).toString("hex");
    state.sessions.add(id);
    res.writeHead(200, { ...XML, "Set-Cookie": `QualysSession=${id}; path=/api; HttpOnly` });
    res.end(simpleReturn(undefined, "Logged in", now));
    return;
  }
  if (params.get("action") === "logout") {
    const id = sessionOf(req);
    if (!id || !state.sessions.delete(id)) return reject(401, "2000", "Bad Login/Password");
    res.writeHead(200, XML);
    res.end(simpleReturn(undefined, "Logged out", now));
    return;
  }
  reject(400, "1905", `parameter action has invalid value: ${params.get("action")}`);
}
