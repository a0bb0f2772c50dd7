import { describe, expect, it } from "vitest";
import { createAuth } from "../../../src/runtime/auth/index.js";
import { AuthenticationError } from "../../../src/runtime/errors/authentication-error.js";
import { ConfigurationError } from "../../../src/runtime/errors/configuration-error.js";
import { HttpError } from "../../../src/runtime/errors/http-error.js";
import { InvalidResponseError } from "../../../src/runtime/errors/invalid-response-error.js";
import { GOOD_CLIENT, GOOD_PASSWORD, GOOD_SECRET, GOOD_USER } from "../../servers/auth-server.js";
import { failure, setup, STATIC_TOKEN, WRONG_PASSWORD } from "./helpers.js";

const basicOf = (password: string) => `Basic ${Buffer.from(`${GOOD_USER}:${password}`).toString("base64")}`;

describe("VM API: Basic auth (the default for a username and password)", () => {
  it("sends Basic auth and X-Requested-With on every call", async () => {
    const { server, auth, vmCall } = await setup({ requestedWith: "acme-sync" });
    expect(auth.vmAuth).toBe("basic");
    expect((await vmCall()).status).toBe(200);
    expect(server.seen.at(-1)).toMatchObject({ requestedWith: "acme-sync", authorization: basicOf(GOOD_PASSWORD) });
    expect(server.counts.logins + server.counts.auth).toBe(0);
  });

  it("turns a 401 with CODE 2000 (the recorded Qualys answer) into AuthenticationError", async () => {
    const { vmCall } = await setup({ credentials: { username: GOOD_USER, password: WRONG_PASSWORD } });
    const err = await failure(vmCall());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "2000", text: "Bad Login/Password" });
    expect((err as Error).message).toBe("listScans got HTTP 401, code 2000 — Bad Login/Password");
  });

  it("turns an expired account's HTTP 200 with CODE 2001 into AuthenticationError", async () => {
    const { vmCall } = await setup({}, { accountExpired: true });
    const err = await failure(vmCall());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 200, code: "2001", text: "This account has expired." });
  });

  it("hands other answers on byte for byte, also when they arrive a few bytes at a time", async () => {
    const big = `<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE HOST_LIST_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/asset/host/host_list_output.dtd">\n<!-- a comment -->\n<HOST_LIST_OUTPUT><RESPONSE><HOST_LIST>${"<HOST><ID>1</ID></HOST>".repeat(400)}</HOST_LIST></RESPONSE></HOST_LIST_OUTPUT>\n`;
    const { vmCall } = await setup({}, { vmBody: big, vmBodyDribble: true });
    const answer = await vmCall();
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/xml/);
    expect(answer.url).toMatch(/\/api\/2\.0\/fo\/scan\/$/);
    expect(await answer.text()).toBe(big);
  });

  it("hands on a SIMPLE_RETURN whose code is not about the account", async () => {
    const body = `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><CODE>7001</CODE><TEXT>Report cannot be fetched.</TEXT></RESPONSE></SIMPLE_RETURN>`;
    const { vmCall } = await setup({}, { vmBody: body, vmBodyDribble: true });
    expect(await (await vmCall()).text()).toBe(body);
  });
});

