/**
 * Passwords, client secrets, tokens and session ids never reach an error or a printout. The
 * server runs with `echoSecrets`, so every failure body repeats what the client sent (as a
 * careless proxy might): each error path must still come out clean.
 */
import { describe, expect, it } from "vitest";
import { createAuth, credentialsFromEnv, OAuthCredentials, PasswordCredentials, TokenCredentials, toCredentials } from "../../../src/runtime/auth/index.js";
import { QualysError } from "../../../src/runtime/errors/qualys-error.js";
import { resolvePlatform } from "../../../src/runtime/platforms.js";
import { GOOD_CLIENT, GOOD_PASSWORD, GOOD_SECRET, GOOD_USER, type AuthServerOptions } from "../../servers/auth-server.js";
import { expectNoSecret, failure, printouts, serverSecrets, setup, STATIC_TOKEN, WRONG_PASSWORD } from "./helpers.js";
import type { AuthOptions } from "../../../src/runtime/auth/index.js";

type Path = {
  readonly name: string;
  readonly auth?: Partial<AuthOptions>;
  readonly server?: AuthServerOptions;
  readonly act: (s: Awaited<ReturnType<typeof setup>>) => Promise<unknown>;
};

const bad = { username: GOOD_USER, password: WRONG_PASSWORD };
const gateway = (s: Awaited<ReturnType<typeof setup>>) => s.car.listScriptTypes();
const vm = (s: Awaited<ReturnType<typeof setup>>) => s.vmCall();

const PATHS: Path[] = [
  { name: "gateway: bad username/password at /auth", auth: { credentials: bad }, act: gateway },
  { name: "gateway: bad OAuth client secret", auth: { credentials: { clientId: GOOD_CLIENT, clientSecret: "wrong-client-secret" } }, act: gateway },
  { name: "gateway: /auth outage (503)", server: { authAnswer: { status: 503, body: "down" } }, act: gateway },
  { name: "gateway: /auth success that is not a JWT", server: { authAnswer: { status: 200, body: GOOD_PASSWORD } }, act: gateway },
  { name: "gateway: fresh token refused too", server: { refuseTokens: true }, act: gateway },
  { name: "gateway: static token refused", auth: { credentials: { token: STATIC_TOKEN } }, act: gateway },
  { name: "vm basic: 401 CODE 2000", auth: { credentials: bad }, act: vm },
  { name: "vm basic: 200 CODE 2001", server: { accountExpired: true }, act: vm },
  { name: "vm oidc: fresh token refused too", auth: { vmAuth: "oidc" }, server: { refuseTokens: true }, act: vm },
  { name: "vm oidc: static token refused", auth: { credentials: { token: STATIC_TOKEN } }, act: vm },
  { name: "vm session: bad login", auth: { vmAuth: "session", credentials: bad }, act: vm },
  { name: "vm session: expired account at login", auth: { vmAuth: "session" }, server: { accountExpired: true }, act: vm },
  { name: "vm session: fresh session refused too", auth: { vmAuth: "session" }, server: { sessionsNeverLast: true }, act: vm },
  { name: "vm session: login without a cookie", auth: { vmAuth: "session" }, server: { loginAnswer: { status: 200, body: "<SIMPLE_RETURN><RESPONSE><TEXT>Logged in</TEXT></RESPONSE></SIMPLE_RETURN>" } }, act: vm },
  { name: "vm session: login outage", auth: { vmAuth: "session" }, server: { loginAnswer: { status: 500, body: "oops", headers: { "Content-Type": "text/plain" } } }, act: vm },
  { name: "vm session: call after close", auth: { vmAuth: "session" }, act: async (s) => {
    await s.vmCall();
    await s.auth.close();
    return s.vmCall();
  } },
  { name: "vm session: logout cannot reach the server", auth: { vmAuth: "session" }, act: async (s) => {
    await s.vmCall();
    await s.server.close();
    return s.auth.close();
  } },
];

