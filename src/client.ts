/**
 * One client for every module, sharing one Runtime: one auth state (a cached JWT, one VM
 * session) and one rate-limit scheduler, so modules never log in twice or exceed the
 * subscription's limits between them.
 *
 *   const qualys = createQualysClient({ platform: "US2", credentials: { username, password } });
 *   for await (const host of qualys.vm.listHostDetections({ show_qds: 1 })) …
 *   await qualys.close();
 */
import { createAuthClient, type AuthClient } from "./generated/auth/index.js";
import { createCarClient, type CarClient } from "./generated/car/index.js";
import { createCsamClient, type CsamClient } from "./generated/csam/index.js";
import { createEtmClient, type EtmClient } from "./generated/etm/index.js";
import type { generatedModules } from "./generated/modules.js";
import { createPcrsClient } from "./generated/pcrs/index.js";
import { createQflowClient, type QflowClient } from "./generated/qflow/index.js";
import { createSaasdrClient, type SaasdrClient } from "./generated/saasdr/index.js";
import { setupOf, type ClientSetup } from "./client-setup.js";
import { createVmClient, type VmClient, type VmClientOptions } from "./generated/vm/index.js";
import { createWasClient, type WasClient } from "./generated/was/index.js";
import { createAuth, credentialsFromEnv, jwtExpiry, PasswordCredentials, toCredentials, type CredentialsInput, type VmAuthMode } from "./runtime/auth/index.js";
import { ConfigurationError } from "./runtime/errors/configuration-error.js";
import { runFindingsReport, type FindingsReport, type FindingsReportOptions, type FindingsReportRequest } from "./runtime/etm/findings-report.js";
import { pcrsModule, type PcrsModule } from "./runtime/pcrs/module.js";
import { compose, fetchTransport } from "./runtime/pipeline.js";
import { platformFromUsername, resolvePlatform, type PlatformInput, type PlatformUrls } from "./runtime/platforms.js";
import { createRateLimitLayers, type RateLimitInfo, type RateLimitOptions, type Scheduler } from "./runtime/rate-limit/index.js";
import { subscriptionOf } from "./runtime/rate-limit/subscription.js";
import type { RetryInfo } from "./runtime/retry.js";
import type { DeprecationWarningInfo, Runtime } from "./runtime/runtime.js";
import { createRedactor, type Redactor } from "./runtime/redact/index.js";
import { undiciTransport } from "./runtime/transport/index.js";
import { createNetwork, type NetworkOptions } from "./runtime/network/dispatcher.js";
import { explainFaults } from "./runtime/network/faults.js";
import { fetchTransportVia } from "./runtime/network/fetch-transport.js";
import { attemptLayer } from "./runtime/observe/attempt-layer.js";
import { callLayer } from "./runtime/observe/call-layer.js";
import { resolveLogger, type Logger } from "./runtime/observe/logger.js";
import type { ApiFamily, Handler, Layer } from "./runtime/types.js";

/** A module generated from specs/ ("car", "vm"…). */
export type ModuleName = keyof typeof generatedModules;

/**
 * Base URLs that win over the platform's: per API family (`gateway`, `vm`) or per module
 * (`car`, `etm`…, `auth` for the token endpoint). The Prism mock needs per-module URLs.
 */
export type BaseUrls = Readonly<Partial<Record<ApiFamily | ModuleName, string>>>;

/** Told what the client does on its own: waits for rate limits, retries, deprecated calls. */
export interface QualysClientHooks {
  /** A call was blocked by a rate or concurrency limit (409 1960/1965, 429) and waits to be re-sent. */
  readonly onRateLimit?: (info: RateLimitInfo) => void;
  /** An idempotent call failed (network, 5xx, 408, timeout) and is sent again after a backoff. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** A deprecated operation or an older API version was called (once per process and operation). Default: a process warning. */
  readonly onDeprecated?: (warning: DeprecationWarningInfo) => void;
  /** The client changed what a call sends (a time filter past its limit moved up; once per process). Default: a process warning. */
  readonly onWarning?: (warning: DeprecationWarningInfo) => void;
}

