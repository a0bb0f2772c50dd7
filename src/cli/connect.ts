/**
 * The client a CLI command runs on: the real platform from the environment or a config file, or —
 * with `--mock` — the bundled Prism mocks with a fake token (started here, or reused from
 * QUALYS_MOCK_URLS when a caller such as the demo or the tests already runs them). Against the
 * mock each VM action asks Prism for its own named example.
 */
import { createQualysClient, type QualysClient, type QualysClientHooks } from "../client.js";
import { vmActions } from "../generated/vm/index.js";
import { startQualysMock } from "../mock/index.js";
import type { Credentials } from "../runtime/auth/index.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import type { Layer } from "../runtime/types.js";
import { loadSettings } from "./config.js";

export interface ConnectOptions {
  readonly mock?: boolean;
  /** Which mocks to start (default all); ignored when QUALYS_MOCK_URLS names running ones. */
  readonly mockModules?: readonly string[];
  readonly config?: string;
  readonly vmAuth?: "basic" | "session" | "oidc";
  readonly hooks?: QualysClientHooks;
}

export interface Connection {
  readonly client: QualysClient;
  /** The credentials in use, so error output can be scrubbed of their secrets. */
  readonly credentials?: Credentials;
  close(): Promise<void>;
}

const preferExample: Layer = (next) => (request, ctx) => {
  const action = ctx.family === "vm" && ctx.operationId ? (vmActions as Record<string, { example?: string }>)[ctx.operationId] : undefined;
  if (action?.example && !request.headers.has("Prefer")) request.headers.set("Prefer", `example=${action.example}`);
  return next(request, ctx);
};

/** A JWT-shaped fake (Prism checks only that a bearer token is there), valid for Qualys's 4 hours. */
function mockToken(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ sub: "qualys-ts-mock", iat: now, exp: now + 4 * 3600 })}.mock`;
}

/** QUALYS_TRANSPORT=fetch: Node's own fetch instead of the undici transport (a way around a transport problem). */
function transportFromEnv(): "fetch" | "undici" | undefined {
  const value = process.env.QUALYS_TRANSPORT?.trim().toLowerCase();
  if (!value) return undefined;
  if (value !== "fetch" && value !== "undici") throw new ConfigurationError(`QUALYS_TRANSPORT is "${value}": use fetch or undici`);
  return value;
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  if (!options.mock) {
    const settings = loadSettings(options.config);
    const client = createQualysClient({ ...settings, vmAuth: options.vmAuth ?? settings.vmAuth, hooks: options.hooks, transport: transportFromEnv() });
    return { client, credentials: settings.credentials, close: () => client.close() };
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
    baseUrls: urls,
    layers: [preferExample],
    hooks: options.hooks,
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
