/**
 * Proxies, through a real CONNECT proxy on 127.0.0.1: explicit URLs with credentials, the
 * environment only when asked (`proxy: "env"`), NO_PROXY, HTTPS targets tunnelled end to end,
 * and proxy credentials kept out of every error.
 */
import { ProxyAgent } from "undici";
import { describe, expect, it, vi } from "vitest";
import { ConfigurationError, NetworkError, TlsError } from "../../../src/errors.js";
import { createNetwork } from "../../../src/runtime/network/dispatcher.js";
import { explainFaults } from "../../../src/runtime/network/faults.js";
import type { Handler } from "../../../src/runtime/types.js";
import { expectNoSecret } from "../auth/helpers.js";
import { carServer, certificates, clientFor, proxy, rejection, SCRIPT_TYPES } from "./support.js";

const USER = "proxy-user";
const PASSWORD = "pr0xy-Pa55:word@x";
const withCredentials = (url: string, password = PASSWORD) => url.replace("http://", `http://${USER}:${encodeURIComponent(password)}@`);
const basic = (password = PASSWORD) => `Basic ${Buffer.from(`${USER}:${password}`).toString("base64")}`;
const hostPort = (url: string) => new URL(url).host;

describe("an explicit proxy URL", () => {
  it("tunnels an http loopback call through CONNECT with the URL's credentials as Proxy-Authorization", async () => {
    const server = await carServer();
    const p = await proxy({ auth: { user: USER, password: PASSWORD } });
    const client = clientFor(server.url, { proxy: withCredentials(p.url) });
    expect(await client.car.listScriptTypes()).toEqual(SCRIPT_TYPES);
    await client.car.listScriptTypes();
    expect(p.connects.length).toBeGreaterThanOrEqual(1);
    for (const c of p.connects) expect(c).toEqual({ target: hostPort(server.url), authorization: basic(), allowed: true });
    expect(server.requests.map((r) => r.path)).toEqual(["/sm/v1/script-types", "/sm/v1/script-types"]);
  });

  it("tunnels an HTTPS target end to end (the proxy sees only CONNECT) with the CA given", async () => {
    const server = await carServer(true);
    const p = await proxy();
    const client = clientFor(server.url, { proxy: p.url, ca: certificates().caPem });
    expect(await client.car.listScriptTypes()).toEqual(SCRIPT_TYPES);
    expect(p.connects.map((c) => c.target)).toEqual([hostPort(server.url)]);
  });

  it("reports the HTTPS target's untrusted certificate as a TlsError through the proxy too", async () => {
    const server = await carServer(true);
    const p = await proxy();
    const err = await rejection(clientFor(server.url, { proxy: p.url }).car.listScriptTypes());
    expect(err).toBeInstanceOf(TlsError);
    expect(err.message).toContain("self-signed certificate in certificate chain");
    expect(p.connects).toHaveLength(1);
  });

  it("goes direct to hosts in noProxy", async () => {
    const server = await carServer();
    const p = await proxy();
    const client = clientFor(server.url, { proxy: p.url, noProxy: "localhost,127.0.0.1" });
    await client.car.listScriptTypes();
    expect(p.connects).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
  });

  it("takes an undici Dispatcher of your own, and refuses a `ca` it could not apply to it", async () => {
    const server = await carServer();
    const p = await proxy();
    const agent = new ProxyAgent(p.url);
    try {
      await clientFor(server.url, { proxy: agent }).car.listScriptTypes();
      expect(p.connects.map((c) => c.target)).toEqual([hostPort(server.url)]);
      expect(() => clientFor(server.url, { proxy: agent, ca: certificates().caPem })).toThrow(ConfigurationError);
      expect(() => clientFor(server.url, { proxy: p.url, transport: async () => new Response("{}") })).toThrow(/built-in transports/);
    } finally {
      await agent.close();
    }
  });

  it("works under the fetch transport too", async () => {
    const server = await carServer();
    const p = await proxy({ auth: { user: USER, password: PASSWORD } });
    const client = clientFor(server.url, { proxy: withCredentials(p.url), transport: "fetch" });
    expect(await client.car.listScriptTypes()).toEqual(SCRIPT_TYPES);
    expect(p.connects).toEqual([{ target: hostPort(server.url), authorization: basic(), allowed: true }]);
  });
});

