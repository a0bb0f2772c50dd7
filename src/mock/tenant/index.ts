/**
 * A synthetic Qualys subscription on 127.0.0.1. The API server (`url`): VM host list (records and
 * ID_SET), host detections (truncation pages with WARNING 1980), KnowledgeBase, Basic auth or a
 * session, in the current API versions (HLD 5.0, host list 5.0, KB 4.0; retired versions
 * refused as Qualys does after their End-of-Life, unless `retiredVersions: "serve"`), and WAS
 * (QPS REST 3.0 JSON: web apps, findings). The gateway (`gatewayUrl`): `/auth` JWTs, CSAM assets and PCRS posture. Over the same hosts: CSAM assets that are VM hosts share
 * their host id, WAS findings carry KB QIDs, PC posture covers the Windows and Linux hosts.
 * Qualys's limits with their headers (409 on VM, 429 on the gateway); injectable faults; a clock
 * that moves (`advance`) so incremental exports have changes to fetch. The data is a pure
 * function of the options (see TenantModel and the select functions), so tests can check an
 * export row for row.
 *
 *   const tenant = await startTenant({ hosts: 20_000, seed: 7 });
 *   const qualys = createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url, gateway: tenant.gatewayUrl } });
 *   …
 *   await tenant.close();
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FaultPlan } from "./faults.js";
import { gatewayListener, wasFront, type FrontContext, type TenantModule } from "./fronts.js";
import { TokenIssuer } from "./jwt.js";
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

/** One module's limits: calls per window per API (path), calls at once. */
export interface ModuleLimits {
  readonly rate?: { readonly limit: number; readonly windowSec: number };
  readonly concurrency?: number;
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
  /** The gateway's port. Default 0: a free port. */
  readonly gatewayPort?: number;
  /**
   * Modules the subscription has. Default all. One it lacks refuses its first call as Qualys
   * would: CSAM 403, PCRS 401, WAS HTTP 200 with responseCode UNAUTHORIZED.
   */
  readonly modules?: Partial<Record<TenantModule, boolean>>;
  /**
   * Limits of the other APIs, each API (path) on its own: CSAM default 300 per 3600 s and 2 at
   * once; PCRS 25 per 60 s (Qualys's default) and 10 at once; WAS none (no limit headers, as
   * recorded WAS traffic shows) unless given.
   */
  readonly moduleLimits?: { readonly csam?: ModuleLimits; readonly pcrs?: ModuleLimits; readonly was?: ModuleLimits };
  /** Lifetime of the gateway's JWTs, seconds. Default 14400 (4 hours). */
  readonly tokenLifetimeSec?: number;
  /** Send Content-Encoding: gzip with gzipped posture (whether Qualys does is unknown). Default false. */
  readonly postureContentEncoding?: boolean;
  /**
   * API versions past their End-of-Life on the tenant's clock (HLD 2.0–4.0, KB 2.0–3.0):
   * "refuse" (default) answers them with HTTP 404 and an HTML page, as a retired route would;
   * "serve" answers them in their old shape, for testing code that still calls them.
   */
  readonly retiredVersions?: RetiredVersions;
}

