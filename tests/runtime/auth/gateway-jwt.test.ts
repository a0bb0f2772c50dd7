import { describe, expect, it } from "vitest";
import { createCarClient } from "../../../src/generated/car/index.js";
import { createAuth, JwtSource, PasswordCredentials, toCredentials } from "../../../src/runtime/auth/index.js";
import { AuthenticationError } from "../../../src/runtime/errors/authentication-error.js";
import { HttpError } from "../../../src/runtime/errors/http-error.js";
import { InvalidResponseError } from "../../../src/runtime/errors/invalid-response-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import type { CallContext, Handler } from "../../../src/runtime/types.js";
import { GOOD_CLIENT, GOOD_PASSWORD, GOOD_SECRET, GOOD_USER } from "../../servers/auth-server.js";
import { failure, recording, setup, STATIC_TOKEN, WRONG_PASSWORD } from "./helpers.js";

const HOUR = 3600_000;

describe("gateway JWT from POST /auth", () => {
  it("makes exactly one /auth call for 100 concurrent calls on a cold token, and sends that token", async () => {
    const { server, car } = await setup();
    const results = await Promise.all(Array.from({ length: 100 }, () => car.listScriptTypes()));
    expect(results.every((r) => r.body?.list?.[0]?.name === "Custom")).toBe(true);
    expect(server.counts.auth).toBe(1);
    expect(server.counts.gatewayCalls).toBe(100);
    const calls = server.seen.filter((s) => s.path.startsWith("/sm/"));
    expect(new Set(calls.map((s) => s.authorization))).toEqual(new Set([`Bearer ${server.issuedTokens[0]}`]));
  });

  it("posts the form Qualys documents: username, password, token=true, permissions=true", async () => {
    const { server, car } = await setup();
    await car.listScriptTypes();
    const login = server.seen.find((s) => s.path === "/auth")!;
    expect(login.method).toBe("POST");
    expect(login.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(login.form).toEqual({ username: GOOD_USER, password: GOOD_PASSWORD, token: "true", permissions: "true" });
    expect(login.authorization).toBeUndefined();
  });

  it("sends auth's own call down the pipeline marked skipAuth and exempt from rate limits", async () => {
    const { server } = await setup();
    const seen: { request: Request; ctx: CallContext }[] = [];
    const auth = createAuth({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, gatewayUrl: server.url });
    const car = createCarClient({ handler: compose([auth.layer, recording(seen)], fetchTransport), baseUrl: () => server.url });
    await car.listScriptTypes();
    expect(seen.map((s) => [new URL(s.request.url).pathname, s.ctx.skipAuth ?? false, s.ctx.exemptFromRateLimit ?? false])).toEqual([
      ["/auth", true, true],
      ["/sm/v1/script-types", false, false],
    ]);
  });

  it("trims whitespace and quotes around the token", async () => {
    const { server, car } = await setup({}, { tokenBody: (t) => `  "${t}"\r\n` });
    await car.listScriptTypes();
    expect(server.seen.at(-1)!.authorization).toBe(`Bearer ${server.issuedTokens[0]}`);
  });

  it("refreshes a margin before the JWT's exp, once for 100 concurrent callers", async () => {
    let now = 1_000_000_000_000;
    const { server, car } = await setup({ now: () => now, refreshMarginMs: 60_000 }, { clock: () => now, tokenLifetimeSec: 600 });
    await car.listScriptTypes();
    now += 530_000; // 70 s before exp: outside the 60 s margin
    await car.listScriptTypes();
    expect(server.counts.auth).toBe(1);
    now += 20_000; // 50 s before exp: inside the margin
    await Promise.all(Array.from({ length: 100 }, () => car.listScriptTypes()));
    expect(server.counts.auth).toBe(2);
    expect(server.counts.gateway401).toBe(0);
  });

  it("assumes Qualys's 4-hour lifetime when the token has no exp", async () => {
    let now = 0;
    const { server, car } = await setup({ now: () => now, refreshMarginMs: 5 * 60_000 });
    await car.listScriptTypes();
    now = 4 * HOUR - 6 * 60_000;
    await car.listScriptTypes();
    expect(server.counts.auth).toBe(1);
    now = 4 * HOUR - 4 * 60_000;
    await car.listScriptTypes();
    expect(server.counts.auth).toBe(2);
  });

  it.each([
    ["behind", -HOUR],
    ["ahead", +HOUR],
  ])("measures the lifetime as exp - iat when the server clock is an hour %s", async (_, skew) => {
    let now = 1_000_000_000_000;
    const { server, car } = await setup({ now: () => now }, { clock: () => now + skew, tokenLifetimeSec: 3600 });
    await car.listScriptTypes();
    now += 58 * 60_000; // inside the 5-minute margin of a one-hour token, whatever the server's clock says
    await car.listScriptTypes();
    expect(server.counts.auth).toBe(2);
    expect(server.counts.gateway401).toBe(0);
  });

  it("keeps using a short-lived token for half its life even when the margin is longer", async () => {
    let now = 1_000_000_000_000;
    const { server, car } = await setup({ now: () => now, refreshMarginMs: 10 * 60_000 }, { clock: () => now, tokenLifetimeSec: 120 });
    for (let i = 0; i < 5; i++) await car.listScriptTypes();
    expect(server.counts.auth).toBe(1);
    now += 61_000;
    await car.listScriptTypes();
    expect(server.counts.auth).toBe(2);
  });

  it("re-authenticates once and replays the request, body and all, after a 401 on a stale token", async () => {
    const { server, car } = await setup();
    await car.listScriptTypes();
    server.revokeTokens();
    const again = await car.searchJobsV1({ body: { pageNumber: 3, pageSize: 7 } });
    expect(again.body?.totalCount).toBe(1);
    expect(server.counts.auth).toBe(2);
    const searches = server.seen.filter((s) => s.path === "/sm/v1/jobs/search");
    expect(searches).toHaveLength(2);
    expect(searches.map((s) => JSON.parse(s.body))).toEqual([
      { pageNumber: 3, pageSize: 7 },
      { pageNumber: 3, pageSize: 7 },
    ]);
    expect(searches[1]!.authorization).toBe(`Bearer ${server.issuedTokens[1]}`);
  });

  it("re-authenticates once when 50 concurrent calls all meet the stale token", async () => {
    const { server, car } = await setup();
    await car.listScriptTypes();
    server.revokeTokens();
    await Promise.all(Array.from({ length: 50 }, () => car.listScriptTypes()));
    expect(server.counts.auth).toBe(2);
    expect(server.counts.gateway401).toBe(50);
    expect(server.counts.gatewayCalls).toBe(1 + 50 + 50);
  });

  it("gives up with AuthenticationError (status and Qualys's message) when the fresh token is refused too", async () => {
    const { server, car } = await setup({}, { refuseTokens: true });
    const err = await failure(car.listScriptTypes());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "401", text: "Unauthorized" });
    expect((err as Error).message).toMatch(/listScriptTypes got HTTP 401.*fresh token/);
    expect(server.counts.auth).toBe(2);
    expect(server.counts.gatewayCalls).toBe(2);
  });

  it("reports bad credentials with the status and Qualys's text, and calls no API", async () => {
    const { server, car } = await setup({ credentials: { username: GOOD_USER, password: WRONG_PASSWORD } });
    const err = await failure(car.listScriptTypes());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, text: "Unauthorized user" });
    expect((err as Error).message).toContain("Unauthorized user");
    expect(server.counts.gatewayCalls).toBe(0);
  });

  it("shares one failing /auth call among concurrent callers", async () => {
    let release!: () => void;
    const holdAuth = new Promise<void>((r) => (release = r));
    const { server, car } = await setup({ credentials: { username: GOOD_USER, password: WRONG_PASSWORD } }, { holdAuth });
    const calls = Array.from({ length: 20 }, () => failure(car.listScriptTypes()));
    await waitUntil(() => server.counts.auth === 1);
    release();
    const errors = await Promise.all(calls);
    expect(errors.every((e) => e instanceof AuthenticationError)).toBe(true);
    expect(server.counts.auth).toBe(1);
  });

  it("reports an /auth outage as an HttpError, not as bad credentials", async () => {
    const { car } = await setup({}, { authAnswer: { status: 503, body: "Service Unavailable" } });
    const err = await failure(car.listScriptTypes());
    expect(err).toBeInstanceOf(HttpError);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 503, operationId: "createToken" });
  });

  it("refuses a success answer whose body is not a JWT (a proxy's page)", async () => {
    const { server, car } = await setup({}, { authAnswer: { status: 200, body: "<html><body>Sign in</body></html>", contentType: "text/html" } });
    const err = await failure(car.listScriptTypes());
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect((err as Error).message).toContain("not a JWT");
    expect(server.counts.gatewayCalls).toBe(0);
  });

  it("lets a caller abort its wait for the shared token while the others get it", async () => {
    let release!: () => void;
    const holdAuth = new Promise<void>((r) => (release = r));
    const { server, car } = await setup({}, { holdAuth });
    const stop = new AbortController();
    const patient = car.listScriptTypes();
    const impatient = failure(car.listScriptTypes({ signal: stop.signal }));
    await waitUntil(() => server.counts.auth === 1);
    stop.abort(new Error("caller gave up"));
    expect(((await impatient) as Error).message).toBe("caller gave up");
    release();
    expect((await patient).body?.totalCount).toBe(1);
    expect(server.counts.auth).toBe(1);
    expect(server.counts.gatewayCalls).toBe(1);
  });
});

