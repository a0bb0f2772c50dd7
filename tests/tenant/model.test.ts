/** The data behind the tenant: deterministic, plausible, and consistent with its own KnowledgeBase. */
import { describe, expect, it } from "vitest";
import { expectedHostDetections, TenantModel } from "../../src/tenant.js";

const DAY = 86_400_000;
const OPTIONS = { hosts: 400, detectionsPerHost: 20, kbSize: 600, seed: 5 };

describe("tenant model", () => {
  it("gives the same data for the same seed and different data for another", () => {
    const a = new TenantModel(OPTIONS);
    const b = new TenantModel(OPTIONS);
    const c = new TenantModel({ ...OPTIONS, seed: 6 });
    expect(a.hostIds()).toEqual(b.hostIds());
    const ids = a.hostIds().slice(0, 30);
    expect(ids.map((id) => a.record(id))).toEqual(ids.map((id) => b.record(id)));
    expect(a.vulns()).toEqual(b.vulns());
    expect(ids.map((id) => a.record(id)?.detections.map((d) => d.qid))).not.toEqual(ids.map((id) => c.record(id)?.detections.map((d) => d.qid)));
    // A host computed alone equals the same host computed after others: no hidden order.
    const lone = new TenantModel(OPTIONS);
    expect(lone.record(ids[17]!)).toEqual(a.record(ids[17]!));
  });

  it("has unique host IDs, IPs and unique-vuln IDs, with gaps in the IDs as real subscriptions", () => {
    const model = new TenantModel(OPTIONS);
    const ids = model.hostIds();
    expect(ids).toHaveLength(400);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    const records = ids.map((id) => model.record(id)!);
    expect(new Set(records.map((r) => r.host.ip)).size).toBe(400);
    expect(records.every((r) => /^10\.\d+\.\d+\.\d+$/.test(r.host.ip))).toBe(true);
    const uvids = records.flatMap((r) => r.detections.map((d) => d.uniqueVulnId));
    expect(new Set(uvids).size).toBe(uvids.length);
    const gaps = ids.slice(1).filter((id, i) => id !== ids[i]! + 1).length;
    expect(gaps).toBeGreaterThan(0);
    expect(gaps).toBeLessThan(40);
    // Each host's QIDs are distinct.
    expect(records.every((r) => new Set(r.detections.map((d) => d.qid)).size === r.detections.length)).toBe(true);
  });

  it("spreads detections around the asked average, with a few hosts having none", () => {
    const model = new TenantModel(OPTIONS);
    const counts = model.hostIds().map((id) => model.record(id)!.detections.length);
    const mean = counts.reduce((s, n) => s + n, 0) / counts.length;
    expect(mean).toBeGreaterThan(16);
    expect(mean).toBeLessThan(24);
    expect(Math.max(...counts)).toBeGreaterThan(3 * 20);
    expect(counts.filter((n) => n === 0).length).toBeGreaterThan(0);
  });

  it("keeps each detection consistent with its KB entry and its own dates", () => {
    const model = new TenantModel(OPTIONS);
    const now = model.now();
    const statuses = new Map<string, number>();
    for (const id of model.hostIds()) {
      const { host, detections } = model.record(id)!;
      expect(host.lastVmScanned).toBeLessThanOrEqual(host.lastProcessed);
      expect(host.lastProcessed).toBeLessThanOrEqual(now);
      for (const d of detections) {
        const vuln = model.vuln(d.qid)!;
        expect(vuln, `QID ${d.qid}`).toBeDefined();
        expect(d.severity).toBe(vuln.severity);
        expect(d.type).toBe({ Vulnerability: "Confirmed", "Potential Vulnerability": "Potential", "Information Gathered": "Info" }[vuln.vulnType]);
        expect(d.firstFound).toBeLessThanOrEqual(d.lastFound);
        expect(d.lastFound).toBeLessThanOrEqual(d.lastTest);
        expect(d.firstFound).toBeGreaterThan(now - 420 * DAY);
        if (d.status === "Fixed") expect(d.lastFixed).toBeGreaterThanOrEqual(d.lastFound);
        if (d.status === "Re-Opened") expect(d.lastReopened).toBeGreaterThan(d.lastFixed!);
        if (d.status === "New") expect(d.timesFound).toBe(1);
        statuses.set(d.status, (statuses.get(d.status) ?? 0) + 1);
      }
    }
    const total = [...statuses.values()].reduce((s, n) => s + n, 0);
    for (const status of ["New", "Active", "Fixed", "Re-Opened"]) expect(statuses.get(status)! / total, status).toBeGreaterThan(0.03);
    expect(statuses.get("Active")! / total).toBeGreaterThan(0.5);
  });

  it("filters like Qualys: Fixed only when asked, severities, QIDs, hosts left without detections skipped", () => {
    const model = new TenantModel(OPTIONS);
    const all = expectedHostDetections(model, { status: "New,Active,Fixed,Re-Opened", show_igs: 1 });
    const fallback = expectedHostDetections(model);
    expect(fallback.flatMap((r) => r.detections).some((d) => d.status === "Fixed" || d.type === "Info")).toBe(false);
    expect(all.flatMap((r) => r.detections).some((d) => d.status === "Fixed")).toBe(true);
    const severe = expectedHostDetections(model, { severities: "4-5" });
    expect(severe.every((r) => r.detections.length > 0 && r.detections.every((d) => d.severity >= 4))).toBe(true);
    expect(severe.length).toBeLessThan(fallback.length);
    expect(() => expectedHostDetections(model, { ids: "abc123" })).toThrow(/parameter ids has invalid value: abc123/);
    expect(() => expectedHostDetections(model, { nonsense: 1 })).toThrow(/Unrecognized parameter\(s\): nonsense/);
  });

  it("refuses bad options with a message naming the option", () => {
    expect(() => new TenantModel({ hosts: -1 })).toThrow(/hosts must be an integer/);
    expect(() => new TenantModel({ kbSize: 0 })).toThrow(/kbSize/);
    expect(() => new TenantModel({ now: "yesterday" })).toThrow(/now is not a date/);
    expect(() => new TenantModel().advance({ changeFraction: 2 })).toThrow(/changeFraction must be from 0 to 1/);
    expect(() => new TenantModel().advance({ days: 0 })).toThrow(/days must be a positive number/);
  });
});

