/**
 * Nothing the current versions add is dropped by the export: HLD 5.0's detection elements and
 * KB 4.0's PATCH_PUBLISHED_DATE have no column (the schema is unchanged), so they land in the
 * rows' `extra` JSON, exactly as the tenant's model has them.
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
  it("keeps CVE, detection sources, MITRE, TruRisk status and PATCH_PUBLISHED_DATE in extra, value for value", async () => {
    const options = { hosts: 250, detectionsPerHost: 4, kbSize: 120, seed: 23 };
    const t = await tenantWithClient(options);
    cleanup = t.close;
    const db = tempDb("current-fields");
    const summary = await exportSubscription(t.client, { db, batchSize: 100, concurrency: 2, decodeThreads: 1, backoffMs: () => 10 });
    expect(summary.status).toBe("succeeded");
    const model = new TenantModel({ ...options, now: t.tenant.model.start });

    const rows = query<{ host_id: number; qid: number; extra: string | null }>(db, "SELECT host_id, qid, extra FROM detections");
    expect(rows.length).toBeGreaterThan(100);
    let withMitre = 0;
    for (const row of rows) {
      const d = model.record(row.host_id)!.detections.find((x) => x.qid === row.qid)!;
      const extra = JSON.parse(row.extra ?? "{}") as Record<string, unknown>;
      expect(extra).toMatchObject({
        vulnerabilityDetectionSources: d.detectionSources,
        latestVulnerabilityDetectionSource: d.latestDetectionSource,
        truriskEliminationStatus: d.truriskEliminationStatus,
      });
      expect(extra.cve).toEqual(d.cves.length ? d.cves : undefined);
      expect(extra.mitreTechniqueId).toEqual(d.mitre.length ? d.mitre.map((m) => m.techniqueId) : undefined);
      if (d.mitre.length) withMitre++;
      // Nothing unknown slipped past the schema into the decoder's own extra.
      expect(extra.extra).toBeUndefined();
    }
    expect(withMitre).toBeGreaterThan(0);

    const kb = query<{ qid: number; extra: string | null }>(db, "SELECT qid, extra FROM kb_vulns");
    expect(kb).toHaveLength(120);
    const patched = kb.filter((v) => model.vuln(v.qid)!.patchPublished !== undefined);
    expect(patched.length).toBeGreaterThan(10);
    for (const v of kb) {
      const want = model.vuln(v.qid)!.patchPublished;
      expect((JSON.parse(v.extra ?? "{}") as { patchPublishedDate?: string }).patchPublishedDate).toBe(want === undefined ? undefined : iso(want));
    }
  }, 120_000);
});