describe("checkToken", () => {
  it("fetches (or reuses) the shared token and says when it expires, without handing it out", async () => {
    let now = 1_000_000_000_000;
    const { server, auth, car } = await setup({ now: () => now }, { clock: () => now, tokenLifetimeSec: 3600 });
    const status = await auth.checkToken();
    expect(status).toEqual({ expiresAt: new Date(now + 3600_000) });
    expect(JSON.stringify(status)).not.toContain(server.issuedTokens[0]!);
    await car.listScriptTypes();
    expect(server.counts.auth).toBe(1);
  });

  it("reports bad credentials like a call would, and needs a composed pipeline", async () => {
    const { auth } = await setup({ credentials: { username: GOOD_USER, password: WRONG_PASSWORD } });
    expect(await failure(auth.checkToken())).toBeInstanceOf(AuthenticationError);
    const loose = createAuth({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, gatewayUrl: "https://gateway.example" });
    expect(await failure(loose.checkToken())).toMatchObject({ name: "ConfigurationError", message: expect.stringMatching(/composed/) });
  });
});

describe("OAuth client credentials", () => {
  it("gets the token from POST /auth/oauth with clientId / clientSecret headers, once for concurrent calls", async () => {
    const { server, car } = await setup({ credentials: { clientId: GOOD_CLIENT, clientSecret: GOOD_SECRET } });
    await Promise.all(Array.from({ length: 10 }, () => car.listScriptTypes()));
    expect(server.counts.oauth).toBe(1);
    expect(server.counts.auth).toBe(0);
    const call = server.seen.find((s) => s.path === "/auth/oauth")!;
    expect(call.oauthHeaders).toEqual([GOOD_CLIENT, GOOD_SECRET]);
    expect(call.body).toBe("");
    expect(server.seen.at(-1)!.authorization).toBe(`Bearer ${server.issuedTokens[0]}`);
  });

  it("refreshes and replays like the password flow", async () => {
    const { server, car } = await setup({ credentials: { clientId: GOOD_CLIENT, clientSecret: GOOD_SECRET } });
    await car.listScriptTypes();
    server.revokeTokens();
    await car.listScriptTypes();
    expect(server.counts.oauth).toBe(2);
  });

  it("a user-level client gets its token from POST /auth/oidc instead, with the same headers and refresh", async () => {
    const { server, car } = await setup({ credentials: { clientId: GOOD_CLIENT, clientSecret: GOOD_SECRET, clientLevel: "user" } });
    await Promise.all(Array.from({ length: 5 }, () => car.listScriptTypes()));
    expect(server.counts).toMatchObject({ oidc: 1, oauth: 0, auth: 0 });
    expect(server.seen.find((s) => s.path === "/auth/oidc")!.oauthHeaders).toEqual([GOOD_CLIENT, GOOD_SECRET]);
    server.revokeTokens();
    await car.listScriptTypes();
    expect(server.counts.oidc).toBe(2);
    const refused = await setup({ credentials: { clientId: GOOD_CLIENT, clientSecret: "not-the-secret", clientLevel: "user" } });
    const err = await failure(refused.car.listScriptTypes());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain("OAuth client credentials (user-level client) (POST /auth/oidc): HTTP 401");
  });

  it("refuses an unknown client level before anything is sent", () => {
    expect(() => toCredentials({ clientId: "c", clientSecret: "s", clientLevel: "team" as never })).toThrow(/"clientLevel" must be "subscription" \(token from \/auth\/oauth\) or "user" \(\/auth\/oidc\)/);
  });

  it("reports a refused client as AuthenticationError", async () => {
    const { car } = await setup({ credentials: { clientId: GOOD_CLIENT, clientSecret: "not-the-secret" } });
    const err = await failure(car.listScriptTypes());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, text: "invalid client" });
    expect((err as Error).message).toContain("OAuth client");
  });
});

