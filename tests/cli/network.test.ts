/**
 * The CLI on enterprise networks: HTTPS_PROXY from the environment by default (as curl), --proxy,
 * --ca-file for a private CA, and the request log on stderr (--verbose, QUALYS_LOG).
 */
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { startConnectProxy } from "../servers/connect-proxy.js";
import { startJsonServer, type JsonServer } from "../servers/json-server.js";
import { makeCertificates } from "../support/tls.js";
import { cli, withEnv } from "./support.js";

const TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjbGkifQ.c2ln";
const certs = makeCertificates();
afterAll(() => certs.remove());

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function httpsServer(): Promise<JsonServer> {
  const server = await startJsonServer((req) => ({ body: { body: { list: [{ id: req.path.includes("language") ? 2 : 1, name: "x" }] } } }), { tls: { key: certs.key, cert: certs.cert } });
  closers.push(() => server.close());
  return server;
}

const noProxyEnv = () => {
  for (const name of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "QUALYS_LOG"]) vi.stubEnv(name, "");
};

describe("qualys on an enterprise network", () => {
  it("refuses a private CA's certificate with exit 1 and says so, and accepts it with --ca-file", async () => {
    noProxyEnv();
    const server = await httpsServer();
    await withEnv({ QUALYS_TOKEN: TOKEN, QUALYS_GATEWAY_URL: server.url }, async () => {
      const refused = await cli(["car", "scripts"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("self-signed certificate in certificate chain");
      expect(refused.stderr).toContain("--ca-file");
      const ok = await cli(["--ca-file", certs.caFile, "-f", "ndjson", "car", "scripts"]);
      expect(ok.stderr).toBe("");
      expect(ok.code).toBe(0);
      expect(ok.stdout.trim().split("\n")).toHaveLength(2);
    });
  });

  it("goes through HTTPS_PROXY from the environment by default, and through --proxy when given", async () => {
    noProxyEnv();
    const server = await httpsServer();
    const envProxy = await startConnectProxy();
    const flagProxy = await startConnectProxy();
    closers.push(() => envProxy.close(), () => flagProxy.close());
    vi.stubEnv("HTTPS_PROXY", envProxy.url);
    await withEnv({ QUALYS_TOKEN: TOKEN, QUALYS_GATEWAY_URL: server.url }, async () => {
      expect((await cli(["--ca-file", certs.caFile, "car", "scripts"])).code).toBe(0);
      expect(envProxy.connects.length).toBeGreaterThanOrEqual(1);
      expect(envProxy.connects.every((c) => c.target === new URL(server.url).host)).toBe(true);
      expect((await cli(["--ca-file", certs.caFile, "--proxy", flagProxy.url, "car", "scripts"])).code).toBe(0);
      expect(flagProxy.connects.length).toBeGreaterThanOrEqual(1);
    });
  });

  it("writes one line per request to stderr with --verbose or QUALYS_LOG=info, nothing otherwise", async () => {
    noProxyEnv();
    const server = await httpsServer();
    await withEnv({ QUALYS_TOKEN: TOKEN, QUALYS_GATEWAY_URL: server.url }, async () => {
      const quiet = await cli(["--ca-file", certs.caFile, "car", "scripts"]);
      expect(quiet.stderr).toBe("");
      const verbose = await cli(["--verbose", "--ca-file", certs.caFile, "car", "scripts"]);
      expect(verbose.code).toBe(0);
      const lines = verbose.stderr.trim().split("\n").sort();
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^GET \/sm\/v1\/script-language 200 \d+ms \d+B attempt 1 wait \d+ms \(car\.listScriptLanguages\)$/);
      expect(lines[1]).toMatch(/^GET \/sm\/v1\/script-types 200 /);
      expect(verbose.stderr).not.toContain(TOKEN);
      vi.stubEnv("QUALYS_LOG", "info");
      const env = await cli(["--ca-file", certs.caFile, "car", "scripts"]);
      expect(env.stderr.trim().split("\n")).toHaveLength(2);
    });
  });
});