describe("advance", () => {
  it("rescans a share of hosts after the previous time, purges and adds hosts, revises the KB, all deterministically", () => {
    const model = new TenantModel(OPTIONS);
    const before = model.hostIds();
    const start = model.now();
    const openBefore = new Map(before.map((id) => [id, model.record(id)!]));
    const step = model.advance({ days: 2, changeFraction: 0.3, hostChurn: 0.05 });
    expect(step.at - start).toBe(2 * DAY);
    expect(model.now()).toBe(step.at);

    const after = model.hostIds();
    const removed = before.filter((id) => !after.includes(id));
    const added = after.filter((id) => !before.includes(id));
    expect(removed.length).toBeGreaterThan(5);
    expect(added.length).toBe(Math.round(before.length * 0.05));
    expect(Math.min(...added)).toBeGreaterThan(Math.max(...before));
    expect([...model.removedHostIds().keys()].sort()).toEqual(removed.sort());
    expect(model.record(removed[0]!)).toBeUndefined();

    // Rescanned hosts: processed after the previous time; the others untouched.
    const rescanned = after.filter((id) => !added.includes(id) && model.record(id)!.host.lastProcessed > start);
    expect(rescanned.length / (after.length - added.length)).toBeGreaterThan(0.2);
    expect(rescanned.length / (after.length - added.length)).toBeLessThan(0.4);
    for (const id of after.filter((i) => !added.includes(i) && !rescanned.includes(i)).slice(0, 50)) expect(model.record(id)).toEqual(openBefore.get(id));
    const changed = rescanned.map((id) => ({ was: openBefore.get(id)!.detections, now: model.record(id)!.detections }));
    const fixed = changed.flatMap((c) => c.now.filter((d) => d.status === "Fixed" && d.lastFixed! > start));
    const fresh = changed.flatMap((c) => c.now.filter((d) => d.firstFound > start));
    expect(fixed.length).toBeGreaterThan(0);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((d) => d.status === "New")).toBe(true);
    // Added hosts come with New detections found in the step.
    const newcomer = added.map((id) => model.record(id)!).find((r) => r.detections.length > 0)!;
    expect(newcomer.detections.every((d) => d.status === "New" && d.firstFound > start)).toBe(true);

    // Incremental selection: exactly the hosts processed since the previous time.
    const since = new Date(start).toISOString().replace(".000Z", "Z");
    const incremental = expectedHostDetections(model, { vm_processed_after: since, status: "New,Active,Fixed,Re-Opened" });
    expect(incremental.every((r) => r.host.lastProcessed >= start)).toBe(true);
    expect(incremental.map((r) => r.host.id).sort()).toEqual([...rescanned, ...added].filter((id) => model.record(id)!.detections.length > 0).sort());
    const updated = expectedHostDetections(model, { detection_updated_since: since, status: "New,Active,Fixed,Re-Opened" });
    expect(updated.flatMap((r) => r.detections).every((d) => d.lastUpdate >= start)).toBe(true);

    expect(model.vulns().length).toBe(600 + step.newCount);
    expect(model.vulns().filter((v) => v.lastServiceModification > start).length).toBeGreaterThan(step.newCount);

    // Replaying the same steps on a fresh model gives the same tenant.
    const replay = new TenantModel(OPTIONS);
    replay.advance({ days: 2, changeFraction: 0.3, hostChurn: 0.05 });
    expect(replay.hostIds()).toEqual(after);
    expect(replay.record(rescanned[3]!)).toEqual(model.record(rescanned[3]!));
  });
});

describe("small KnowledgeBases", () => {
  it("never gives a host more detections than there are QIDs", () => {
    const model = new TenantModel({ hosts: 30, detectionsPerHost: 40, kbSize: 10, seed: 2 });
    model.advance({ changeFraction: 1 });
    const counts = model.hostIds().map((id) => model.record(id)!.detections.length);
    expect(Math.max(...counts)).toBe(model.kbSize()); // 10, plus the QID the step published
  });
});