export interface QualysClientOptions extends NetworkOptions {
  /**
   * A platform name ("US1"…"KSA1", "GOV1") or explicit `{ apiUrl, gatewayUrl }`. Default:
   * QUALYS_PLATFORM / QUALYS_API_URL / QUALYS_GATEWAY_URL, else the user name's platform
   * character; none when `baseUrls` is given.
   */
  readonly platform?: PlatformInput;
  /** `{username, password}`, `{clientId, clientSecret}` or `{token}`. Default: from the environment. */
  readonly credentials?: CredentialsInput;
  /** VM/PA/PC auth: "basic" (default with a password; stateless), "session" (logged out by close()) or "jwt" (the gateway JWT, also called "oidc"). */
  readonly vmAuth?: VmAuthMode;
  readonly baseUrls?: BaseUrls;
  /** Per-attempt timeout until response headers, ms. Default 120 s; 0 disables. */
  readonly timeoutMs?: number;
  /**
   * Longest silence inside an answer's body, ms: no byte for this long while the body is read
   * fails the call with a TimeoutError naming the bytes (and records) received. Default 300 s:
   * Qualys may pause for minutes between hosts of a detection list. 0 disables. A call's own
   * `bodyIdleTimeoutMs` wins.
   */
  readonly bodyIdleTimeoutMs?: number;
  /** Scheduler and retry settings (wait budget, retry attempts, a shared limit store…). */
  readonly rateLimit?: Omit<RateLimitOptions, "timeoutMs">;
  readonly hooks?: QualysClientHooks;
  /** VM module settings, e.g. `{ apiVersions: { listHostDetections: "5.0" } }` (a call's `apiVersion` wins). */
  readonly vm?: VmClientOptions;
  /** "undici" (default, faster), "fetch" (Node's global fetch), or your own handler. */
  readonly transport?: "undici" | "fetch" | Handler;
  /** Extra layers between auth and the rate limiter (test doubles, your own instrumentation). */
  readonly layers?: readonly Layer[];
  /**
   * One line per request (method, path without query, status, ms, bytes, attempt, rate-limit
   * wait and remaining) at info, failures at warn. Default: console when QUALYS_LOG=debug|info|warn|error,
   * else none; `false`: none whatever the environment says.
   */
  readonly logger?: Logger | false;
  /**
   * OpenTelemetry spans (a client span per call, a parent span per paged walk) when
   * `@opentelemetry/api` is installed; they go to the tracer provider the application registered. Default true.
   */
  readonly tracing?: boolean;
}

export type EtmModule = EtmClient & {
  /** Submit a findings report, wait for it, and stream its records. */
  findingsReport<F = Record<string, unknown>>(request: FindingsReportRequest, options?: FindingsReportOptions): Promise<FindingsReport<F>>;
};

export type { ClientSetup } from "./client-setup.js";

export interface QualysClient {
  readonly auth: AuthClient;
  readonly car: CarClient;
  /** CSAM / Global AssetView asset inventory (gateway, JWT). */
  readonly csam: CsamClient;
  readonly etm: EtmModule;
  /** PC Posture Streaming (gateway, JWT): policies, host ids, streamed posture records. */
  readonly pcrs: PcrsModule;
  readonly qflow: QflowClient;
  readonly saasdr: SaasdrClient;
  readonly vm: VmClient;
  /** Web Application Scanning, QPS REST 3.0 in JSON (API server, with the VM API's auth). */
  readonly was: WasClient;
  /** The shared scheduler: queue sizes and learned limits, for progress output. */
  readonly scheduler: Scheduler;
  /** Where a family's (or a module's) calls go; throws ConfigurationError when none is configured. */
  baseUrl(family: ApiFamily, module?: ModuleName): string;
  /**
   * Gets the gateway JWT the modules share (fetching it if none is cached) and says when it
   * expires, without calling any module: a credentials check. The token itself is not returned.
   */
  checkGateway(options?: { signal?: AbortSignal }): Promise<GatewayCheck>;
  /** Replaces every secret of this client (in every encoding it was sent in) in a text or an error. */
  readonly redactor: Redactor;
  /** Its auth modes and the API version of each VM action (no secret). */
  readonly setup: ClientSetup;
  /** Logs out the VM session (if any), closes connections and lets go of a shared rate-limit store. Safe to call twice. */
  close(): Promise<void>;
}

