import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createCarClient } from "../../../src/generated/car/index.js";
import { createAuth, credentialsFromEnv, PasswordCredentials, type AuthOptions } from "../../../src/runtime/auth/index.js";
import { AuthenticationError } from "../../../src/runtime/errors/authentication-error.js";
import { ConfigurationError } from "../../../src/runtime/errors/configuration-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import type { CallContext } from "../../../src/runtime/types.js";
import { GOOD_CLIENT, GOOD_PASSWORD, GOOD_SECRET, GOOD_USER, startAuthServer } from "../../servers/auth-server.js";

type Server = Awaited<ReturnType<typeof startAuthServer>>;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every secret a test used, to scan errors and printouts for. */
const SECRETS = [GOOD_PASSWORD, GOOD_SECRET, "wrong-Pa55word-xyz"];
function expectNoSecret(value: unknown, extra: string[] = []): void {
  const texts = [
    value instanceof Error ? `${value.message}\n${value.stack}` : "",
    JSON.stringify(value),
    inspect(value, { depth: 10, showHidden: true }),
  ];
  for (const secret of [...SECRETS, ...extra]) for (const text of texts) expect(text).not.toContain(secret);
}

async function setup(options: Partial<AuthOptions> = {}, serverOptions: Parameters<typeof startAuthServer>[0] = {}) {
  server = await startAuthServer(serverOptions);
  const url = server.url;
  const auth = createAuth({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, gatewayUrl: url, apiUrl: url, ...options });
  const handler = compose([auth.layer], fetchTransport);
  const car = createCarClient({ handler, baseUrl: () => url });
  const vmCall = (path = "/api/2.0/fo/scan/") =>
    handler(
      new Request(`${url}${path}`, { method: "POST", body: new URLSearchParams({ action: "list" }) }),
      { module: "vm", family: "vm", operationId: "listScans", idempotent: true } satisfies CallContext,
    );
  return { server, auth, handler, car, vmCall };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );
}