export interface Tenant {
  /** `http://127.0.0.1:<port>`: the API server (`baseUrls.vm`; VM and WAS). */
  readonly url: string;
  /** `http://127.0.0.1:<port>`: the gateway (`baseUrls.gateway`; /auth, CSAM, PCRS). */
  readonly gatewayUrl: string;
  readonly credentials: { readonly username: string; readonly password: string };
  /** The data behind the answers (pure; rebuild it with the same options to compare). */
  readonly model: TenantModel;
  readonly stats: TenantStats;
  /** Moves the tenant's clock: rescans, fixes, new detections, hosts purged and added, KB updates. */
  advance(options?: AdvanceOptions): TenantStep;
  /** Replaces the fault plan (undefined: no faults). */
  setFaults(plan: FaultPlan | undefined): void;
  /** Uses up rate quota of a path (VM, gateway or WAS), as another client of the subscription would. */
  spend(path: string, calls: number): void;
  /** Every JWT issued so far is expired from now on: the next gateway call gets 401 "JWT expired". */
  expireTokens(): void;
  /** JWTs issued by the gateway so far. */
  readonly tokensIssued: number;
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

/** A module's limits per path, from its options over its defaults. */
function moduleLimitsOf(given: ModuleLimits | undefined, fallback: PathLimits, name: string): PathLimits {
  const limits = { limit: given?.rate?.limit ?? fallback.limit, windowSec: given?.rate?.windowSec ?? fallback.windowSec, concurrency: given?.concurrency ?? fallback.concurrency };
  if (!(limits.limit >= 1 && limits.windowSec > 0 && limits.concurrency >= 1)) throw new RangeError(`tenant: moduleLimits.${name} needs limit >= 1, windowSec > 0 and concurrency >= 1 (got ${JSON.stringify(limits)})`);
  return limits;
}

const CSAM_LIMITS: PathLimits = { limit: 300, windowSec: 3600, concurrency: 2 };
const PCRS_LIMITS: PathLimits = { limit: 25, windowSec: 60, concurrency: 10 };
const isGatewayPath = (path: string) => /^\/(rest|pcrs|am)\//.test(path);

async function listen(server: ReturnType<typeof createServer>, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  const lifetime = options.tokenLifetimeSec ?? 4 * 3600;
  if (!(lifetime > 0 && Number.isFinite(lifetime))) throw new RangeError(`tenant: tokenLifetimeSec must be a number above 0, not ${String(options.tokenLifetimeSec)}`);
  const csamLimits = moduleLimitsOf(options.moduleLimits?.csam, CSAM_LIMITS, "csam");
  const pcrsLimits = moduleLimitsOf(options.moduleLimits?.pcrs, PCRS_LIMITS, "pcrs");
  const wasLimits = options.moduleLimits?.was && moduleLimitsOf(options.moduleLimits.was, { limit: 300, windowSec: 3600, concurrency: 2 }, "was");
  const front: FrontContext = {
    state,
    issuer: new TokenIssuer(options.clock ?? Date.now, lifetime),
    modules: { csam: options.modules?.csam ?? true, was: options.modules?.was ?? true, pc: options.modules?.pc ?? true },
    // The gateway's docs spell the concurrency header X-ConcurrencyLimit-*.
    gatewayLimiter: new PathLimiter({ limitsOf: (path) => (path.startsWith("/pcrs/") ? pcrsLimits : csamLimits), clock: options.clock, noHyphenConcurrency: true }),
    wasLimiter: wasLimits && new PathLimiter({ limitsOf: () => wasLimits, clock: options.clock }),
    postureContentEncoding: options.postureContentEncoding ?? false,
  };
  state.extraRoutes = wasFront(front);
  const onGateway = gatewayListener(front);
  const server = createServer((req, res) => {
    handle(state, req, res).catch((err: unknown) => res.destroy(err as Error));
  });
  const gateway = createServer((req, res) => {
    onGateway(req, res).catch((err: unknown) => res.destroy(err as Error));
  });
  const url = await listen(server, options.port ?? 0);
  const gatewayUrl = await listen(gateway, options.gatewayPort ?? 0).catch(async (err: unknown) => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  });
  const stop = (s: typeof server) => {
    s.closeAllConnections();
    return new Promise<void>((resolve) => s.close(() => resolve()));
  };
  return {
    url,
    gatewayUrl,
    credentials: { username: state.username, password: state.password },
    model,
    stats: state.stats,
    advance: (step) => model.advance(step),
    setFaults: (plan) => (state.faults = plan),
    spend: (path, calls) => (isGatewayPath(path) ? front.gatewayLimiter : path.startsWith("/qps/") && front.wasLimiter ? front.wasLimiter : limiter).spend(path, calls),
    expireTokens: () => front.issuer.expireAll(),
    get tokensIssued() {
      return front.issuer.issued;
    },
    close: () => Promise.all([stop(server), stop(gateway)]).then(() => undefined),
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
export type { TenantModule } from "./fronts.js";
export type { ModuleDataOptions } from "./module-keys.js";
export { CsamModel, ASSET_SECTIONS, type CsamAsset } from "./assets.js";
export { assetQuery, expectedAssets, selectAssets, type AssetQuery, type CsamFilter } from "./csam-select.js";
export { PcModel, type PcControl, type PcPolicyDef, type PcPolicyRecord, type PostureRow, type PostureStatus } from "./posture.js";
export { expectedPosture, hostIds as expectedHostIds, policyList as expectedPolicyList, postureQuery, type HostIdsEntry } from "./pcrs-select.js";
export { WasModel, type FindingStatus, type WasFindingState, type WasWebAppState } from "./webapps.js";
export { expectedFindings, expectedWebApps, wasQuery } from "./was-select.js";