export function createQualysClient(options: QualysClientOptions = {}): QualysClient {
  const { credentials, urls } = settingsOf(options);
  const baseUrls: BaseUrls = options.baseUrls ?? {};
  const baseUrl = (family: ApiFamily, module?: string): string => {
    const explicit = (module && baseUrls[module as ModuleName]) || baseUrls[family];
    const url = explicit || (family === "vm" ? urls?.apiUrl : urls?.gatewayUrl);
    if (!url) {
      throw new ConfigurationError(
        `No ${family === "vm" ? "API server (qualysapi)" : "gateway"} URL for ${module ?? family}: give a platform${family === "vm" ? " with an apiUrl" : ""} or baseUrls.${module ?? family}.`,
      );
    }
    return url.replace(/\/+$/, "");
  };
  const auth = createAuth({
    credentials,
    gatewayUrl: baseUrls.auth || baseUrls.gateway || urls?.gatewayUrl || undefined,
    apiUrl: baseUrls.vm || urls?.apiUrl || undefined,
    vmAuth: options.vmAuth,
  });
  const hooks = options.hooks ?? {};
  const retry = options.rateLimit?.retry;
  const store = options.rateLimit?.store;
  const limits = createRateLimitLayers({
    ...options.rateLimit,
    // A shared store keys the limits by subscription; ours is the platform (else the VM or gateway URL) and the user.
    subscription:
      options.rateLimit?.subscription ?? (store?.forSubscription ? subscriptionOf(credentials, urls?.apiUrl ?? urls?.gatewayUrl ?? baseUrls.vm ?? baseUrls.gateway ?? JSON.stringify(baseUrls)) : undefined),
    timeoutMs: options.timeoutMs,
    bodyIdleTimeoutMs: options.bodyIdleTimeoutMs,
    onRateLimit: both(options.rateLimit?.onRateLimit, hooks.onRateLimit),
    retry: { ...retry, onRetry: both(retry?.onRetry, hooks.onRetry) },
  });
  const network = createNetwork(options);
  // One redactor for every secret the client holds, the proxy's credentials included.
  const redactor = createRedactor(() => [...auth.secrets(), ...network.secrets]);
  if (typeof options.transport === "function" && network.dispatcher) {
    throw new ConfigurationError("`proxy` and `ca` apply to the built-in transports (\"undici\", \"fetch\"), not to a handler of your own.");
  }
  const dispatcher = network.dispatcher;
  const transport = explainFaults(
    typeof options.transport === "function"
      ? options.transport
      : options.transport === "fetch"
        ? dispatcher
          ? fetchTransportVia(dispatcher)
          : fetchTransport
        : undiciTransport(dispatcher ? { dispatcher } : {}),
    network,
  );
  const logger = resolveLogger(options.logger);
  const tracing = options.tracing ?? true;
  // Observation brackets the scheduler: the call layer above it, the attempt layer on the wire.
  const observe = logger || tracing ? { call: [callLayer({ tracing })], attempt: [attemptLayer(logger)] } : { call: [], attempt: [] };
  const runtime: Runtime = {
    redact: (err) => redactor.error(err),
    redactText: (text) => redactor.text(text),
    redactForms: () => redactor.forms(),
    // The probe sits right under auth: it answers the credentials check once auth has done its part.
    handler: compose([auth.layer, probeLayer, ...(options.layers ?? []), ...observe.call, ...limits.layers, ...observe.attempt], transport),
    baseUrl,
    timeoutMs: options.timeoutMs,
    onDeprecated: hooks.onDeprecated,
    onWarning: hooks.onWarning,
    tracing,
  };
  const etm = createEtmClient(runtime);
  let closed = false;
  return {
    auth: createAuthClient(runtime),
    car: createCarClient(runtime),
    csam: createCsamClient(runtime),
    etm: Object.assign(Object.create(null), etm, {
      findingsReport: <F>(request: FindingsReportRequest, opts?: FindingsReportOptions) =>
        runFindingsReport<F>(etm, request, opts).catch((err: unknown) => {
          throw redactor.error(err);
        }),
    }) as EtmModule,
    pcrs: pcrsModule(createPcrsClient(runtime), (err) => redactor.error(err), (text) => redactor.text(text)),
    qflow: createQflowClient(runtime),
    saasdr: createSaasdrClient(runtime),
    vm: createVmClient(runtime, options.vm),
    was: createWasClient(runtime),
    scheduler: limits.scheduler,
    redactor,
    setup: setupOf(auth.vmAuth, toCredentials(credentials), options.vm),
    baseUrl,
    checkGateway: (opts) =>
      gatewayProbe(runtime, opts?.signal).catch((err: unknown) => {
        throw redactor.error(err);
      }),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await auth.close();
      } finally {
        try {
          if ("close" in transport && typeof transport.close === "function") await transport.close();
        } finally {
          try {
            await limits.close();
          } finally {
            await network.close();
          }
        }
      }
    },
  };
}