describe("gateway JWT", () => {
  it("makes exactly one /auth call for 100 concurrent calls on a cold token", async () => {
    const { server, car } = await setup();
    const results = await Promise.all(Array.from({ length: 100 }, () => car.listScriptTypes()));
    expect(results.every((r) => r.body?.list?.[0]?.name === "Custom")).toBe(true);
    expect(server.counts.auth).toBe(1);
    expect(server.counts.gatewayCalls).toBe(100);
  });

  it("refreshes before the JWT's exp, once for concurrent callers", async () => {
    let now = 1_000_000_000_000;
    const { server, car } = await setup({ now: () => now, refreshMarginMs: 60_000 }, { expSeconds: () => Math.floor(now / 1000) + 600 });
    await car.listScriptTypes();
    now += 500_000; // 8m20s: still 100 s before exp, more than the 60 s margin
    await car.listScriptTypes();
    expect(server.counts.auth).toBe(1);
    now += 50_000; // inside the margin
    await Promise.all(Array.from({ length: 20 }, () => car.listScriptTypes()));
    expect(server.counts.auth).toBe(2);
  });

  it("assumes Qualys's 4-hour lifetime when the token has no exp", async () => {
    let now = 0;
    const { server, car } = await setup({ now: () => now, refreshMarginMs: 5 * 60_000 });
    await car.listScriptTypes();
    now = 4 * 3600_000 - 6 * 60_000;
    await car.listScriptTypes();
    expect(server.counts.auth).toBe(1);
    now = 4 * 3600_000 - 4 * 60_000;
    await car.listScriptTypes();
    expect(server.counts.auth).toBe(2);
  });

  it("re-authenticates once and replays once after a 401 on a stale token", async () => {
    const { server, car } = await setup();
    await car.listScriptTypes();
    server.revokeTokens();
    const again = await car.searchJobsV1({ body: { pageNumber: 0, pageSize: 10 } });
    expect(again.body?.totalCount).toBe(1);
    expect(server.counts.auth).toBe(2);
    expect(server.counts.gatewayCalls).toBe(3);
  });

  it("gives up with AuthenticationError when the fresh token is refused too", async () => {
    server = await startAuthServer();
    const url = server.url;
    const auth = createAuth({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, gatewayUrl: url });
    // Every token is revoked as soon as it is issued: the replay gets a 401 as well.
    const revoking = compose([auth.layer, (next) => async (req, ctx) => {
      const res = await next(req, ctx);
      if (ctx.operationId === "createToken") server!.revokeTokens();
      return res;
    }], fetchTransport);
    const car = createCarClient({ handler: revoking, baseUrl: () => url });
    const err = await failure(car.listScriptTypes());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).status).toBe(401);
    expect(server.counts.auth).toBe(2);
    expect(server.counts.gatewayCalls).toBe(2);
    expectNoSecret(err);
  });

  it("reports bad credentials with the status and Qualys's text, never the password", async () => {
    const { server, car } = await setup({ credentials: { username: GOOD_USER, password: "wrong-Pa55word-xyz" } });
    const err = await failure(car.listScriptTypes());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).status).toBe(401);
    expect((err as Error).message).toContain("Unauthorized user");
    expect(server.counts.gatewayCalls).toBe(0);
    expectNoSecret(err);
  });

  it("gets OAuth tokens with clientId / clientSecret headers", async () => {
    const { server, car } = await setup({ credentials: { clientId: GOOD_CLIENT, clientSecret: GOOD_SECRET } });
    await Promise.all([car.listScriptTypes(), car.listScriptTypes()]);
    expect(server.counts.oauth).toBe(1);
    expect(server.counts.auth).toBe(0);
    expect(server.seen.find((s) => s.oauthHeaders)?.oauthHeaders).toEqual([GOOD_CLIENT, GOOD_SECRET]);
    const bad = await setup({ credentials: { clientId: GOOD_CLIENT, clientSecret: "wrong-Pa55word-xyz" } });
    const err = await failure(bad.car.listScriptTypes());
    expect(err).toBeInstanceOf(AuthenticationError);
    expectNoSecret(err);
  });

  it("treats a refused static token as final", async () => {
    const { server, car } = await setup({ credentials: { token: "a.b.c" } });
    const err = await failure(car.listScriptTypes());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(server.counts.auth + server.counts.oauth).toBe(0);
    expectNoSecret(err, ["a.b.c"]);
  });
});

describe("VM API auth", () => {
  it("sends Basic auth and X-Requested-With by default", async () => {
    const { server, vmCall } = await setup();
    expect((await vmCall()).status).toBe(200);
    const last = server.seen.at(-1)!;
    expect(last.requestedWith).toBe("qualys-ts");
    expect(last.authorization).toMatch(/^Basic /);
  });

  it("turns a 401 with CODE 2000 into AuthenticationError", async () => {
    const { vmCall } = await setup({ credentials: { username: GOOD_USER, password: "wrong-Pa55word-xyz" } });
    const err = await failure(vmCall());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).code).toBe("2000");
    expect((err as AuthenticationError).text).toBe("Bad Login/Password");
    expectNoSecret(err);
  });

  it("shares one session login among concurrent calls and logs out on close", async () => {
    const { server, auth, vmCall } = await setup({ vmAuth: "session" });
    const answers = await Promise.all(Array.from({ length: 20 }, () => vmCall()));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(server.counts.logins).toBe(1);
    expect(server.seen.filter((s) => s.cookie?.includes("QualysSession=")).length).toBe(20);
    expect(server.seen.every((s) => !s.authorization?.startsWith("Basic"))).toBe(true);
    await auth.close();
    await auth.close();
    expect(server.counts.logouts).toBe(1);
    expect(server.openSessions()).toBe(0);
  });

  it("logs in again once when the session expired, and replays the call", async () => {
    const { server, vmCall } = await setup({ vmAuth: "session" });
    await vmCall();
    server.expireSessions();
    expect((await vmCall()).status).toBe(200);
    expect(server.counts.logins).toBe(2);
  });

  it("logs out on close after a failed request too", async () => {
    const { server, auth, vmCall } = await setup({ vmAuth: "session" });
    expect((await vmCall("/api/2.0/fo/fail/")).status).toBe(500);
    await auth.close();
    expect(server.counts.logouts).toBe(1);
    expect(server.openSessions()).toBe(0);
  });

  it("reports a bad session login (2000, HTTP 401) and an expired account (2001, HTTP 200)", async () => {
    const bad = await setup({ vmAuth: "session", credentials: { username: GOOD_USER, password: "wrong-Pa55word-xyz" } });
    const badErr = await failure(bad.vmCall());
    expect(badErr).toMatchObject({ name: "AuthenticationError", status: 401, code: "2000" });
    expectNoSecret(badErr);
    await server!.close();
    const expired = await setup({ vmAuth: "session" }, { accountExpired: true });
    const expiredErr = await failure(expired.vmCall());
    expect(expiredErr).toBeInstanceOf(AuthenticationError);
    expect(expiredErr).toMatchObject({ status: 200, code: "2001", text: "This account has expired." });
    expect(expired.server.counts.vmCalls).toBe(0);
    expectNoSecret(expiredErr);
  });

  it("uses the gateway JWT as an OIDC bearer", async () => {
    const { server, vmCall } = await setup({ vmAuth: "oidc" });
    expect((await vmCall()).status).toBe(200);
    expect(server.counts.auth).toBe(1);
    expect(server.seen.at(-1)!.authorization).toMatch(/^Bearer /);
  });
});

