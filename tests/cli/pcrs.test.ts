/**
 * `qualys pcrs policies|posture`: against the Prism mock (`--mock`) and against the synthetic
 * tenant (the whole sequence, decoded from gzip, equal to the tenant's posture), usage errors as
 * exit code 2, a subscription without PC as one clear line and exit code 1.
 */
import { describe, expect, inject, it } from "vitest";
import { expectedHostIds, expectedPolicyList, expectedPosture, startTenant, TenantModel } from "../../src/tenant.js";
import { cli, withEnv } from "./support.js";

const urls = inject("prismUrls");
const OPTIONS = { hosts: 60, detectionsPerHost: 1, kbSize: 50, seed: 9, controlsPerPolicy: 3 };

async function onTenant(options: Parameters<typeof startTenant>[0], body: () => Promise<void>): Promise<void> {
  const tenant = await startTenant(options);
  try {
    await withEnv({ QUALYS_USERNAME: tenant.credentials.username, QUALYS_PASSWORD: tenant.credentials.password, QUALYS_API_URL: tenant.url, QUALYS_GATEWAY_URL: tenant.gatewayUrl }, body);
  } finally {
    await tenant.close();
  }
}

describe.skipIf(Object.keys(urls).length === 0)("qualys --mock pcrs (Prism)", () => {
  it("posture walks the mock's policy list, host ids and posture example", () =>
    withEnv({ QUALYS_MOCK_URLS: JSON.stringify(urls) }, async () => {
      const r = await cli(["--mock", "-f", "csv", "--columns", "id,policyId,hostId,status", "pcrs", "posture"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("id,policyId,hostId,status\n23006235045,4677689,1000001,Failed\n");
    }));
});

describe("qualys pcrs against the synthetic tenant", () => {
  it("policies lists them (with tags); posture streams every record of the chosen policy, in slices", () =>
    onTenant(OPTIONS, async () => {
      const model = new TenantModel(OPTIONS);
      const policies = await cli(["pcrs", "policies", "--tags"]);
      expect(policies.code).toBe(0);
      expect(JSON.parse(policies.stdout)).toEqual(expectedPolicyList(model, { requireTagInfo: 1 }).policyList);
      const id = String(model.pc.policyDefs()[1]!.id);
      const posture = await cli(["-f", "ndjson", "pcrs", "posture", "--policy", id, "--batch-size", "4", "--evidence"]);
      expect(posture.stderr).toBe("");
      expect(posture.code).toBe(0);
      const records = posture.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);
      expect(records).toEqual(expectedPosture(model, expectedHostIds(model, { policyId: id }), { evidenceRequired: 1 }));
    }));

  it("a subscription without PC: one line naming the refusal, exit code 1", () =>
    onTenant({ ...OPTIONS, modules: { pc: false } }, async () => {
      const r = await cli(["pcrs", "posture"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("Policy Compliance is not enabled");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }));

  it("refuses bad policy ids and batch sizes before any call (exit code 2)", async () => {
    const ids = await cli(["pcrs", "posture", "--policy", "12,abc"]);
    expect(ids.code).toBe(2);
    expect(ids.stderr).toContain("expected policy ids");
    const batch = await cli(["pcrs", "posture", "--batch-size", "0"]);
    expect(batch.code).toBe(2);
  });
});
