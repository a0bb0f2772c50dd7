/**
 * Nothing the current versions add is dropped by the export: HLD 5.0's detection elements land in
 * their schema v2 columns (several values joined by ", " in the order sent) and the detection's
 * CVEs in detection_cves; KB 4.0's PATCH_PUBLISHED_DATE in kb_vulns.patch_published_datetime —
 * exactly as the tenant's model has them, and none of them left over in `extra`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { exportSubscription } from "../../src/export.js";
import { TenantModel } from "../../src/tenant.js";
import { query, tempDb, tenantWithClient } from "./support.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

describe("export of the current versions' elements", () => {
  it("keeps CVE, detection sources, MITRE, TruRisk status and PATCH_PUBLISHED_DATE in their columns, value for value", async () => {
    const options = { hosts: 250, detectionsPerHost: 4, kbSize: 120, seed: 23 };
    const t = await tenantWithClient(options);
    cleanup = t.close;
    const db = tempDb("current-fields");
    const summary = await exportSubscription(t.client, { db, batchSize: 100, concurrency: 2, decodeThreads: 1, backoffMs: () => 10 });
    expect(summary.status).toBe("succeeded");
    const model = new TenantModel({ ...options, now: t.tenant.model.start });

    type Det = { host_id: number; qid: number; latest_detection_source: string | null; detection_sources: string | null; trurisk_elimination_status: string | null;
      mitre_tactic_id: string | null; mitre_tactic_name: string | null; mitre_technique_id: string | null; mitre_technique_name: string | null; extra: string | null };
    const rows = query<Det>(db, "SELECT * FROM detections");
    expect(rows.length).toBeGreaterThan(100);
    const cves = new Map<string, string[]>();
    for (const c of query<{ host_id: number; qid: number; cve_id: string }>(db, "SELECT host_id, qid, cve_id FROM detection_cves ORDER BY cve_id")) {
      const key = `${c.host_id}|${c.qid}`;
      cves.set(key, [...(cves.get(key) ?? []), c.cve_id]);
    }
    const joined = (list: readonly string[]) => (list.length ? list.join(", ") : null);
    let withMitre = 0;
    let withCves = 0;
    for (const row of rows) {
      const d = model.record(row.host_id)!.detections.find((x) => x.qid === row.qid)!;
      expect(row).toMatchObject({
        detection_sources: joined(d.detectionSources),
        latest_detection_source: d.latestDetectionSource,
        trurisk_elimination_status: d.truriskEliminationStatus,
        mitre_tactic_id: joined(d.mitre.map((m) => m.tacticId)),
        mitre_tactic_name: joined(d.mitre.map((m) => m.tacticName)),
        mitre_technique_id: joined(d.mitre.map((m) => m.techniqueId)),
        mitre_technique_name: joined(d.mitre.map((m) => m.techniqueName)),
      });
      expect(cves.get(`${row.host_id}|${row.qid}`) ?? []).toEqual([...new Set(d.cves)].sort());
      if (d.mitre.length) withMitre++;
      if (d.cves.length) withCves++;
      // Nothing of HLD 5.0 left over in extra (it would mean a column missed it).
      const extra = JSON.parse(row.extra ?? "{}") as Record<string, unknown>;
      for (const key of ["vulnerabilityDetectionSources", "latestVulnerabilityDetectionSource", "truriskEliminationStatus", "cve", "mitreTacticId", "mitreTacticName", "mitreTechniqueId", "mitreTechniqueName", "extra"]) {
        expect(extra[key], key).toBeUndefined();
      }
    }
    expect(withMitre).toBeGreaterThan(0);
    expect(withCves).toBeGreaterThan(0);

    const kb = query<{ qid: number; patch_published_datetime: string | null; extra: string | null }>(db, "SELECT qid, patch_published_datetime, extra FROM kb_vulns");
    expect(kb).toHaveLength(120);
    const patched = kb.filter((v) => model.vuln(v.qid)!.patchPublished !== undefined);
    expect(patched.length).toBeGreaterThan(10);
    for (const v of kb) {
      const want = model.vuln(v.qid)!.patchPublished;
      expect(v.patch_published_datetime).toBe(want === undefined ? null : iso(want));
      expect((JSON.parse(v.extra ?? "{}") as { patchPublishedDate?: string }).patchPublishedDate).toBeUndefined();
    }
  }, 120_000);
});
