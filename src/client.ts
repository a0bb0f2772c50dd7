/**
 * One client for every module, sharing one auth state (a cached JWT, one VM session) and one
 * rate-limit scheduler, so modules never log in twice or exceed the subscription's limits
 * between them.
 *
 *   const qualys = createQualysClient({ platform: "US2", credentials: { username, password } });
 *   for await (const host of qualys.vm.listHostDetections({ show_qds: 1 })) …
 *   await qualys.close();
 */
import { createAuthClient, type AuthClient } from "./generated/auth/index.js";
import { createCarClient, type CarClient } from "./generated/car/index.js";
import { createEtmClient, type EtmClient } from "./generated/etm/index.js";
import { createQflowClient, type QflowClient } from "./generated/qflow/index.js";
import { createSaasdrClient, type SaasdrClient } from "./generated/saasdr/index.js";
import { createVmClient, type VmClient } from "./generated/vm/index.js";
import { createAuth, credentialsFromEnv, type CredentialsInput, type VmAuthMode } from "./runtime/auth/index.js";
import { ConfigurationError } from "./runtime/errors/configuration-error.js";
import { runFindingsReport, type FindingsReport, type FindingsReportOptions, type FindingsReportRequest } from "./runtime/etm/findings-report.js";
import { compose, fetchTransport } from "./runtime/pipeline.js";
import { resolvePlatform, type PlatformInput } from "./runtime/platforms.js";
import { createRateLimitLayers, type RateLimitOptions, type Scheduler } from "./runtime/rate-limit/index.js";
import type { DeprecationWarningInfo, Runtime } from "./runtime/runtime.js";
import { undiciTransport } from "./runtime/transport.js";
import type { ApiFamily, Handler, Layer } from "./runtime/types.js";

export interface QualysClientOptions {
  /** A platform name ("US1"…"KSA1", "GOV1") or explicit URLs; default from QUALYS_PLATFORM / the user name. */
  readonly platform?: PlatformInput;
  /** Default: from QUALYS_USERNAME / QUALYS_PASSWORD (or QUALYS_CLIENT_ID / _SECRET, QUALYS_TOKEN). */
  readonly credentials?: CredentialsInput;
  /** VM/PA/PC auth: "basic" (default, stateless), "session" (log in once, log out on close) or "oidc". */
  readonly vmAuth?: VmAuthMode;
  /** Per-module base URLs (e.g. a Prism mock per module); they win over the platform's. */
  readonly baseUrls?: Readonly<Partial<Record<string, string>>>;
  /** Per-attempt timeout until response headers, ms. Default 120 s; 0 disables. */
  readonly timeoutMs?: number;
  readonly rateLimit?: Omit<RateLimitOptions, "timeoutMs">;
  /** "undici" (default, faster) or "fetch", or your own handler. */
  readonly transport?: "undici" | "fetch" | Handler;
  /** Extra layers between auth and the rate limiter (logging, tracing). */
  readonly layers?: readonly Layer[];
  readonly onDeprecated?: (warning: DeprecationWarningInfo) => void;
}

export type EtmModule = EtmClient & {
  /** Submit a findings report, wait for it, and stream its records. */
  findingsReport<F = Record<string, unknown>>(request: FindingsReportRequest, options?: FindingsReportOptions): Promise<FindingsReport<F>>;
};

export interface QualysClient {
  readonly auth: AuthClient;
  readonly car: CarClient;
  readonly etm: EtmModule;
  readonly qflow: QflowClient;
  readonly saasdr: SaasdrClient;
  readonly vm: VmClient;
  /** The shared scheduler: queue sizes and learned limits, for progress output. */
  readonly scheduler: Scheduler;
  /** Logs out the VM session (if any) and closes connections. Safe to call twice. */
  close(): Promise<void>;
}

export function createQualysClient(options: QualysClientOptions = {}): QualysClient {
  const env = options.credentials && (options.platform || options.baseUrls) ? undefined : tryEnv();
  const credentials = options.credentials ?? env?.credentials;
  if (!credentials) throw new ConfigurationError("No Qualys credentials: pass `credentials` or set QUALYS_USERNAME / QUALYS_PASSWORD.");
  const platformInput = options.platform ?? env?.platform;
  const urls = platformInput ? resolvePlatform(platformInput) : undefined;
  const baseUrls = options.baseUrls ?? {};
  const baseUrl = (family: ApiFamily, module?: string): string => {
    const explicit = (module && baseUrls[module]) ?? baseUrls[family];
    const url = explicit ?? (family === "vm" ? urls?.apiUrl : urls?.gatewayUrl);
    if (!url) throw new ConfigurationError(`No ${family === "vm" ? "API server (qualysapi)" : "gateway"} URL for ${module ?? family}: set a platform or baseUrls.`);
    return url.replace(/\/+$/, "");
  };
  const auth = createAuth({
    credentials,
    gatewayUrl: baseUrls.auth ?? baseUrls.gateway ?? urls?.gatewayUrl,
    apiUrl: baseUrls.vm ?? urls?.apiUrl,
    vmAuth: options.vmAuth,
  });
  const limits = createRateLimitLayers({ ...options.rateLimit, timeoutMs: options.timeoutMs });
  const transport =
    typeof options.transport === "function" ? options.transport : options.transport === "fetch" ? fetchTransport : undiciTransport();
  const runtime: Runtime = {
    handler: compose([auth.layer, ...(options.layers ?? []), ...limits.layers], transport),
    baseUrl,
    onDeprecated: options.onDeprecated,
  };
  const etm = createEtmClient(runtime);
  let closed = false;
  return {
    auth: createAuthClient(runtime),
    car: createCarClient(runtime),
    etm: Object.assign(Object.create(null), etm, {
      findingsReport: <F>(request: FindingsReportRequest, opts?: FindingsReportOptions) => runFindingsReport<F>(etm, request, opts),
    }) as EtmModule,
    qflow: createQflowClient(runtime),
    saasdr: createSaasdrClient(runtime),
    vm: createVmClient(runtime),
    scheduler: limits.scheduler,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await auth.close();
      } finally {
        if ("close" in transport && typeof transport.close === "function") await transport.close();
      }
    },
  };
}

function tryEnv() {
  try {
    return credentialsFromEnv();
  } catch {
    return undefined;
  }
}