describe("the environment", () => {
  it("is ignored by the library unless asked: HTTPS_PROXY/HTTP_PROXY do not reroute a default client", async () => {
    const server = await carServer();
    const p = await proxy();
    vi.stubEnv("HTTP_PROXY", p.url);
    vi.stubEnv("http_proxy", p.url);
    vi.stubEnv("HTTPS_PROXY", p.url);
    await clientFor(server.url).car.listScriptTypes();
    expect(p.connects).toHaveLength(0);
  });

  it.each([
    ["HTTP_PROXY", "http"],
    ["http_proxy", "http"],
    ["HTTPS_PROXY", "https"],
    ["https_proxy", "https"],
  ] as const)("is read with proxy: \"env\" (%s for an %s target)", async (name, scheme) => {
    const server = await carServer(scheme === "https");
    const p = await proxy();
    for (const other of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"]) vi.stubEnv(other, "");
    vi.stubEnv(name, p.url);
    const client = clientFor(server.url, { proxy: "env", ...(scheme === "https" ? { ca: certificates().caFile } : {}) });
    expect(await client.car.listScriptTypes()).toEqual(SCRIPT_TYPES);
    expect(p.connects.map((c) => c.target)).toEqual([hostPort(server.url)]);
  });

  it.each(["NO_PROXY", "no_proxy"])("honours %s", async (name) => {
    const server = await carServer();
    const p = await proxy();
    for (const other of ["HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"]) vi.stubEnv(other, "");
    vi.stubEnv("HTTP_PROXY", p.url);
    vi.stubEnv("http_proxy", p.url);
    vi.stubEnv(name, `example.com, 127.0.0.1:${new URL(server.url).port}`);
    await clientFor(server.url, { proxy: "env" }).car.listScriptTypes();
    expect(p.connects).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
  });
});

describe("proxy credentials never reach an error", () => {
  it("a wrong proxy password: a NetworkError naming the 407, not retried, password nowhere", async () => {
    const server = await carServer();
    const p = await proxy({ auth: { user: USER, password: "the-right-one" } });
    const retries: unknown[] = [];
    const client = clientFor(server.url, { proxy: withCredentials(p.url), hooks: { onRetry: (i) => retries.push(i) } });
    const err = await rejection(client.car.listScriptTypes());
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toContain("answered 407 to CONNECT");
    expect(err.message).toContain("http://[redacted]@127.0.0.1");
    expect(retries).toHaveLength(0);
    expect(p.connects).toHaveLength(1);
    expectNoSecret(err, [PASSWORD, encodeURIComponent(PASSWORD), basic().slice(6)]);
    expect(server.requests).toHaveLength(0);
  });

  it("an unreachable proxy: a NetworkError after the retries, credentials nowhere", async () => {
    const p = await proxy();
    const deadUrl = p.url;
    await p.close();
    const server = await carServer();
    const lines: unknown[] = [];
    const log = (message: string, fields?: unknown) => void lines.push({ message, fields });
    const logger = { debug: log, info: log, warn: log, error: log };
    const err = await rejection(clientFor(server.url, { proxy: withCredentials(deadUrl), logger }).car.listScriptTypes());
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toContain("ECONNREFUSED");
    const secrets = [PASSWORD, encodeURIComponent(PASSWORD), `${USER}:${encodeURIComponent(PASSWORD)}`];
    expectNoSecret(err, secrets);
    // Each failed attempt was logged, and the log lines are as clean.
    expect(lines).toHaveLength(3);
    for (const line of lines) expectNoSecret(line, secrets);
  });

  it("scrubs the proxy URL's user info from any fault below, message and stack, through the cause chain", async () => {
    const url = withCredentials("http://127.0.0.1:3128");
    const network = createNetwork({ proxy: url });
    await network.close();
    const failing = explainFaults<Handler>(async () => {
      throw new TypeError("fetch failed", { cause: new Error(`tunnel via ${url} broke`, { cause: new Error(`again ${USER}:${PASSWORD}`) }) });
    }, network);
    const err = await rejection(failing(new Request("https://qualysapi.example/x"), { module: "vm", family: "vm", idempotent: true }));
    expect(err).toBeInstanceOf(TypeError);
    expect(String((err.cause as Error).message)).toBe("tunnel via http://[redacted]@127.0.0.1:3128 broke");
    expectNoSecret(err, [PASSWORD, encodeURIComponent(PASSWORD)]);
  });

  it.each([
    ["not a URL", `proxy.example:${PASSWORD}@@`],
    ["a socks URL", `socks5://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:1080`],
  ])("a bad proxy setting (%s): a ConfigurationError with the URL redacted", (_name, url) => {
    const err = (() => {
      try {
        createNetwork({ proxy: url });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigurationError);
    expectNoSecret(err, [PASSWORD, encodeURIComponent(PASSWORD)]);
  });

  it("a bad HTTPS_PROXY with proxy: \"env\" names the variable, not its password", () => {
    const err = (() => {
      try {
        createNetwork({ proxy: "env" }, { HTTPS_PROXY: `ftp://${USER}:${PASSWORD}@proxy.example` });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err?.message).toContain("HTTPS_PROXY");
    expectNoSecret(err, [PASSWORD]);
  });
});
