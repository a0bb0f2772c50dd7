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
    const stream = qualys.vm.listHostDetections({ truncation_limit: 25, show_qds: 1, show_asset_id: 1, host_metadata: "all" }, { onPage: (p) => pages.push(p.number) });
    const { got, error } = await drain(stream);
    expect(error).toBeUndefined();
    // Built separately from the same options: the data is a pure function of them.
    const expected = expectedHostDetections(new TenantModel(OPTIONS), { show_qds: 1 });
    expect(got).toEqual(expected.map((r) => decodedDetectionHost(r, { showQds: true, showAssetId: true, hostMetadata: true })));
    // HLD 5.0's additions arrive typed: lists where they may repeat, ALICLOUD under METADATA, nothing left in extra.
    const detections = got.flatMap((h) => h.detectionList ?? []);
    expect(detections.some((d) => (d.cve?.length ?? 0) > 1 && (d.mitreTacticId?.length ?? 0) > 0)).toBe(true);
    expect(new Set(detections.map((d) => d.latestVulnerabilityDetectionSource))).toEqual(new Set(["Scanner", "Cloud Agent"]));
    expect(got.some((h) => h.metadata?.alicloud?.length === 3)).toBe(true);
    expect(got.every((h) => h.extra === undefined && (h.detectionList ?? []).every((d) => d.extra === undefined))).toBe(true);
    expect(pages.length).toBe(Math.ceil(expected.length / 25));
    // Hosts without open detections are skipped, as Qualys does.
    expect(expected.length).toBeLessThan(new TenantModel(OPTIONS).hostIds().length);
    await qualys.close();
  });
});

describe("incremental exports after advance()", () => {
  it("vm_processed_after and detection_updated_since bring back exactly what changed", async () => {
    tenant = await startTenant(OPTIONS);
    const qualys = clientOf(tenant);
    const first = await drain(qualys.vm.listHostDetections({ truncation_limit: 0 }));
    const cursor = first.got.length ? tenant.model.now() : 0;
    tenant.advance({ days: 1, changeFraction: 0.25 });
    const since = new Date(cursor).toISOString().replace(".000Z", "Z");
    const everything = "New,Active,Fixed,Re-Opened";
    const { got, error } = await drain(qualys.vm.listHostDetections({ vm_processed_after: since, status: everything, truncation_limit: 10 }));
    expect(error).toBeUndefined();
    const replay = new TenantModel(OPTIONS);
    replay.advance({ days: 1, changeFraction: 0.25 });
    const expected = expectedHostDetections(replay, { vm_processed_after: since, status: everything });
    expect(got).toEqual(expected.map((r) => decodedDetectionHost(r)));
    expect(got.length).toBeGreaterThan(10);
    expect(got.length).toBeLessThan(replay.hostIds().length / 2);
    expect(got.every((h) => h.lastScanDatetime!.getTime() >= cursor)).toBe(true);
    // Some detections were fixed since: an incremental run sees them as Fixed.
    expect(got.flatMap((h) => h.detectionList!).some((d) => d.status === "Fixed" && d.lastFixedDatetime!.getTime() >= cursor)).toBe(true);

    const updated = await drain(qualys.vm.listHostDetections({ detection_updated_since: since, status: everything, truncation_limit: 0 }));
    expect(updated.got).toEqual(expectedHostDetections(replay, { detection_updated_since: since, status: everything }).map((r) => decodedDetectionHost(r)));
    expect(updated.got.flatMap((h) => h.detectionList!).every((d) => d.lastUpdateDatetime!.getTime() >= cursor)).toBe(true);
    await qualys.close();
  });
});
