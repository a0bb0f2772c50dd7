import { afterAll, afterEach, vi } from "vitest";
import { createQualysClient, type QualysClient, type QualysClientOptions } from "../../../src/client.js";
import { startConnectProxy, type ConnectProxy } from "../../servers/connect-proxy.js";
import { startJsonServer, type JsonServer } from "../../servers/json-server.js";
import { makeCertificates, type TestCertificates } from "../../support/tls.js";

/** A JWT-shaped static token: no /auth call needed for gateway calls. */
export const TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJuZXRvYnMifQ.c2ln";
export const SCRIPT_TYPES = { totalCount: 1, list: [{ id: 1, name: "Custom" }] };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(closers.splice(0).map((close) => close()));
});

let certs: TestCertificates | undefined;
/** One throwaway CA per test file (openssl takes ~50 ms a key). */
export function certificates(): TestCertificates {
  certs ??= makeCertificates();
  return certs;
}
afterAll(() => certs?.remove());

/** A CAR-like server answering script types (and a JWT at POST /auth), http or https. */
export async function carServer(tls = false, route?: Parameters<typeof startJsonServer>[0]): Promise<JsonServer> {
  const c = tls ? certificates() : undefined;
  const server = await startJsonServer(
    route ?? ((req) => (req.path === "/auth" ? { body: TOKEN } : { body: SCRIPT_TYPES, headers: { "X-RateLimit-Remaining": "41" } })),
    c ? { tls: { key: c.key, cert: c.cert } } : {},
  );
  closers.push(() => server.close());
  return server;
}

export async function proxy(options: Parameters<typeof startConnectProxy>[0] = {}): Promise<ConnectProxy> {
  const p = await startConnectProxy(options);
  closers.push(() => p.close());
  return p;
}

/** A client whose CAR (and auth) calls go to `url`; closed after the test. */
export function clientFor(url: string, options: QualysClientOptions = {}): QualysClient {
  const client = createQualysClient({
    credentials: { token: TOKEN },
    baseUrls: { gateway: url, vm: url },
    rateLimit: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    logger: false,
    ...options,
  });
  closers.push(() => client.close());
  return client;
}

/** The rejection of `p`, failing the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as Error,
  );
}
