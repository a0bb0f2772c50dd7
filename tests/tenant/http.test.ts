/** How the tenant answers at the HTTP level: auth as Qualys (Basic or session, X-Requested-With), unknown paths, missing action. */
import { afterEach, describe, expect, it } from "vitest";
import { AuthenticationError } from "../../src/runtime/errors/authentication-error.js";
import { startTenant, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { HLD, raw } from "./raw.js";
import { clientOf } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 30, detectionsPerHost: 3, kbSize: 50, seed: 3 };

describe("auth", () => {
  it("refuses missing or wrong credentials with 401 + SIMPLE_RETURN 2000, before the limits count the call", async () => {
    tenant = await startTenant({ ...OPTIONS, username: "acme_ab1", password: "s3cret" });
    const none = await raw(tenant, HLD, "action=list", null);
    expect(none.status).toBe(400); // no X-Requested-With either
    const anonymous = await raw(tenant, HLD, "action=list", { Authorization: "" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toContain("<CODE>2000</CODE>");
    expect(anonymous.text).toContain("<TEXT>Bad Login/Password</TEXT>");
    const wrong = await raw(tenant, HLD, "action=list", { Authorization: `Basic ${Buffer.from("acme_ab1:nope").toString("base64")}` });
    expect(wrong.status).toBe(401);
    expect(tenant.stats.calls).toBe(0);
    expect(tenant.stats.rejected).toBe(3);
    expect((await raw(tenant, HLD, "action=list")).status).toBe(200);

    const bad = clientOf({ ...tenant, credentials: { username: "acme_ab1", password: "wrong" } });
    const { error } = await drain(bad.vm.listHostDetections({}));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String((error as Error).message)).not.toContain("wrong");
    await bad.close();
  });

  it("wants X-Requested-With on every call, as Qualys", async () => {
    tenant = await startTenant(OPTIONS);
    const answer = await raw(tenant, HLD, "action=list", { "X-Requested-With": "" });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("X-Requested-With");
  });

  it("serves a QualysSession login, calls with the cookie, and logout (the client's session mode)", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant, { vmAuth: "session" });
    const { got, error } = await drain(qualys.vm.listHostDetections({ truncation_limit: 0 }));
    expect(error).toBeUndefined();
    expect(got.length).toBeGreaterThan(20);
    await qualys.close(); // logs out
    const login = await fetch(`${tenant.url}/api/2.0/fo/session/`, {
      method: "POST",
      headers: { "X-Requested-With": "test", "Content-Type": "application/x-www-form-urlencoded" },
      body: "action=login&username=tenant&password=tenant-password",
    });
    expect(login.status).toBe(200);
    expect(await login.text()).toContain("<TEXT>Logged in</TEXT>");
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    expect((await raw(tenant, HLD, "action=list&truncation_limit=1", { Authorization: "", Cookie: cookie })).status).toBe(200);
  });
});

describe("routing", () => {
  it("answers unknown paths with 404 and a missing action with 1903, and serves the newer API versions", async () => {
    tenant = await startTenant(OPTIONS);
    expect((await raw(tenant, "/api/2.0/fo/scan/", "action=list")).status).toBe(404);
    const missing = await raw(tenant, HLD, "truncation_limit=1");
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("<CODE>1903</CODE>");
    expect((await raw(tenant, "/api/5.0/fo/asset/host/vm/detection/", "action=list&truncation_limit=1")).status).toBe(200);
    expect((await raw(tenant, "/api/3.0/fo/knowledge_base/vuln/", "action=list&ids=10000-10010")).status).toBe(200);
  });
});
