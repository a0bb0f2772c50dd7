/**
 * A synthetic Qualys VM subscription on 127.0.0.1: host list (records and ID_SET), host
 * detections (truncation pages with WARNING 1980), KnowledgeBase, in the current API versions
 * (HLD 5.0, host list 5.0, KB 4.0; retired versions refused as Qualys does after their
 * End-of-Life, unless `retiredVersions: "serve"`); Basic auth or a session;
 * Qualys's per-path rate and concurrency limits with their headers and 409s; injectable faults;
 * a clock that moves (`advance`) so incremental exports have changes to fetch. The data is a
 * pure function of the options (see TenantModel and the select functions), so tests can check
 * an export row for row.
 *
 *   const tenant = await startTenant({ hosts: 20_000, seed: 7 });
 *   const qualys = createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url } });
 *   …
 *   await tenant.close();
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FaultPlan } from "./faults.js";
import { PathLimiter, type PathLimits } from "./limits.js";
import { TenantModel, type TenantDataOptions } from "./model.js";
import { handle, newStats, type ServerState, type TenantStats } from "./server.js";
import type { RetiredVersions } from "./routes.js";
import type { AdvanceOptions, TenantStep } from "./steps.js";

export interface TenantLimits {
  /** Calls per rolling window, per API path. Default 300 per 3600 s (Qualys's standard). */
  readonly rate?: { readonly limit: number; readonly windowSec: number };
  /** Calls running at once, per API path. Default 2. */
  readonly concurrency?: number;
  /** Other limits for particular paths (exact path, e.g. `/api/4.0/fo/knowledge_base/vuln/`). */
  readonly paths?: Readonly<Record<string, { readonly rate?: { readonly limit: number; readonly windowSec: number }; readonly concurrency?: number }>>;
}

export interface TenantOptions extends TenantDataOptions {
  /** Default `tenant` / `tenant-password`. */
  readonly username?: string;
  readonly password?: string;
  readonly limits?: TenantLimits;
  /** Server time spent per host (or KB record) sent, on timers. Default 0. */
  readonly costPerHostMs?: number;
  /** Delay before each admitted call answers. Default 0. */
  readonly latencyMs?: number;
  readonly faults?: FaultPlan;
  /** Wall clock for the rate window (ms). Default Date.now. */
  readonly clock?: () => number;
  /** Default 0: a free port. */
  readonly port?: number;
  /**
   * API versions past their End-of-Life on the tenant's clock (HLD 2.0–4.0, KB 2.0–3.0):
   * "refuse" (default) answers them with HTTP 404 and an HTML page, as a retired route would;
   * "serve" answers them in their old shape, for testing code that still calls them.
   */
  readonly retiredVersions?: RetiredVersions;
}

export interface Tenant {
  /** `http://127.0.0.1:<port>`: the VM API base URL (`baseUrls.vm`). */
  readonly url: string;
  readonly credentials: { readonly username: string; readonly password: string };
  /** The data behind the answers (pure; rebuild it with the same options to compare). */
  readonly model: TenantModel;
  readonly stats: TenantStats;
  /** Moves the tenant's clock: rescans, fixes, new detections, hosts purged and added, KB updates. */
  advance(options?: AdvanceOptions): TenantStep;
  /** Replaces the fault plan (undefined: no faults). */
  setFaults(plan: FaultPlan | undefined): void;
  /** Uses up rate quota of a path, as another client of the subscription would. */
  spend(path: string, calls: number): void;
  close(): Promise<void>;
}

const DEFAULT_LIMITS: PathLimits = { limit: 300, windowSec: 3600, concurrency: 2 };

function limitsOf(limits: TenantLimits | undefined): (path: string) => PathLimits {
  const base: PathLimits = {
    limit: limits?.rate?.limit ?? DEFAULT_LIMITS.limit,
    windowSec: limits?.rate?.windowSec ?? DEFAULT_LIMITS.windowSec,
    concurrency: limits?.concurrency ?? DEFAULT_LIMITS.concurrency,
  };
  for (const l of [base, ...Object.values(limits?.paths ?? {}).map((p) => ({ limit: p.rate?.limit ?? 1, windowSec: p.rate?.windowSec ?? 1, concurrency: p.concurrency ?? 1 }))]) {
    if (!(l.limit >= 1 && l.windowSec > 0 && l.concurrency >= 1)) throw new RangeError(`tenant: limits need limit >= 1, windowSec > 0 and concurrency >= 1 (got ${JSON.stringify(l)})`);
  }
  return (path) => {
    const own = limits?.paths?.[path];
    return own ? { limit: own.rate?.limit ?? base.limit, windowSec: own.rate?.windowSec ?? base.windowSec, concurrency: own.concurrency ?? base.concurrency } : base;
  };
}

function checkRetired(value: RetiredVersions | undefined): RetiredVersions {
  if (value === undefined) return "refuse";
  if (value !== "refuse" && value !== "serve") throw new RangeError(`tenant: retiredVersions must be "refuse" or "serve", not ${String(value)}`);
  return value;
}

export async function startTenant(options: TenantOptions = {}): Promise<Tenant> {
  const model = new TenantModel(options);
  for (const [name, value] of [["costPerHostMs", options.costPerHostMs], ["latencyMs", options.latencyMs]] as const) {
    if (value !== undefined && !(value >= 0 && Number.isFinite(value))) throw new RangeError(`tenant: ${name} must be a number >= 0, not ${String(value)}`);
  }
  const limiter = new PathLimiter({ limitsOf: limitsOf(options.limits), clock: options.clock });
  const state: ServerState = {
    model,
    limiter,
    username: options.username ?? "tenant",
    password: options.password ?? "tenant-password",
    stats: newStats(),
    latencyMs: options.latencyMs ?? 0,
    costPerHostMs: options.costPerHostMs ?? 0,
    retiredVersions: checkRetired(options.retiredVersions),
    faults: options.faults,
    sessions: new Set(),
    nth: new Map(),
  };
  const server = createServer((req, res) => {
    handle(state, req, res).catch((err: unknown) => res.destroy(err as Error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    credentials: { username: state.username, password: state.password },
    model,
    stats: state.stats,
    advance: (step) => model.advance(step),
    setFaults: (plan) => (state.faults = plan),
    spend: (path, calls) => limiter.spend(path, calls),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { TenantModel, type TenantDataOptions, type TenantHost, type TenantHostRecord } from "./model.js";
export type { TenantDetection, DetectionStatus, DetectionType, HostScans } from "./detections.js";
export type { KbVuln, VulnType } from "./kb.js";
export type { AdvanceOptions, TenantStep } from "./steps.js";
export type { TenantStats, PathStats } from "./server.js";
export type { RetiredVersions } from "./routes.js";
export type { MitreMapping, AliCloudInstance } from "./current-fields.js";
export { failCalls, type Fault, type FaultCall, type FaultPlan } from "./faults.js";
export { PathLimiter, type PathLimits, type PathUsage, type Admission } from "./limits.js";
export { expectedHostDetections, expectedHosts, expectedVulns, detectionQuery, hostListQuery, kbQuery, selectHostDetections, selectHosts, selectVulns } from "./select.js";
export { idRuns } from "./xml.js";