describe("static token", () => {
  it("is sent as it is, never refreshed, and a 401 on it is final", async () => {
    const { server, car } = await setup({ credentials: { token: STATIC_TOKEN } });
    const err = await failure(car.listScriptTypes());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain("static token");
    expect(server.counts.auth + server.counts.oauth).toBe(0);
    expect(server.counts.gatewayCalls).toBe(1);
    expect(server.seen[0]!.authorization).toBe(`Bearer ${STATIC_TOKEN}`);
  });
});

describe("JwtSource", () => {
  it("gives the cached token, and fetches a new one after invalidate()", async () => {
    const { server } = await setup();
    const send: Handler = (request, ctx) => fetchTransport(request, ctx);
    const jwt = new JwtSource({ credentials: new PasswordCredentials(GOOD_USER, GOOD_PASSWORD), gatewayUrl: server.url, send });
    const first = await jwt.getToken();
    expect(await jwt.getToken()).toBe(first);
    jwt.invalidate("some.other.token");
    expect(await jwt.getToken()).toBe(first);
    jwt.invalidate(first);
    const second = await jwt.getToken();
    expect(second).not.toBe(first);
    jwt.invalidate();
    expect(await jwt.getToken()).not.toBe(second);
    expect(server.counts.auth).toBe(3);
    expect(jwt.fetches).toBe(3);
  });
});

/** Polls a condition the server updates; no timing is asserted. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 2));
}
