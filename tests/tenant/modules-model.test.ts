/** The CSAM, WAS and PC data as pure functions of the options and steps, over the same hosts and KB. */
import { describe, expect, it } from "vitest";
import { TenantModel } from "../../src/tenant.js";

const OPTIONS = { hosts: 150, detectionsPerHost: 3, kbSize: 200, seed: 11 };
const STEP = { days: 1, changeFraction: 0.3, hostChurn: 0.1 };

function advanced(steps: number, options: object = OPTIONS) {
  const model = new TenantModel(options);
  for (let i = 0; i < steps; i++) model.advance(STEP);
  return model;
}

describe("CSAM assets", () => {
  it("are every VM host (same hostId, same assetId as show_asset_id) plus assets without a host", () => {
    const model = new TenantModel(OPTIONS);
    const assets = model.csam.assets();
    const hosts = assets.filter((a) => a.hostId !== null);
    expect(hosts.map((a) => a.hostId)).toEqual([...model.hostIds()]);
    for (const a of hosts) expect(a.assetId).toBe(model.record(a.hostId!)!.host.assetId);
    expect(assets.filter((a) => a.hostId === null)).toHaveLength(15); // hosts / 10
    expect(assets.map((a) => a.assetId)).toEqual([...assets.map((a) => a.assetId)].sort((x, y) => x - y));
    expect(new Set(assets.map((a) => a.assetId)).size).toBe(assets.length);
    const first = hosts[0]!;
    expect(first).toMatchObject({ address: model.record(first.hostId!)!.host.ip, dnsName: model.record(first.hostId!)!.host.dns });
    for (const a of assets) {
      expect((a.softwareListData as { software: unknown[] }).software.length).toBeGreaterThan(0);
      expect((a.tagList as { tag: unknown[] }).tag.length).toBeGreaterThan(0);
      expect(Date.parse(a.lastModifiedDate)).toBeGreaterThanOrEqual(Date.parse(a.sensorLastUpdatedDate));
    }
  });

  it("take their sensor date from the host's last VM scan, through steps", () => {
    const model = advanced(4);
    for (const a of model.csam.assets()) {
      if (a.hostId !== null) expect(Date.parse(a.sensorLastUpdatedDate)).toBe(model.record(a.hostId)!.host.lastVmScanned);
    }
  });

  it("change with steps: some modified (tags alone or sensor), some removed with their host, some added", () => {
    const before = new TenantModel(OPTIONS);
    const after = advanced(1);
    const old = new Map(before.csam.assets().map((a) => [a.assetId, a]));
    const now = new Map(after.csam.assets().map((a) => [a.assetId, a]));
    const removed = [...old.keys()].filter((id) => !now.has(id));
    const added = [...now.keys()].filter((id) => !old.has(id));
    expect(removed.length).toBeGreaterThan(0);
    expect(added.length).toBeGreaterThan(0);
    // Removed host assets are the hosts the step purged.
    for (const id of removed) if (old.get(id)!.hostId !== null) expect(after.hasHost(old.get(id)!.hostId!)).toBe(false);
    const kept = [...now.keys()].filter((id) => old.has(id));
    const modified = kept.filter((id) => old.get(id)!.lastModifiedDate !== now.get(id)!.lastModifiedDate);
    const sensorOnly = modified.filter((id) => old.get(id)!.sensorLastUpdatedDate === now.get(id)!.sensorLastUpdatedDate);
    expect(modified.length).toBeGreaterThan(0);
    expect(sensorOnly.length).toBeGreaterThan(0); // tag changes move lastModifiedDate alone
    for (const id of kept.filter((i) => !modified.includes(i))) expect(now.get(id)).toEqual(old.get(id));
    for (const id of modified) expect(Date.parse(now.get(id)!.lastModifiedDate)).toBeGreaterThan(before.now());
  });
});

