import { afterEach, describe, expect, it } from "vitest";
import { expectedHostDetections, startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { clientOf, decodedDetectionHost } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 120, detectionsPerHost: 6, kbSize: 300, seed: 11 };

describe("host detections through the project's client", () => {
  it("walks every truncation page and decodes exactly the model's hosts and detections", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const pages: number[] = [];
    const stream = qualys.vm.listHostDetections({ truncation_limit: 25, show_qds: 1, show_asset_id: 1 }, { onPage: (p) => pages.push(p.number) });
    const { got, error } = await drain(stream);
    expect(error).toBeUndefined();
    // Built separately from the same options: the data is a pure function of them.
    const expected = expectedHostDetections(new TenantModel(OPTIONS), { show_qds: 1 });
    expect(got).toEqual(expected.map((r) => decodedDetectionHost(r, { showQds: true, showAssetId: true })));
    expect(pages.length).toBe(Math.ceil(expected.length / 25));
    // Hosts without open detections are skipped, as Qualys does.
    expect(expected.length).toBeLessThan(new TenantModel(OPTIONS).hostIds().length);
    await qualys.close();
  });
});
