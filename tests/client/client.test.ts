import { afterEach, describe, expect, it } from "vitest";
import { createQualysClient, type QualysClient } from "../../src/client.js";
import { ConfigurationError } from "../../src/runtime/errors/configuration-error.js";
import { PLATFORMS } from "../../src/runtime/platforms.js";
import { answerAuth, fakeJwt, startServer, withEnv, type LocalServer } from "../cli/support.js";
import { GOOD_PASSWORD, GOOD_USER, startAuthServer } from "../servers/auth-server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const track = <T extends LocalServer | QualysClient>(thing: T): T => {
  cleanups.push(() => thing.close());
  return thing;
};

const json = (body: unknown) => ({ body });
const jsonServer = (answer: (path: string) => { status?: number; body: unknown; headers?: Record<string, string> }) =>
  startServer((req, res) => {
    if (answerAuth(req, res)) return;
    const a = answer(req.path);
    res.writeHead(a.status ?? 200, { "Content-Type": "application/json", ...a.headers });
    res.end(JSON.stringify(a.body));
  });

describe("createQualysClient", () => {
  it.each(["undici", "fetch"] as const)("shares one JWT between gateway modules and the VM API (%s transport)", async (transport) => {
    const server = await startAuthServer();
    cleanups.push(() => server.close());
    const qualys = track(
      createQualysClient({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, platform: { apiUrl: server.url, gatewayUrl: server.url }, vmAuth: "oidc", transport }),
    );
    const [types] = await Promise.all([qualys.car.listScriptTypes(), qualys.car.listScriptLanguages(), qualys.vm.addIps({ ips: "10.0.0.1" })]);
    expect(types.body?.list?.[0]?.name).toBe("Custom");
    expect(server.counts.auth).toBe(1);
    expect(server.counts.vmCalls).toBe(1);
  });

  it("logs the VM session out on close, once", async () => {
    const server = await startAuthServer();
    cleanups.push(() => server.close());
    const qualys = createQualysClient({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, platform: { apiUrl: server.url, gatewayUrl: server.url }, vmAuth: "session" });
    await Promise.all([qualys.vm.updateIps({ ips: "10.0.0.1" }), qualys.vm.updateIps({ ips: "10.0.0.2" })]);
    expect(server.counts.logins).toBe(1);
    await qualys.close();
    await qualys.close();
    expect(server.counts.logouts).toBe(1);
  });

  it("sends each module to its own base URL when baseUrls names modules (a mock per spec)", async () => {
    const car = track(await jsonServer(() => json({ body: { list: [{ id: 1, name: "from car" }] } })));
    const saasdr = track(await jsonServer(() => json([{ cid: 7 }])));
    const token = track(await jsonServer(() => json({})));
    const qualys = track(createQualysClient({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, baseUrls: { car: car.url, gateway: saasdr.url, auth: token.url } }));
    expect((await qualys.car.listScriptTypes()).body?.list?.[0]?.name).toBe("from car");
    expect(await qualys.saasdr.listControls({ params: { query: {} } })).toEqual([{ cid: 7 }]);
    expect(token.requests.map((r) => r.path)).toEqual(["/auth"]); // one token, fetched from `auth`
    expect(car.requests.map((r) => r.path)).toEqual(["/sm/v1/script-types"]);
    expect(saasdr.requests.map((r) => r.path)).toEqual(["/sdr/api/controls/"]);
    expect(qualys.baseUrl("gateway", "car")).toBe(car.url);
    expect(() => qualys.baseUrl("vm")).toThrow(/No API server \(qualysapi\) URL for vm/);
  });

  it("checkGateway gets the shared token (once) and says when it expires", async () => {
    const server = track(await jsonServer(() => json({ body: { list: [] } })));
    const qualys = track(createQualysClient({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, platform: { gatewayUrl: server.url } }));
    const check = await qualys.checkGateway();
    expect(check.gatewayUrl).toBe(server.url);
    expect(check.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3 * 3600_000);
    await qualys.car.listScriptTypes();
    expect(server.requests.map((r) => r.path)).toEqual(["/auth", "/sm/v1/script-types"]);
    expect(JSON.stringify(check)).not.toContain(".c2ln"); // the token itself is not handed out
  });

  it("tells hooks about rate-limit waits and retries", async () => {
    let calls = 0;
    const server = track(
      await jsonServer(() => {
        calls++;
        if (calls === 1) return { status: 429, body: {}, headers: { "Retry-After": "0" } };
        if (calls === 2) return { status: 503, body: {} };
        return json({ body: { list: [] } });
      }),
    );
    const waits: string[] = [];
    const retries: string[] = [];
    const qualys = track(
      createQualysClient({
        credentials: { token: fakeJwt() },
        platform: { gatewayUrl: server.url },
        rateLimit: { blockedBackoffMs: 1, retry: { baseDelayMs: 1 } },
        hooks: { onRateLimit: (i) => waits.push(`${i.code} ${i.operationId}`), onRetry: (i) => retries.push(`${i.reason} ${i.operationId}`) },
      }),
    );
    await qualys.car.listScriptTypes();
    expect(waits).toEqual(["429 listScriptTypes"]);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/listScriptTypes$/);
  });

  it("finds the platform in the environment, else from the user name", async () => {
    const password = { username: "acme2ab12", password: "pw" };
    await withEnv({}, async () => {
      expect(track(createQualysClient({ credentials: password })).baseUrl("vm")).toBe(PLATFORMS.US2.apiUrl);
      expect(() => createQualysClient({ credentials: { token: "t" } })).toThrow(/No Qualys platform/);
      expect(() => createQualysClient()).toThrow(/No Qualys credentials in the environment/);
    });
    await withEnv({ QUALYS_PLATFORM: "EU1" }, async () => {
      expect(track(createQualysClient({ credentials: password })).baseUrl("gateway")).toBe(PLATFORMS.EU1.gatewayUrl);
    });
    await withEnv({ QUALYS_TOKEN: "t", QUALYS_PLATFORM: "EU1" }, async () => {
      expect(track(createQualysClient()).baseUrl("vm")).toBe(PLATFORMS.EU1.apiUrl);
      // The caller's platform wins over the environment's, which then gives the credentials only.
      expect(track(createQualysClient({ platform: "US3" })).baseUrl("vm")).toBe(PLATFORMS.US3.apiUrl);
    });
  });

  it("names the missing piece of configuration", async () => {
    expect(() => createQualysClient({ credentials: { token: "t" }, platform: "XX9" as never })).toThrow(/Unknown Qualys platform "XX9"/);
    const gov = track(createQualysClient({ credentials: { token: "t" }, platform: "GOV1" }));
    await expect(gov.vm.listIps()).rejects.toThrow(ConfigurationError);
  });
});