describe("VM API: session auth", () => {
  it("logs in once for concurrent calls, with the documented form, and sends the cookie instead of Basic", async () => {
    const { server, vmCall } = await setup({ vmAuth: "session" });
    const answers = await Promise.all(Array.from({ length: 20 }, () => vmCall()));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(server.counts.logins).toBe(1);
    const login = server.seen.find((s) => s.path === "/api/2.0/fo/session/")!;
    expect(login.form).toEqual({ action: "login", username: GOOD_USER, password: GOOD_PASSWORD });
    expect(login.requestedWith).toBe("qualys-ts");
    const calls = server.seen.filter((s) => s.path === "/api/2.0/fo/scan/");
    expect(calls).toHaveLength(20);
    expect(calls.every((s) => s.cookie === `QualysSession=${server.sessionIds[0]}` && s.authorization === undefined)).toBe(true);
  });

  it("logs in again once when the session expired (401), and replays the call", async () => {
    const { server, vmCall } = await setup({ vmAuth: "session" });
    await vmCall();
    server.expireSessions();
    expect((await vmCall()).status).toBe(200);
    expect(server.counts.logins).toBe(2);
    expect(server.counts.vm401).toBe(1);
    expect(server.seen.at(-1)!.cookie).toBe(`QualysSession=${server.sessionIds[1]}`);
  });

  it("treats HTTP 200 with CODE 2000 on a session call as a stale session too", async () => {
    const { server, vmCall } = await setup({ vmAuth: "session" }, { staleSessionAs200: true });
    await vmCall();
    server.expireSessions();
    const answer = await vmCall();
    expect(await answer.text()).toContain("<TEXT>ok</TEXT>");
    expect(server.counts.logins).toBe(2);
  });

  it("gives up after one re-login when the fresh session is refused too", async () => {
    const { server, vmCall } = await setup({ vmAuth: "session" }, { sessionsNeverLast: true });
    const err = await failure(vmCall());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "2000" });
    expect(server.counts.logins).toBe(2);
    expect(server.counts.vmCalls).toBe(2);
  });

  it("logs out on close, once however often close is called", async () => {
    const { server, auth, vmCall } = await setup({ vmAuth: "session" });
    await vmCall();
    const first = auth.close();
    // A second close waits for the logout under way rather than returning early.
    await auth.close();
    expect(server.counts.logouts).toBe(1);
    await first;
    await auth.close();
    expect(server.counts.logouts).toBe(1);
    expect(server.openSessions()).toBe(0);
    const logout = server.seen.at(-1)!;
    expect(logout.form).toEqual({ action: "logout" });
    expect(logout.cookie).toBe(`QualysSession=${server.sessionIds[0]}`);
    expect(logout.requestedWith).toBe("qualys-ts");
  });

  it("logs out on close after a failed request too", async () => {
    const { server, auth, vmCall } = await setup({ vmAuth: "session" });
    expect((await vmCall("/api/2.0/fo/fail/")).status).toBe(500);
    await auth.close();
    expect(server.counts.logouts).toBe(1);
    expect(server.openSessions()).toBe(0);
  });

  it("does not log out when it never logged in", async () => {
    const { server, auth } = await setup({ vmAuth: "session" });
    await auth.close();
    expect(server.counts.logins + server.counts.logouts).toBe(0);
  });

  it("waits for a login under way, then logs it out, and never logs in again after close", async () => {
    let release!: () => void;
    const holdLogin = new Promise<void>((r) => (release = r));
    const { server, auth, vmCall } = await setup({ vmAuth: "session" }, { holdLogin });
    const call = vmCall();
    while (server.counts.logins === 0) await new Promise((r) => setTimeout(r, 2));
    const closing = auth.close();
    release();
    await closing;
    expect(server.counts.logouts).toBe(1);
    expect(server.openSessions()).toBe(0);
    // The call that was waiting for the login races the logout: it may get through or find the
    // session closed, but it must not log in again.
    const [outcome] = await Promise.allSettled([call]);
    if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(ConfigurationError);
    else expect(outcome.value.status).toBe(200);
    const late = await failure(vmCall());
    expect(late).toBeInstanceOf(ConfigurationError);
    expect((late as Error).message).toMatch(/closed/);
    expect(server.counts.logins).toBe(1);
  });

  it("does not log in again for a call that was under way when close() logged the session out", async () => {
    let release!: () => void;
    const holdVm = new Promise<void>((r) => (release = r));
    const { server, auth, vmCall } = await setup({ vmAuth: "session" }, { holdVm });
    const first = vmCall();
    while (server.counts.vmCalls === 0) await new Promise((r) => setTimeout(r, 2));
    await auth.close(); // Qualys forgets the session while the call waits on the server
    release();
    const err = await failure(first);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(/closed/);
    expect(server.counts.logins).toBe(1);
    expect(server.counts.logouts).toBe(1);
    expect(server.openSessions()).toBe(0);
  });

  it("reports a bad session login (CODE 2000, HTTP 401) as AuthenticationError", async () => {
    const { server, vmCall } = await setup({ vmAuth: "session", credentials: { username: GOOD_USER, password: WRONG_PASSWORD } });
    const err = await failure(vmCall());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "2000", text: "Bad Login/Password" });
    expect(server.counts.vmCalls).toBe(0);
  });

  it("reports an expired account at login (CODE 2001 under HTTP 200) as AuthenticationError", async () => {
    const { server, auth, vmCall } = await setup({ vmAuth: "session" }, { accountExpired: true });
    const err = await failure(vmCall());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 200, code: "2001", text: "This account has expired." });
    expect(server.counts.vmCalls).toBe(0);
    await auth.close();
    expect(server.counts.logouts).toBe(0);
  });

  it("reports a login answer without a QualysSession cookie as InvalidResponseError", async () => {
    const body = `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><TEXT>Logged in</TEXT></RESPONSE></SIMPLE_RETURN>`;
    const { vmCall } = await setup({ vmAuth: "session" }, { loginAnswer: { status: 200, body } });
    const err = await failure(vmCall());
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect((err as Error).message).toContain("QualysSession");
  });

  it("reports a login that failed for another reason (a 503 page) as HttpError", async () => {
    const { vmCall } = await setup({ vmAuth: "session" }, { loginAnswer: { status: 503, body: "Service Unavailable", headers: { "Content-Type": "text/plain" } } });
    const err = await failure(vmCall());
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 503, operationId: "sessionLogin" });
  });

  it("needs the apiUrl to log in to", () => {
    expect(() => createAuth({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, vmAuth: "session" })).toThrow(/apiUrl/);
  });
});

