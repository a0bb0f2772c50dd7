/** The gateway's JWTs and the modules a subscription may lack, as the SDK client meets them. */
import { afterEach, describe, expect, it } from "vitest";
import { AuthenticationError } from "../../src/runtime/errors/authentication-error.js";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { QualysApiError } from "../../src/runtime/errors/qualys-api-error.js";
import { startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { clientOf } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 50, detectionsPerHost: 2, kbSize: 100, seed: 41, webApps: 3 };
const SEARCH = "/rest/2.0/search/am/asset";

describe("gateway JWTs", () => {
  it("/auth answers 201 with a JWT as text for the right form, 401 otherwise; CSAM and PCRS want it as Bearer", async () => {
    tenant = await startTenant(OPTIONS);
    const auth = (form: Record<string, string>) => fetch(`${tenant!.gatewayUrl}/auth`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
    const good = await auth({ ...tenant.credentials, token: "true" });
    expect(good.status).toBe(201);
    expect(good.headers.get("content-type")).toMatch(/^text\/plain/);
    const jwt = await good.text();
    const claims = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { exp: number; iat: number; modulesAllowed: string[] };
    expect(claims.exp - claims.iat).toBe(4 * 3600);
    expect(claims.modulesAllowed).toEqual(["VM", "CSAM", "PC", "WAS"]);
    expect((await auth({ username: tenant.credentials.username, password: "wrong" })).status).toBe(401);

    const call = (headers: Record<string, string>) => fetch(`${tenant!.gatewayUrl}${SEARCH}`, { method: "POST", headers });
    const none = await call({});
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ status: 401, error: "Unauthorized", message: "Not authenticated" });
    const forged = await call({ Authorization: `Bearer ${jwt.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    expect((await call({ Authorization: `Bearer ${jwt}` })).status).toBe(200);
    // Refused calls never reach the limits.
    expect(tenant.stats.byPath[SEARCH]!.calls).toBe(1);
  });

  it("an expired JWT gets 401 JWT expired; the client fetches a new one once and replays", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    expect((await qualys.csam.countAssets({})).count).toBe(new TenantModel(OPTIONS).csam.assets().length);
    expect(tenant.tokensIssued).toBe(1);
    tenant.expireTokens();
    const { got, error } = await drain(qualys.pcrs.postureRecords({ batchSize: 100 }));
    expect(error).toBeUndefined();
    expect(got.length).toBeGreaterThan(0);
    expect(tenant.tokensIssued).toBe(2);
    expect(tenant.stats.rejected).toBe(1); // the one call with the expired token
    await qualys.close();
  });

  it("wrong credentials: the client's AuthenticationError, without the password", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant, { credentials: { username: tenant.credentials.username, password: "not-the-Password-42" } });
    const err = await qualys.pcrs.getPolicyList({ params: { query: {} } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).not.toContain("not-the-Password-42");
    await qualys.close();
  });
});

describe("modules the subscription lacks", () => {
  it("refuse their first call as Qualys would: CSAM 403, PCRS 401 (twice, then AuthenticationError), WAS UNAUTHORIZED; VM still answers", async () => {
    tenant = await startTenant({ ...OPTIONS, modules: { csam: false, pc: false, was: false } });
    const qualys = clientOf(tenant);
    const csam = await qualys.csam.searchAssets({}).catch((e: unknown) => e);
    expect(csam).toBeInstanceOf(HttpError);
    expect(csam).toMatchObject({ status: 403, body: { responseCode: "FAILED" } });
    const pc = await drain(qualys.pcrs.postureRecords());
    expect(pc.error).toBeInstanceOf(AuthenticationError);
    expect((pc.error as Error).message).toContain("Policy Compliance is not enabled");
    const was = await qualys.was.searchWebApps({}).catch((e: unknown) => e);
    expect(was).toBeInstanceOf(QualysApiError);
    expect(was).toMatchObject({ code: "UNAUTHORIZED" });
    expect((await drain(qualys.vm.listHosts({ truncation_limit: 0 }))).got).toHaveLength(50);
    // The token says what the subscription has.
    const jwt = await (await fetch(`${tenant.gatewayUrl}/auth`, { method: "POST", body: new URLSearchParams({ ...tenant.credentials }) })).text();
    expect((JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { modulesAllowed: string[] }).modulesAllowed).toEqual(["VM"]);
    expect(Object.keys(tenant.stats.byPath).filter((p) => !p.startsWith("/api/"))).toEqual([]);
    await qualys.close();
  });
});