describe("safety", () => {
  it("never prints secrets in credentials or the auth object", async () => {
    const { auth } = await setup({ vmAuth: "session" });
    const creds = new PasswordCredentials(GOOD_USER, GOOD_PASSWORD);
    expectNoSecret(creds);
    expectNoSecret(auth);
    expect(String(creds)).toContain(GOOD_USER);
    expect(JSON.stringify(creds)).toContain("[redacted]");
  });

  it("refuses plain http except to loopback", () => {
    expect(() => createAuth({ credentials: { token: "t" }, gatewayUrl: "http://gateway.example.com" })).toThrow(ConfigurationError);
    expect(() => createAuth({ credentials: { token: "t" }, apiUrl: "http://10.0.0.5" })).toThrow(/https/);
    expect(() => createAuth({ credentials: { token: "t" }, gatewayUrl: "http://127.0.0.1:9" })).not.toThrow();
    expect(() => createAuth({ credentials: { token: "t" }, gatewayUrl: "http://[::1]:9" })).not.toThrow();
  });

  it("refuses to send credentials to a non-loopback http URL at request time", async () => {
    const auth = createAuth({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, gatewayUrl: "https://gateway.example.com" });
    const handler = compose([auth.layer], () => Promise.reject(new Error("must not be sent")));
    const err = await failure(handler(new Request("http://qualysapi.example.com/api/2.0/fo/scan/"), { module: "vm", family: "vm", idempotent: true }));
    expect(err).toBeInstanceOf(ConfigurationError);
  });
});

describe("credentials from the environment", () => {
  it("reads username, password and platform, and guesses the platform from the user name", () => {
    const env = credentialsFromEnv({ QUALYS_USERNAME: "acme3ab12", QUALYS_PASSWORD: GOOD_PASSWORD });
    expect(env.platform).toBe("US3");
    expect(env.credentials).toBeInstanceOf(PasswordCredentials);
    expectNoSecret(env);
    expect(credentialsFromEnv({ QUALYS_USERNAME: "u", QUALYS_PASSWORD: "p", QUALYS_PLATFORM: "EU2" }).platform).toBe("EU2");
    expect(
      credentialsFromEnv({ QUALYS_TOKEN: "t", QUALYS_GATEWAY_URL: "https://gw.example", QUALYS_API_URL: "https://api.example" }).platform,
    ).toEqual({ gatewayUrl: "https://gw.example", apiUrl: "https://api.example" });
  });

  it("says which variables are missing", () => {
    expect(() => credentialsFromEnv({})).toThrow(/QUALYS_USERNAME and QUALYS_PASSWORD/);
    expect(() => credentialsFromEnv({ QUALYS_USERNAME: "u" })).toThrow(ConfigurationError);
    expect(() => credentialsFromEnv({ QUALYS_TOKEN: "t" })).toThrow(/QUALYS_PLATFORM/);
  });
});