describe("no secret in any error", () => {
  it.each(PATHS)("$name", async (path) => {
    const s = await setup(path.auth ?? {}, { echoSecrets: true, ...path.server });
    const err = await failure(path.act(s));
    expect(err).toBeInstanceOf(Error);
    expectNoSecret(err, serverSecrets(s.server));
    // The printouts really were of the error, not of nothing.
    expect(printouts(err).join("\n")).toContain((err as Error).name);
  });

  it("covers the secrets it claims to: the server did see them", async () => {
    const s = await setup({ vmAuth: "session" }, { echoSecrets: true, sessionsNeverLast: true });
    const err = await failure(s.vmCall());
    expect(s.server.sessionIds).toHaveLength(2);
    // The server echoed the session ids in its 401 body; the error must have dropped them.
    expect(s.server.seen.filter((r) => r.cookie?.includes(s.server.sessionIds[1]!))).toHaveLength(1);
    expectNoSecret(err, s.server.sessionIds);
    expect(err).toBeInstanceOf(QualysError);
  });

  it("set-up mistakes name the field, never the value", () => {
    const errors = [
      () => toCredentials({ username: "", password: GOOD_PASSWORD }),
      () => toCredentials({ username: GOOD_USER, password: 12345 as never }),
      () => toCredentials({ clientId: GOOD_CLIENT } as never),
      () => toCredentials(null as never),
      () => createAuth({ credentials: { token: STATIC_TOKEN }, gatewayUrl: `https://u:${GOOD_PASSWORD}@gateway.example` }),
      () => resolvePlatform({ apiUrl: `http://u:${GOOD_PASSWORD}@qualysapi.example` }),
      () => resolvePlatform({ apiUrl: `not a url u:${GOOD_PASSWORD}@x` }),
      () => credentialsFromEnv({ QUALYS_PASSWORD: GOOD_PASSWORD }),
      () => credentialsFromEnv({ QUALYS_CLIENT_SECRET: GOOD_SECRET }),
      () => credentialsFromEnv({ QUALYS_USERNAME: "nochar", QUALYS_PASSWORD: GOOD_PASSWORD }),
    ].map((make) => {
      try {
        make();
      } catch (err) {
        return err;
      }
      return expect.fail(`no error from ${make}`);
    });
    for (const err of errors) {
      expect(err).toBeInstanceOf(QualysError);
      expectNoSecret(err, []);
    }
    expect((errors[0] as Error).message).toContain('"username" is empty');
    expect((errors[1] as Error).message).toContain('"password" is a number');
    expect((errors[2] as Error).message).toContain('"clientSecret" is missing');
    expect((errors[7] as Error).message).toContain("QUALYS_USERNAME is not set");
  });
});

describe("no secret in any printout of credentials or auth", () => {
  it("redacts every credential kind in JSON, util.inspect and String()", () => {
    const all = [
      new PasswordCredentials(GOOD_USER, GOOD_PASSWORD),
      new OAuthCredentials(GOOD_CLIENT, GOOD_SECRET),
      new TokenCredentials(STATIC_TOKEN),
      credentialsFromEnv({ QUALYS_USERNAME: GOOD_USER, QUALYS_PASSWORD: GOOD_PASSWORD }),
      { nested: { deeper: [toCredentials({ token: STATIC_TOKEN })] } },
    ];
    for (const value of all) expectNoSecret(value, []);
    const creds = all[0] as PasswordCredentials;
    expect(JSON.parse(JSON.stringify(creds))).toEqual({ kind: "password", username: GOOD_USER, password: "[redacted]" });
    expect(String(creds)).toContain(GOOD_USER);
    // The auth layers can still read the secret.
    expect(creds.revealPassword()).toBe(GOOD_PASSWORD);
  });

  it.each(["basic", "session", "oidc"] as const)("keeps the auth object, its layer and the pipeline clean after use (%s)", async (vmAuth) => {
    const s = await setup({ vmAuth });
    await s.vmCall();
    await s.car.listScriptTypes();
    for (const value of [s.auth, s.auth.layer, s.handler, s.car, { options: { credentials: s.auth } }]) expectNoSecret(value, serverSecrets(s.server));
    expect(JSON.parse(JSON.stringify(s.auth))).toEqual({ vmAuth, credentials: { kind: "password", username: GOOD_USER, password: "[redacted]" } });
    await s.auth.close();
  });
});
