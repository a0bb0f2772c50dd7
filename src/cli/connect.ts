/**
 * The client a CLI command runs on: the real platform from env/config, or — with `--mock` — the
 * bundled Prism mocks (started here, or reused from QUALYS_MOCK_URLS when a caller such as the
 * demo already runs them). Against the mock each VM action asks Prism for its own example.
 */
import { createQualysClient, type QualysClient } from "../client.js";
import { vmActions } from "../generated/vm/index.js";
import { startQualysMock } from "../mock/index.js";
import type { Layer } from "../runtime/types.js";
import { loadSettings } from "./config.js";

export interface ConnectOptions {
  readonly mock?: boolean;
  readonly config?: string;
  readonly vmAuth?: "basic" | "session" | "oidc";
  readonly onRateLimit?: () => void;
}

const preferExample: Layer = (next) => (request, ctx) => {
  const action = ctx.family === "vm" && ctx.operationId ? (vmActions as Record<string, { example?: string }>)[ctx.operationId] : undefined;
  if (action?.example && !request.headers.has("Prefer")) request.headers.set("Prefer", `example=${action.example}`);
  return next(request, ctx);
};

export async function connect(options: ConnectOptions): Promise<{ client: QualysClient; close(): Promise<void> }> {
  const hooks = { rateLimit: { onRateLimit: options.onRateLimit } };
  if (!options.mock) {
    const settings = loadSettings(options.config);
    const client = createQualysClient({ ...settings, vmAuth: options.vmAuth, ...hooks });
    return { client, close: () => client.close() };
  }
  let urls: Record<string, string>;
  let stop = async () => {};
  if (process.env.QUALYS_MOCK_URLS) urls = JSON.parse(process.env.QUALYS_MOCK_URLS) as Record<string, string>;
  else {
    const mock = await startQualysMock();
    urls = { ...mock.urls };
    stop = mock.close;
  }
  const client = createQualysClient({
    credentials: { token: "mock.token.value" },
    vmAuth: "oidc",
    baseUrls: urls,
    layers: [preferExample],
    onDeprecated: () => {},
    ...hooks,
  });
  return {
    client,
    close: async () => {
      await client.close();
      await stop();
    },
  };
}
