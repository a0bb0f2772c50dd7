/**
 * With no version option at all, `qualys export`, `qualys vm detections`, `qualys vm kb` and
 * `qualys vm hosts` call only the current API versions, and succeed against a tenant that refuses
 * the retired ones as Qualys does after their end of life; asking for a retired one fails with
 * the version to use.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTenant, type Tenant } from "../../src/tenant.js";
import { cli, withEnv } from "./support.js";
import { openSync } from "../support/sqlite-drivers.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const CURRENT = ["/api/5.0/fo/asset/host/", "/api/5.0/fo/asset/host/vm/detection/", "/api/4.0/fo/knowledge_base/vuln/"];
/** PC posture on the gateway: policy list 2.0, host ids 5.0, posture info 5.0. */
const CURRENT_PCRS = ["/pcrs/2.0/posture/policy/list", "/pcrs/5.0/posture/hostids", "/pcrs/5.0/posture/postureInfo"];
const tenantUser = (t: Tenant) => ({ QUALYS_USERNAME: t.credentials.username, QUALYS_PASSWORD: t.credentials.password, QUALYS_API_URL: t.url, QUALYS_GATEWAY_URL: t.gatewayUrl });

describe("the CLI on a server that refuses retired versions", () => {
  it("export, vm detections, vm kb and vm hosts succeed and call only the current versions", async () => {
    tenant = await startTenant({ hosts: 120, detectionsPerHost: 5, kbSize: 150, seed: 17, now: Date.now() });
    const t = tenant;
    const db = join(mkdtempSync(join(tmpdir(), "qualys-versions-")), "export.db");
    const exported = await withEnv(tenantUser(t), () => cli(["export", "--db", `sqlite:${db}`, "--concurrency", "2", "--what", "hosts,detections,kb,posture"]));
    expect(exported.code, exported.stderr).toBe(0);
    const sql = openSync(db, { readonly: true });
    const counts = sql.prepare("SELECT (SELECT COUNT(*) FROM hosts) AS hosts, (SELECT COUNT(*) FROM detections) AS detections, (SELECT COUNT(*) FROM kb_vulns) AS kb, (SELECT COUNT(*) FROM pc_posture) AS posture").get() as Record<string, number>;
    sql.close();
    expect(counts).toMatchObject({ hosts: 120, kb: 150 });
    expect(counts.detections).toBeGreaterThan(100);
    expect(counts.posture).toBeGreaterThan(100);

    const detections = await withEnv(tenantUser(t), () => cli(["-f", "ndjson", "vm", "detections", "--truncation-limit", "50"]));
    expect(detections.code, detections.stderr).toBe(0);
    const hosts = detections.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { detectionList?: { cve?: string[]; truriskEliminationStatus?: string }[] });
    expect(hosts.length).toBeGreaterThan(50);
    // HLD 5.0's elements come through the CLI typed.
    expect(hosts.flatMap((h) => h.detectionList ?? []).every((d) => typeof d.truriskEliminationStatus === "string")).toBe(true);
    const kb = await withEnv(tenantUser(t), () => cli(["-f", "ndjson", "vm", "kb", "--details", "All"]));
    expect(kb.code, kb.stderr).toBe(0);
    expect(kb.stdout.trimEnd().split("\n")).toHaveLength(150);
    expect(kb.stdout).toContain('"patchPublishedDate":');
    const list = await withEnv(tenantUser(t), () => cli(["-f", "ndjson", "vm", "hosts", "--details", "Basic"]));
    expect(list.code, list.stderr).toBe(0);

    expect(Object.keys(t.stats.byPath).sort()).toEqual([...CURRENT, ...CURRENT_PCRS].sort());
    expect(t.stats.retiredVersionCalls).toEqual({});
    // No deprecation warning either: nothing old was called.
    for (const r of [exported, detections, kb, list]) expect(r.stderr).not.toContain("qualys-ts:");
  }, 120_000);

  it("asking for a retired version is one clear line naming the version to use, exit 1", async () => {
    tenant = await startTenant({ hosts: 20, detectionsPerHost: 2, kbSize: 30, seed: 5 });
    const r = await withEnv(tenantUser(tenant), () => cli(["vm", "detections", "--api-version", "2.0"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("qualys-ts: vm.listHostDetections calls Qualys API 2.0 (/api/2.0/fo/asset/host/vm/detection/), past its end of life");
    expect(r.stderr).toContain('qualys: listHostDetections: Qualys refused API 2.0 (POST /api/2.0/fo/asset/host/vm/detection/: HTTP 404, an HTML page ("404 Not Found")): it is past its end of life (2026-06) and retired. Use API 5.0 instead (the SDK\'s default).');
    expect(tenant.stats.retiredVersionCalls).toEqual({ "/api/2.0/fo/asset/host/vm/detection/": 1 });
  });
});