/** Credentials and platform URLs from the options, filled in from the environment. */
function settingsOf(options: QualysClientOptions): { credentials: CredentialsInput; urls?: PlatformUrls } {
  const explicitPlace = options.platform !== undefined || options.baseUrls !== undefined;
  if (!options.credentials) {
    // The caller's platform wins; the environment is then read for credentials only.
    const env = credentialsFromEnv(explicitPlace ? { ...process.env, QUALYS_PLATFORM: "US1", QUALYS_API_URL: "", QUALYS_GATEWAY_URL: "" } : process.env);
    const platform = options.platform ?? (explicitPlace ? undefined : env.platform);
    return { credentials: env.credentials, urls: platform === undefined ? undefined : resolvePlatform(platform) };
  }
  if (explicitPlace) return { credentials: options.credentials, urls: options.platform === undefined ? undefined : resolvePlatform(options.platform) };
  const credentials = toCredentials(options.credentials);
  const platform = platformFromEnv(process.env) ?? (credentials instanceof PasswordCredentials ? platformFromUsername(credentials.username) : undefined);
  if (!platform) {
    throw new ConfigurationError('No Qualys platform: pass `platform` (e.g. "US2" or { apiUrl, gatewayUrl }) or `baseUrls`, or set QUALYS_PLATFORM.');
  }
  return { credentials, urls: resolvePlatform(platform) };
}

function platformFromEnv(env: NodeJS.ProcessEnv): PlatformInput | undefined {
  const apiUrl = env.QUALYS_API_URL?.trim() || undefined;
  const gatewayUrl = env.QUALYS_GATEWAY_URL?.trim() || undefined;
  const name = env.QUALYS_PLATFORM?.trim() || undefined;
  if (apiUrl || gatewayUrl) return { ...(name ? resolvePlatform(name as PlatformInput) : {}), ...(apiUrl ? { apiUrl } : {}), ...(gatewayUrl ? { gatewayUrl } : {}) };
  return name as PlatformInput | undefined;
}

function both<A>(first: ((a: A) => void) | undefined, second: ((a: A) => void) | undefined): ((a: A) => void) | undefined {
  if (!first || !second) return first ?? second;
  return (a) => {
    first(a);
    second(a);
  };
}

/** What `checkGateway()` found. */
export interface GatewayCheck {
  /** Where the token came from (the token endpoint's base URL). */
  readonly gatewayUrl: string;
  /** When the shared JWT expires, if it says (its `exp` claim). */
  readonly expiresAt?: Date;
}

const PROBE = "qualys-ts.checkGateway";
const PROBE_EXPIRY = "x-qualys-ts-token-exp";

/**
 * Answers the credentials check below the auth layer: by the time the probe request gets here,
 * auth has fetched (or reused) the shared JWT and set it on the request. Nothing goes on the wire.
 */
const probeLayer: Layer = (next) => (request, ctx) => {
  if (ctx.operationId !== PROBE) return next(request, ctx);
  const token = /^Bearer (.+)$/.exec(request.headers.get("Authorization") ?? "")?.[1];
  const exp = token ? jwtExpiry(token) : undefined;
  return Promise.resolve(new Response(null, { status: 204, headers: exp === undefined ? {} : { [PROBE_EXPIRY]: String(exp) } }));
};

async function gatewayProbe(runtime: Runtime, signal: AbortSignal | undefined): Promise<GatewayCheck> {
  const gatewayUrl = runtime.baseUrl("gateway", "auth");
  const request = new Request(`${gatewayUrl}/auth`, { method: "HEAD", signal });
  const response = await runtime.handler(request, { module: "auth", family: "gateway", operationId: PROBE, idempotent: true, signal, exemptFromRateLimit: true });
  const exp = Number(response.headers.get(PROBE_EXPIRY) ?? NaN);
  return Number.isFinite(exp) ? { gatewayUrl, expiresAt: new Date(exp * 1000) } : { gatewayUrl };
}
