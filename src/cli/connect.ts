/**
 * The client a CLI command runs on: the real platform from the environment or a config file, or —
 * with `--mock` — the bundled Prism mocks with a fake token (started here, or reused from
 * QUALYS_MOCK_URLS when a caller such as the demo or the tests already runs them). Against the
 * mock each VM action asks Prism for its own named example.
 */
import { createQualysClient, type QualysClient, type QualysClientHooks, type QualysClientOptions } from "../client.js";
import { vmActions } from "../generated/vm/index.js";
import { startQualysMock } from "../mock/index.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import type { Logger } from "../runtime/observe/logger.js";
import type { Layer } from "../runtime/types.js";
import { loadSettings } from "./config.js";

export interface ConnectOptions {
  readonly mock?: boolean;
  /** Which mocks to start (default all); ignored when QUALYS_MOCK_URLS names running ones. */
  readonly mockModules?: readonly string[];
  readonly config?: string;
  readonly vmAuth?: "basic" | "session" | "jwt" | "oidc";
  /** VM action → API version (`--api-versions`, QUALYS_API_VERSIONS); wins over the config file's `apiVersions`. */
  readonly apiVersions?: Readonly<Record<string, string>>;
  readonly hooks?: QualysClientHooks;
  /** Share the rate limits with other processes through Redis at this URL. */
  readonly redisUrl?: string;
  /** Proxy URL; default: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment, as curl does. */
  readonly proxy?: string;
  /** A PEM file of extra CAs to trust. */
  readonly caFile?: string;
  readonly logger?: Logger;
}

export interface Connection {
  readonly client: QualysClient;
  close(): Promise<void>;
}

const preferExample: Layer = (next) => (request, ctx) => {
  const action = ctx.module === "vm" && ctx.operationId ? (vmActions as Record<string, { example?: string }>)[ctx.operationId] : undefined;
  if (action?.example && !request.headers.has("Prefer")) request.headers.set("Prefer", `example=${action.example}`);
  return next(request, ctx);
};

/** A JWT-shaped fake (Prism checks only that a bearer token is there), valid for Qualys's 4 hours. */
function mockToken(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ sub: "qualys-ts-mock", iat: now, exp: now + 4 * 3600 })}.mock`;
}

/** The shared store, loaded only when asked for: the CLI without --redis never loads ioredis. */
async function rateLimitOf(options: ConnectOptions): Promise<QualysClientOptions["rateLimit"]> {
  if (!options.redisUrl) return undefined;
  const { redisStore } = await import("../redis.js");
  return { store: redisStore({ url: options.redisUrl }) };
}

/** QUALYS_TRANSPORT=fetch|undici: which transport the CLI uses (default undici; fetch is Node's own, for comparison or a proxy setup undici cannot take). */
function transportFromEnv(): "fetch" | "undici" | undefined {
  const value = process.env.QUALYS_TRANSPORT?.trim().toLowerCase();
  if (!value) return undefined;
  if (value !== "fetch" && value !== "undici") throw new ConfigurationError(`QUALYS_TRANSPORT is "${value}": use fetch or undici`);
  return value;
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  const rateLimit = await rateLimitOf(options);
  if (!options.mock) {
    const settings = loadSettings(options.config);
    const client = createQualysClient({
      ...settings,
      vmAuth: options.vmAuth ?? settings.vmAuth,
      vm: { apiVersions: { ...settings.apiVersions, ...options.apiVersions } },
      hooks: options.hooks,
      proxy: options.proxy ?? "env",
      ...(options.caFile ? { ca: options.caFile } : {}),
      logger: options.logger ?? false,
      rateLimit,
      transport: transportFromEnv(),
    });
    return { client, close: () => client.close() };
  }
  let urls: Record<string, string>;
  let stop = async () => {};
  if (process.env.QUALYS_MOCK_URLS) {
    try {
      urls = JSON.parse(process.env.QUALYS_MOCK_URLS) as Record<string, string>;
    } catch {
      throw new ConfigurationError("QUALYS_MOCK_URLS is not a JSON object of module → URL.");
    }
  } else {
    const mock = await startQualysMock({ modules: options.mockModules });
    urls = { ...mock.urls };
    stop = mock.close;
  }
  const client = createQualysClient({
    credentials: { token: mockToken() },
    vmAuth: "oidc",
    vm: { apiVersions: { ...options.apiVersions } },
    baseUrls: urls,
    layers: [preferExample],
    hooks: options.hooks,
    rateLimit,
    // The mocks are on this machine: no proxy, whatever the environment says.
    logger: options.logger ?? false,
  });
  return {
    client,
    close: async () => {
      try {
        await client.close();
      } finally {
        await stop();
      }
    },
  };
}
