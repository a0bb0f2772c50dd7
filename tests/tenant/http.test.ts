/** How the tenant answers at the HTTP level: auth as Qualys (Basic or session, X-Requested-With), unknown paths, missing action, API versions. */
import { afterEach, describe, expect, it } from "vitest";
import { ApiVersionError } from "../../src/runtime/errors/api-version-error.js";
import { AuthenticationError } from "../../src/runtime/errors/authentication-error.js";
import { startTenant, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { HLD, HOSTS, KB, raw } from "./raw.js";
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
  it("answers unknown paths with 404 and a missing action with 1903", async () => {
    tenant = await startTenant(OPTIONS);
    expect((await raw(tenant, "/api/2.0/fo/scan/", "action=list")).status).toBe(404);
    expect((await raw(tenant, "/api/9.0/fo/asset/host/vm/detection/", "action=list")).status).toBe(404);
    const missing = await raw(tenant, HLD, "truncation_limit=1");
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("<CODE>1903</CODE>");
  });
});

/** A cheap list call of the path's endpoint (the KB has no truncation_limit). */
const LIST = (path: string) => (path.includes("knowledge_base") ? "action=list&details=None" : "action=list&truncation_limit=1");
const RETIRED = ["/api/2.0/fo/asset/host/vm/detection/", "/api/3.0/fo/asset/host/vm/detection/", "/api/4.0/fo/asset/host/vm/detection/", "/api/2.0/fo/knowledge_base/vuln/", "/api/3.0/fo/knowledge_base/vuln/"];

describe("API versions", () => {
  it("serves the current versions, and refuses the ones past their end of life with 404 and an HTML page, as a retired route would", async () => {
    tenant = await startTenant(OPTIONS); // the tenant's clock: 2026-11-30, after the June 2026 end of life
    for (const path of [HLD, HOSTS, KB]) expect((await raw(tenant, path, LIST(path))).status, path).toBe(200);
    for (const path of RETIRED) {
      const answer = await raw(tenant, path, LIST(path));
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get("content-type")).toBe("text/html");
      expect(answer.text).toContain("<title>404 Not Found</title>");
    }
    expect(tenant.stats.retiredVersionCalls).toEqual(Object.fromEntries(RETIRED.map((p) => [p, 1])));
    // Host list 2.0 and 3.0 have no known end of life: still served.
    for (const path of ["/api/2.0/fo/asset/host/", "/api/3.0/fo/asset/host/"]) expect((await raw(tenant, path, "action=list&details=None")).status, path).toBe(200);
  });

  it("serves a version until its end of life: on a clock in May 2026, HLD 2.0 still answers", async () => {
    tenant = await startTenant({ ...OPTIONS, now: "2026-05-31T23:00:00Z" });
    expect((await raw(tenant, "/api/2.0/fo/asset/host/vm/detection/", "action=list&truncation_limit=1")).status).toBe(200);
    expect(tenant.stats.retiredVersionCalls).toEqual({});
  });

  it("serves the retired versions in their old shape with retiredVersions: \"serve\"", async () => {
    tenant = await startTenant({ ...OPTIONS, retiredVersions: "serve" });
    for (const path of RETIRED) expect((await raw(tenant, path, LIST(path))).status, path).toBe(200);
    expect((await raw(tenant, "/api/2.0/fo/asset/host/vm/detection/", "action=list&truncation_limit=0")).text).not.toContain("<CVE>");
    expect((await raw(tenant, HLD, "action=list&truncation_limit=0")).text).toContain("<CVE>");
    await expect(startTenant({ ...OPTIONS, retiredVersions: "maybe" as never })).rejects.toThrow(/retiredVersions must be "refuse" or "serve"/);
  });

  it("the SDK's client, asked for a retired version, gets an ApiVersionError naming the current one; with no version it never calls a retired one", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant, { onDeprecated: () => {} } as never);
    const old = await drain(qualys.vm.listHostDetections({ truncation_limit: 5 }, { apiVersion: "3.0" }));
    expect(old.error).toBeInstanceOf(ApiVersionError);
    expect(old.error).toMatchObject({ version: "3.0", use: "API 5.0", httpStatus: 404, endOfLife: "2026-06" });
    expect((old.error as Error).message).toContain('HTTP 404, an HTML page ("404 Not Found")');
    const kb = await drain(qualys.vm.listVulns({ details: "Basic" }, { apiVersion: "2.0" }));
    expect(kb.error).toMatchObject({ name: "ApiVersionError", version: "2.0", use: "API 4.0" });
    const before = { ...tenant.stats.retiredVersionCalls };
    const hosts = await drain(qualys.vm.listHosts({ details: "Basic", truncation_limit: 10 }));
    const detections = await drain(qualys.vm.listHostDetections({ truncation_limit: 10 }));
    const vulns = await drain(qualys.vm.listVulns({ details: "Basic" }));
    expect([hosts.error, detections.error, vulns.error]).toEqual([undefined, undefined, undefined]);
    expect(hosts.got.length + detections.got.length + vulns.got.length).toBeGreaterThan(30);
    expect(tenant.stats.retiredVersionCalls).toEqual(before);
    expect(Object.keys(tenant.stats.byPath).sort()).toEqual([HOSTS, HLD, KB].sort());
    await qualys.close();
  });
});
