/**
 * The posture kind at the edges: a subscription without PC (the gateway's 401 with a valid token)
 * or a client without a gateway is skipped with one line by a default run and fails a run that
 * names posture; and on a gateway answering byte by byte (raw socket, gzip without
 * Content-Encoding) posture ids past 2^53 land exact, ids sent as strings or numbers alike, and
 * every field that does not fit its column — or has none — is kept in `extra`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createQualysClient } from "../../src/client.js";
import { ModuleUnavailableError } from "../../src/errors.js";
import { exportSubscription } from "../../src/export.js";
import { expectTablesEqual, POSTURE_PATH, rawPcrs, RAW_EXPECTED, tenantWithGateway } from "./posture-support.js";
import { query, tempDb } from "./support.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const fast = { backoffMs: () => 5, decodeThreads: 0, batchSize: 100 } as const;

describe("a subscription without PC posture", () => {
  it("a default run skips posture with one line and exports the rest; naming posture fails with ModuleUnavailableError", async () => {
    const t = await tenantWithGateway({ hosts: 60, detectionsPerHost: 2, kbSize: 10, seed: 71, modules: { pc: false } });
    cleanup = t.close;
    const path = tempDb();
    const summary = await exportSubscription(t.client, { db: path, ...fast });
    expect(summary.status).toBe("succeeded");
    expect(summary.skipped).toEqual(["posture: the subscription has no PCRS access (HTTP 401 with a valid token: Policy Compliance is not enabled for this subscription)"]);
    expect(summary.hosts).toBe(60);
    expect(query(path, "SELECT COUNT(*) AS n FROM pc_policies")).toEqual([{ n: 0 }]);
    expect(query(path, "SELECT COUNT(*) AS n FROM export_batches WHERE kind = 'posture'")).toEqual([{ n: 0 }]);

    const named = await exportSubscription(t.client, { db: tempDb(), what: ["posture"], ...fast }).catch((e: unknown) => e);
    expect(named).toBeInstanceOf(ModuleUnavailableError);
    expect((named as ModuleUnavailableError).module).toBe("pcrs");
  }, 120_000);

  it("a client with no gateway URL: skipped with one line saying so, before any call", async () => {
    const t = await tenantWithGateway({ hosts: 30, detectionsPerHost: 1, kbSize: 5, seed: 72 });
    const vmOnly = createQualysClient({ credentials: t.tenant.credentials, baseUrls: { vm: t.tenant.url } });
    cleanup = async () => {
      await vmOnly.close();
      await t.close();
    };
    const summary = await exportSubscription(vmOnly, { db: tempDb(), ...fast });
    expect(summary.skipped).toEqual([
      "posture: PCRS cannot be reached (no gateway URL: give a platform or baseUrls.gateway)",
      "assets: CSAM cannot be reached (no gateway URL: give a platform or baseUrls.gateway)",
    ]);
    // Nothing asked of the gateway: only the VM API and WAS (which lives on the VM API's host).
    expect(Object.keys(t.tenant.stats.byPath).filter((p) => !p.startsWith("/api/") && !p.startsWith("/qps/"))).toEqual([]);
  }, 60_000);
});

describe("posture from a gateway on a raw socket", () => {
  it("ids past 2^53 exact, string and number ids alike, every misfit and unknown field kept in extra", async () => {
    const gateway = await rawPcrs();
    const client = createQualysClient({ credentials: { username: "acme_ab12", password: "pa55-Word!" }, baseUrls: { gateway: gateway.url } });
    cleanup = async () => {
      await client.close();
      await gateway.close();
    };
    const path = tempDb();
    const summary = await exportSubscription(client, { db: path, what: ["posture"], ...fast });
    expect(summary.totals.posture).toBe(3);
    // Host ids of the active policy only, then one posture call with them.
    const asked = gateway.requests.filter((r) => r.path.startsWith("/pcrs/"));
    expect(asked.map((r) => r.path.split("?")[0])).toEqual(["/pcrs/2.0/posture/policy/list", "/pcrs/5.0/posture/hostids", POSTURE_PATH]);
    expect(asked[0]!.path).toContain("requireTagInfo=1");
    expect(asked[1]!.path).toContain("policyId=4677689");
    expect(asked[1]!.path).not.toContain("4677690");
    expect(JSON.parse(asked[2]!.body.toString())).toEqual([{ policyId: "4677689", subscriptionId: "71412", hostIds: ["1000001", "1000002", "1000003"] }]);
    expect(asked[2]!.path).not.toContain("evidenceRequired");

    await expectTablesEqual(`sqlite:${path}`, RAW_EXPECTED, expect);
    // The text column is exact whatever a driver would make of an integer.
    expect(query(path, "SELECT typeof(posture_id) AS t FROM pc_posture").map((r) => r.t)).toEqual(["text", "text", "text"]);
  }, 60_000);
});
