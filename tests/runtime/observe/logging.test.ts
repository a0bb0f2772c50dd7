/**
 * The request log: one line per attempt with method, path without query, status, ms, bytes,
 * attempt and rate-limit state; failures at warn; console only when QUALYS_LOG asks; and never a
 * secret, checked the way errors are (an echoing server, every printout of every line and field).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createQualysClient, type QualysClientOptions } from "../../../src/client.js";
import { ConfigurationError } from "../../../src/errors.js";
import type { Logger } from "../../../src/runtime/observe/logger.js";
import { GOOD_PASSWORD, GOOD_USER, startAuthServer } from "../../servers/auth-server.js";
import { startJsonServer } from "../../servers/json-server.js";
import { detectionPage, startVmServer } from "../../servers/vm-pages-server.js";
import { startServer } from "../../cli/support.js";
import { expectNoSecret, serverSecrets, WRONG_PASSWORD } from "../auth/helpers.js";

const TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJsb2cifQ.c2ln";
type Line = { level: string; message: string; fields?: Readonly<Record<string, unknown>> };

function capture(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => void lines.push({ level, message, fields });
  return { lines, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all(closers.splice(0).map((c) => c()));
});

function clientAt(url: string, options: QualysClientOptions = {}) {
  const client = createQualysClient({ credentials: { token: TOKEN }, baseUrls: { gateway: url, vm: url }, tracing: false, rateLimit: { retry: { baseDelayMs: 1, maxDelayMs: 5 } }, ...options });
  closers.push(() => client.close());
  return client;
}

async function jsonServer(route: Parameters<typeof startJsonServer>[0]) {
  const server = await startJsonServer(route);
  closers.push(() => server.close());
  return server;
}

describe("one line per request", () => {
  it("says method, path, status, ms, bytes, attempt, wait and remaining, as text and as fields", async () => {
    const body = { totalCount: 1, list: [{ id: 1, name: "Custom" }] };
    const server = await jsonServer(() => ({ body, headers: { "X-RateLimit-Remaining": "41" } }));
    const { logger, lines } = capture();
    await clientAt(server.url, { logger }).car.listScriptTypes();
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line!.level).toBe("info");
    expect(line!.message).toMatch(/^GET \/sm\/v1\/script-types 200 \d+ms 50B attempt 1 wait \d+ms remaining 41 \(car\.listScriptTypes\)$/);
    expect(line!.fields).toMatchObject({ method: "GET", path: "/sm/v1/script-types", status: 200, bytes: JSON.stringify(body).length, attempt: 1, remaining: 41, module: "car", operationId: "listScriptTypes" });
    expect(line!.fields!.ms).toEqual(expect.any(Number));
  });

  it("logs each attempt: a retried 503 at warn, then the answer as attempt 2", async () => {
    let n = 0;
    const server = await jsonServer(() => (++n === 1 ? { status: 503, body: {} } : { body: { list: [] } }));
    const { logger, lines } = capture();
    await clientAt(server.url, { logger }).car.listScriptTypes();
    expect(lines.map((l) => [l.level, l.fields?.status, l.fields?.attempt])).toEqual([
      ["warn", 503, 1],
      ["info", 200, 2],
    ]);
  });

  it("never logs the query: VM pages whose next-page URLs carry ids", async () => {
    const server = await startVmServer((req, res, origin) => {
      const from = Number(req.form.get("id_min") ?? 1);
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(detectionPage([from], from < 3 ? `${origin}/api/5.0/fo/asset/host/vm/detection/?action=list&ids=10.0.0.1&id_min=${from + 1}` : undefined));
    });
    closers.push(() => server.close());
    const { logger, lines } = capture();
    for await (const _ of clientAt(server.url, { logger, vmAuth: "oidc" }).vm.listHostDetections({ truncation_limit: 1, ips: "10.0.0.1" })) void _;
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.fields!.path).toBe("/api/5.0/fo/asset/host/vm/detection/");
      expect(JSON.stringify(line)).not.toMatch(/10\.0\.0\.1|id_min|\?/);
    }
  });

  it("counts the bytes of a body sent without Content-Length as it is read", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
      res.write('{"list":[');
      res.end('{"id":1}]}');
    });
    closers.push(() => server.close());
    const { logger, lines } = capture();
    await clientAt(server.url, { logger }).car.listScriptTypes();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.fields!.bytes).toBe('{"list":[{"id":1}]}'.length);
  });

  it("shows the time a call queued behind the concurrency limit", async () => {
    const server = await startServer(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 150));
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"list":[]}');
    });
    closers.push(() => server.close());
    const { logger, lines } = capture();
    const client = clientAt(server.url, { logger, rateLimit: { defaults: { concurrency: 1 } } });
    await Promise.all([client.car.listScriptTypes(), client.car.listScriptTypes()]);
    const waits = lines.map((l) => l.fields!.waitMs as number).sort((a, b) => a - b);
    expect(waits[0]).toBeLessThan(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
  });

  it("logs a connection failure at warn with its cause", async () => {
    const server = await jsonServer(() => ({ body: {} }));
    await server.close();
    const { logger, lines } = capture();
    await expect(clientAt(server.url, { logger, rateLimit: { retry: { attempts: 1 } } }).car.listScriptTypes()).rejects.toThrow();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe("warn");
    expect(lines[0]!.message).toMatch(/^GET \/sm\/v1\/script-types \d+ms attempt 1 wait \d+ms \(car\.listScriptTypes\) failed: TypeError: fetch failed \(ECONNREFUSED\)$/);
  });
});

describe("the default logger", () => {
  it("is silent without QUALYS_LOG, console at the level QUALYS_LOG names", async () => {
    const server = await jsonServer(() => ({ body: { list: [] } }));
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    vi.stubEnv("QUALYS_LOG", "");
    await clientAt(server.url).car.listScriptTypes();
    expect(info).not.toHaveBeenCalled();
    vi.stubEnv("QUALYS_LOG", "info");
    await clientAt(server.url).car.listScriptTypes();
    expect(info).toHaveBeenCalledTimes(1);
    expect(String(info.mock.calls[0]![0])).toMatch(/^GET \/sm\/v1\/script-types 200 /);
    vi.stubEnv("QUALYS_LOG", "warn");
    await clientAt(server.url).car.listScriptTypes();
    expect(info).toHaveBeenCalledTimes(1);
    // An explicit `false` wins over the environment.
    vi.stubEnv("QUALYS_LOG", "debug");
    await clientAt(server.url, { logger: false }).car.listScriptTypes();
    expect(info).toHaveBeenCalledTimes(1);
  });

  it("refuses an unknown QUALYS_LOG, naming the levels", () => {
    vi.stubEnv("QUALYS_LOG", "loud");
    expect(() => clientAt("http://127.0.0.1:1")).toThrow(ConfigurationError);
    expect(() => clientAt("http://127.0.0.1:1")).toThrow(/debug, info, warn, error/);
  });
});

describe("no secret in any log line", () => {
  it.each([
    ["basic", GOOD_PASSWORD],
    ["basic", WRONG_PASSWORD],
    ["session", GOOD_PASSWORD],
    ["session", WRONG_PASSWORD],
    ["oidc", GOOD_PASSWORD],
    ["oidc", WRONG_PASSWORD],
  ] as const)("vmAuth %s, password %#", async (vmAuth, password) => {
    const server = await startAuthServer({ echoSecrets: true });
    closers.push(() => server.close());
    const { logger, lines } = capture();
    const client = createQualysClient({
      credentials: { username: GOOD_USER, password },
      baseUrls: { gateway: server.url, vm: server.url },
      vmAuth,
      logger,
      tracing: false,
      rateLimit: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    });
    await client.car.listScriptTypes().catch(() => {});
    await (async () => {
      for await (const _ of client.vm.listScans({})) void _;
    })().catch(() => {});
    await client.close().catch(() => {});
    // The calls did happen and were logged: auth's own calls included.
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.fields?.path === "/sm/v1/script-types" || l.fields?.path === "/auth")).toBe(true);
    for (const line of lines) expectNoSecret(line, serverSecrets(server));
  });
});