describe("VM API: OIDC bearer", () => {
  it("sends the gateway JWT with X-Requested-With, sharing the token with gateway calls", async () => {
    const { server, car, vmCall } = await setup({ vmAuth: "oidc" });
    await Promise.all([vmCall(), car.listScriptTypes(), vmCall()]);
    expect(server.counts.auth).toBe(1);
    const vm = server.seen.filter((s) => s.path === "/api/2.0/fo/scan/");
    expect(vm.every((s) => s.authorization === `Bearer ${server.issuedTokens[0]}` && s.requestedWith === "qualys-ts")).toBe(true);
  });

  it("vmAuth \"jwt\" is the same mode: a username and password get the /auth token on the VM API; Basic stays the default", async () => {
    const { server, auth, vmCall } = await setup({ vmAuth: "jwt" });
    expect(auth.vmAuth).toBe("oidc");
    expect((await vmCall()).status).toBe(200);
    expect(server.counts.auth).toBe(1);
    expect(server.seen.at(-1)!.authorization).toBe(`Bearer ${server.issuedTokens[0]}`);
    const plain = await setup();
    expect(plain.auth.vmAuth).toBe("basic");
    await plain.vmCall();
    expect(plain.server.seen.at(-1)!.authorization).toMatch(/^Basic /);
    expect(plain.server.counts.auth).toBe(0);
  });

  it("re-authenticates once after a 401 on a VM call", async () => {
    const { server, vmCall } = await setup({ vmAuth: "oidc" });
    await vmCall();
    server.revokeTokens();
    expect((await vmCall()).status).toBe(200);
    expect(server.counts.auth).toBe(2);
  });

  it("is the default for OAuth clients and static tokens; Basic or session with them is a ConfigurationError", async () => {
    const { server, auth, vmCall } = await setup({ credentials: { clientId: GOOD_CLIENT, clientSecret: GOOD_SECRET } });
    expect(auth.vmAuth).toBe("oidc");
    expect((await vmCall()).status).toBe(200);
    expect(server.counts.oauth).toBe(1);
    const url = server.url;
    expect(createAuth({ credentials: { token: STATIC_TOKEN }, gatewayUrl: url }).vmAuth).toBe("oidc");
    expect(() => createAuth({ credentials: { token: STATIC_TOKEN }, vmAuth: "basic" })).toThrow(ConfigurationError);
    expect(() => createAuth({ credentials: { clientId: "c", clientSecret: "s" }, apiUrl: url, vmAuth: "session" })).toThrow(/vmAuth "oidc"/);
    expect(() => createAuth({ credentials: { token: STATIC_TOKEN }, vmAuth: "kerberos" as never })).toThrow(/"basic", "session" or "jwt" \(also "oidc"\)/);
  });
});

describe("calls that skip auth", () => {
  it("get X-Requested-With on the VM API but no credentials", async () => {
    const { server, handler, url } = await setup();
    await handler(new Request(`${url}/api/2.0/fo/scan/`, { method: "POST" }), { module: "vm", family: "vm", idempotent: false, skipAuth: true });
    await handler(new Request(`${url}/sm/v1/script-types`), { module: "car", family: "gateway", idempotent: true, skipAuth: true });
    expect(server.seen.map((s) => [s.requestedWith, s.authorization, s.cookie])).toEqual([
      ["qualys-ts", undefined, undefined],
      [undefined, undefined, undefined],
    ]);
    expect(server.counts.auth).toBe(0);
  });
});