describe("WAS", () => {
  it("findings carry QIDs of the tenant's KB, under web apps that exist, ids ascending", () => {
    const model = advanced(2);
    const qids = new Set(model.vulns().map((v) => v.qid));
    const apps = new Set(model.was.webAppStates().map((a) => a.id));
    const findings = model.was.findings(true);
    expect(findings.length).toBeGreaterThan(40);
    for (const f of findings) {
      expect(qids.has(f.qid as number)).toBe(true);
      expect(apps.has((f.webApp as { id: number }).id)).toBe(true);
      expect(f.name).toBe(model.vuln(f.qid as number)!.title);
    }
    const ids = findings.map((f) => f.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const verbose = findings.find((f) => f.type === "VULNERABILITY")!;
    const payload = ((verbose.resultList as { list: { Result: { payloads: { list: { PayloadInstance: Record<string, unknown> }[] } } }[] }).list[0]!.Result.payloads.list[0]!.PayloadInstance);
    expect(Buffer.from(String((payload.request as { headers: string }).headers), "base64").toString()).toMatch(/^GET \//);
    expect(payload.payloadResponce).toMatchObject({ offset: expect.any(Number), length: expect.any(Number) });
  });

  it("steps fix, re-open and add findings and bump their dates", () => {
    const before = new TenantModel(OPTIONS);
    const after = advanced(1);
    const old = new Map(before.was.findingStates().map((f) => [f.id, f]));
    const now = after.was.findingStates();
    const fixed = now.filter((f) => f.status === "FIXED" && old.get(f.id)?.status !== "FIXED");
    const fresh = now.filter((f) => !old.has(f.id));
    expect(fixed.length).toBeGreaterThan(0);
    expect(fresh.length).toBeGreaterThan(0);
    for (const f of [...fixed, ...fresh]) expect(f.updated).toBeGreaterThan(before.now());
    for (const f of fresh) expect(f.id).toBeGreaterThan(Math.max(...old.keys()));
  });
});

describe("PC posture", () => {
  it("covers the Windows and Linux PC hosts of each policy, one record per control and instance, unique ids", () => {
    const model = new TenantModel(OPTIONS);
    const rows = [...model.pc.rows()];
    const policies = model.pc.policyDefs();
    let expected = 0;
    for (const p of policies) expected += model.pc.hostIdsOf(p.id).length * p.controls.reduce((n, c) => n + c.instances.length, 0);
    expect(rows).toHaveLength(expected);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => `${r.hostId}/${r.policyId}/${r.controlId}/${r.instance}`)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(["Passed", "Failed", "Error"]));
    for (const r of rows.filter((x) => x.status === "Error")) expect(policies.find((p) => p.id === r.policyId)!.controls.find((c) => c.id === r.controlId)!.custom).toBe(true);
    for (const r of rows) expect(model.hasHost(r.hostId)).toBe(true);
    expect(policies.map((p) => p.status)).toEqual(["active", "active", "inactive"]);
  });

  it("rescans change statuses (previousStatus, postureModifiedDate) and purged hosts take their posture along", () => {
    const before = new TenantModel(OPTIONS);
    const after = advanced(1);
    const key = (r: { hostId: number; policyId: number; controlId: number; instance: string }) => `${r.hostId}/${r.policyId}/${r.controlId}/${r.instance}`;
    const old = new Map([...before.pc.rows()].map((r) => [key(r), r]));
    const now = [...after.pc.rows()];
    const changed = now.filter((r) => old.has(key(r)) && old.get(key(r))!.status !== r.status);
    expect(changed.length).toBeGreaterThan(0);
    for (const r of changed) {
      expect(r.previousStatus).toBe(old.get(key(r))!.status);
      expect(Date.parse(r.postureModifiedDate as string)).toBeGreaterThan(before.now());
    }
    const gone = [...old.values()].filter((r) => !after.hasHost(r.hostId));
    expect(gone.length).toBeGreaterThan(0);
    expect(now.filter((r) => !after.hasHost(r.hostId))).toEqual([]);
  });

  it("is the same for the same options and steps, and differs with the seed", () => {
    const a = advanced(2);
    const b = advanced(2);
    expect([...a.pc.rows({ evidence: true })]).toEqual([...b.pc.rows({ evidence: true })]);
    expect(a.csam.assets()).toEqual(b.csam.assets());
    expect(a.was.findings(true)).toEqual(b.was.findings(true));
    expect(advanced(2, { ...OPTIONS, seed: 12 }).csam.assets()).not.toEqual(a.csam.assets());
  });

  it("sizes follow the options and refuse nonsense", () => {
    const model = new TenantModel({ ...OPTIONS, policies: 5, controlsPerPolicy: 4, webApps: 3, extraAssets: 0, pcHostShare: 1 });
    expect(model.pc.policyDefs()).toHaveLength(5);
    expect(model.pc.policyDefs().every((p) => p.controls.length === 4)).toBe(true);
    expect(model.was.webAppStates()).toHaveLength(3);
    expect(model.csam.assets().every((a) => a.hostId !== null)).toBe(true);
    expect(() => new TenantModel({ policies: 101 })).toThrow(/policies must be an integer from 0 to 100/);
    expect(() => new TenantModel({ pcHostShare: 2 })).toThrow(/pcHostShare/);
  });
});
