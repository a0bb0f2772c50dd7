/**
 * PC posture export tests' pieces: a tenant whose gateway serves PCRS (within a short rate window,
 * so limits bite without slowing the tests), the tables an export must hold computed straight
 * from the tenant's model, and the tables as a database holds them, in one form for both engines.
 */
import { gzipSync } from "node:zlib";
import { createQualysClient, type QualysClient } from "../../src/client.js";
import { openDatabase } from "../../src/db/open.js";
import { head } from "../servers/raw-http-server.js";
import { rawGateway } from "../runtime/pcrs/support.js";
import { startTenant, type PostureRow, type Tenant, type TenantModel, type TenantOptions } from "../../src/tenant.js";

export const POSTURE_PATH = "/pcrs/5.0/posture/postureInfo";

export type Rec = Record<string, unknown>;

/** PCRS limits of these tests: Qualys's 25 calls per window, the window shrunk to 3 s, 4 at once. */
export const PCRS_LIMITS = { rate: { limit: 25, windowSec: 3 }, concurrency: 4 } as const;

export async function tenantWithGateway(options: TenantOptions): Promise<{ tenant: Tenant; client: QualysClient; close(): Promise<void> }> {
  const tenant = await startTenant({ now: Date.now(), moduleLimits: { pcrs: PCRS_LIMITS }, ...options });
  const client = gatewayClient(tenant);
  return { tenant, client, close: async () => { await client.close(); await tenant.close(); } };
}

export function gatewayClient(tenant: Tenant): QualysClient {
  return createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url, gateway: tenant.gatewayUrl }, rateLimit: { retry: { baseDelayMs: 10 } } });
}

/** The environment of a `qualys` process on the tenant, VM and gateway each on its own URL. */
export const gatewayUser = (tenant: Tenant) => ({ QUALYS_USERNAME: "tenant", QUALYS_PASSWORD: "tenant-password", QUALYS_API_URL: tenant.url, QUALYS_GATEWAY_URL: tenant.gatewayUrl });

const activePolicies = (model: TenantModel) => model.pc.policyDefs().filter((p) => p.status === "active").map((p) => p.id);
const orNull = (v: unknown) => (v === "" || v === undefined ? null : v);
const byKey = (rows: Rec[], key: readonly string[]) =>
  rows.sort((a, b) => {
    for (const k of key) {
      const [x, y] = [a[k], b[k]];
      if (x === y) continue;
      return typeof x === "number" && typeof y === "number" ? x - y : String(x) < String(y) ? -1 : 1;
    }
    return 0;
  });

export const KEYS = {
  pc_policies: ["policy_id"],
  pc_controls: ["policy_id", "control_id", "technology_id"],
  pc_hosts: ["host_id"],
  pc_posture: ["host_id", "policy_id", "control_id", "instance"],
  pc_posture_evidence: ["host_id", "policy_id", "control_id", "instance"],
} as const;
export type PostureTable = keyof typeof KEYS;
export const POSTURE_TABLES = Object.keys(KEYS) as PostureTable[];

/** What every posture table must hold for the tenant as it is now: written from the model's own records, field by field. */
export function expectedTables(model: TenantModel, options: { evidence?: boolean; hosts?: (hostId: number) => boolean } = {}): Record<PostureTable, Rec[]> {
  const keep = options.hosts ?? (() => true);
  const rows: PostureRow[] = [...model.pc.rows({ evidence: options.evidence }, activePolicies(model))].filter((r) => keep(r.hostId));
  const controls = new Map<string, Rec>();
  const hosts = new Map<number, Rec>();
  for (const r of rows) {
    const technology = r.technology as { name: string };
    const criticality = r.criticality as { label: string; value: number };
    controls.set(`${r.policyId}|${r.controlId}|${r.technologyId}`, {
      policy_id: r.policyId, control_id: r.controlId, technology_id: r.technologyId, policy_title: r.policyTitle, statement: r.controlStatement,
      rationale: r.rationale, remediation: r.remediation, reference: r.controlReference, technology_name: technology.name,
      criticality_label: criticality.label, criticality_value: criticality.value, extra: null,
    });
    hosts.set(r.hostId, {
      host_id: r.hostId, asset_id: r.assetId, ip: r.ip, dns: r.dns, netbios: r.netBios, os: r.os, os_cpe: r.osCpe, domain_name: r.domainName,
      tracking_method: r.trackingMethod, qg_hostid: r.qgHostid, network_id: r.networkId, network_name: r.networkName,
      compliance_last_scan_date: r.complianceLastScanDate, customer_id: r.customerId, customer_uuid: r.customerUuid, extra: null,
    });
  }
  return {
    pc_policies: byKey(
      model.pc.policies(true).map((p) => ({
        policy_id: p.id, subscription_id: model.pc.subscriptionId, title: p.title, status: p.status, locked: p.locked, created_by: p.createdBy,
        created_date: p.createdDate, modified_by: p.modifiedBy, modified_date: p.modifiedDate, last_evaluated_date: p.lastEvaluatedDate,
        include_tags: p.includeTags ?? null, include_tags_scope: p.includeTagsScope ?? null, exclude_tags: p.excludeTags ?? null, exclude_tags_scope: p.excludeTagsScope ?? null,
        removed_at: null, extra: null,
      })),
      KEYS.pc_policies,
    ),
    pc_controls: byKey([...controls.values()], KEYS.pc_controls),
    pc_hosts: byKey([...hosts.values()], KEYS.pc_hosts),
    pc_posture: byKey(
      rows.map((r) => ({
        host_id: r.hostId, policy_id: r.policyId, control_id: r.controlId, instance: r.instance, posture_id: String(r.id), technology_id: r.technologyId,
        status: r.status, previous_status: r.previousStatus, first_fail_date: orNull(r.firstFailDate), last_fail_date: orNull(r.lastFailDate),
        first_pass_date: orNull(r.firstPassDate), last_pass_date: orNull(r.lastPassDate), posture_modified_date: r.postureModifiedDate,
        last_evaluated_date: r.lastEvaluatedDate, created_date: r.created, cause_of_failure: r.causeOfFailure, extra: null,
      })),
      KEYS.pc_posture,
    ),
    pc_posture_evidence: options.evidence
      ? byKey(rows.map((r) => ({ host_id: r.hostId, policy_id: r.policyId, control_id: r.controlId, instance: r.instance, evidence: r.evidence })), KEYS.pc_posture_evidence)
      : [],
  };
}

const TIME = /_date$/;
const JSON_COLUMNS = new Set(["include_tags", "exclude_tags", "cause_of_failure", "evidence", "extra"]);
const LEFT_OUT = new Set(["run_id", "first_seen_run", "last_seen_run"]);

/** A cell as the expected tables have it: times as `YYYY-MM-DDTHH:MM:SSZ`, JSON parsed, booleans 0/1. */
function normal(column: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().replace(".000Z", "Z");
  if (TIME.test(column) || column === "removed_at") return typeof v === "string" ? new Date(v).toISOString().replace(".000Z", "Z") : v;
  if (JSON_COLUMNS.has(column)) return typeof v === "string" ? JSON.parse(v) : v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v);
  return v;
}

/** Every posture table of an export database (SQLite or PostgreSQL URL), run and seen-run columns left out. */
export async function dbTables(url: string): Promise<Record<PostureTable, Rec[]>> {
  const db = await openDatabase(url, { readonly: true });
  try {
    const out = {} as Record<PostureTable, Rec[]>;
    for (const table of POSTURE_TABLES) {
      // Sorted here, not by ORDER BY: PostgreSQL's text collation may order instances otherwise.
      const rows = await db.all(`SELECT * FROM ${table}`);
      out[table] = byKey(rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !LEFT_OUT.has(k)).map(([k, v]) => [k, normal(k, v)]))), KEYS[table]);
    }
    return out;
  } finally {
    await db.close();
  }
}

/** Each table of the database equals what the tenant holds (a message naming the table when not). */
export async function expectTablesEqual(url: string, expected: Record<PostureTable, Rec[]>, expect: (v: unknown, m?: string) => { toEqual(x: unknown): void }): Promise<Record<PostureTable, Rec[]>> {
  const got = await dbTables(url);
  for (const table of POSTURE_TABLES) expect(got[table], table).toEqual(expected[table]);
  return got;
}

const POLICIES = JSON.stringify({
  subscriptionId: 71412,
  policyList: [
    { id: 4677689, title: "CIS Ubuntu", status: "active", locked: 0, createdDate: "2024-03-04T10:11:12Z", lastEvaluatedDate: "", includeTags: [{ id: 7531, name: "Production" }], includeTagsScope: "ANY", riskScore: { value: 7 } },
    { id: "4677690", title: "Old baseline", status: "inactive", locked: 1, modifiedDate: "yesterday" },
  ],
});
const HOST_IDS = JSON.stringify([{ policyId: "4677689", subscriptionId: "71412", hostIds: ["1000001", "1000002", "1000003"] }]);
// Written by hand: ids past 2^53 (and past 2^64) as JSON numbers, fields in shapes the columns do not take.
const POSTURE = `[
{"id":9007199254740993,"instance":"os","policyId":4677689,"controlId":1071,"technologyId":"381","technology":{"id":381,"name":"Ubuntu 22.x"},"criticality":{"label":"SERIOUS","value":3},"status":"Failed","previousStatus":null,"firstFailDate":"2026-11-20T10:00:00.000+0000","lastFailDate":"","postureModifiedDate":"not a date","hostId":"1000001","ip":"10.0.0.1","netBios":null,"networkId":0,"CloudMetaData":{"provider":"AWS"},"qdsScore":40},
{"id":18446744073709551617,"instance":"oracle19:1521","policyId":"4677689","controlId":"1072","technologyId":381,"technology":"Ubuntu","criticality":{"label":"URGENT","value":"5","weight":2},"status":"Passed","hostId":1000002,"networkId":"not-a-number","evidence":{"actual":["x"]}},
{"id":"23006235045","policyId":4677689,"controlId":1071,"technologyId":381,"status":"Error","hostId":1000003,"created":"2026-01-04 09:00:00"}
]`;

/**
 * A PCRS gateway on a raw socket with the answers above: the policy list, host ids, and the
 * posture gzipped without Content-Encoding, written in 17-byte pieces.
 */
export async function rawPcrs() {
  const posture = gzipSync(POSTURE);
  return rawGateway((socket, request) => {
    const path = request.path.split("?")[0];
    const json = (text: string) => socket.write(Buffer.concat([head(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) }), Buffer.from(text)]));
    if (path === "/pcrs/2.0/posture/policy/list") json(POLICIES);
    else if (path === "/pcrs/5.0/posture/hostids") json(HOST_IDS);
    else if (path === POSTURE_PATH) {
      socket.write(head(200, { "Content-Type": "application/octet-stream", "Content-Length": posture.length }));
      for (let i = 0; i < posture.length; i += 17) socket.write(posture.subarray(i, i + 17));
    } else socket.destroy();
  });
}

const host = (host_id: number, fields: Rec = {}): Rec => ({
  host_id, asset_id: null, ip: null, dns: null, netbios: null, os: null, os_cpe: null, domain_name: null, tracking_method: null, qg_hostid: null, network_id: null,
  network_name: null, compliance_last_scan_date: null, customer_id: null, customer_uuid: null, extra: null, ...fields,
});
const noDates = { first_fail_date: null, last_fail_date: null, first_pass_date: null, last_pass_date: null, posture_modified_date: null, last_evaluated_date: null, created_date: null };
const policy = (fields: Rec): Rec => ({
  subscription_id: 71412, created_by: null, created_date: null, modified_by: null, modified_date: null, last_evaluated_date: null,
  include_tags: null, include_tags_scope: null, exclude_tags: null, exclude_tags_scope: null, removed_at: null, extra: null, ...fields,
});

/** What an export of rawPcrs() holds, worked out by hand from its answers. */
export const RAW_EXPECTED: Record<PostureTable, Rec[]> = {
  pc_policies: [
    policy({ policy_id: 4677689, title: "CIS Ubuntu", status: "active", locked: 0, created_date: "2024-03-04T10:11:12Z", include_tags: [{ id: 7531, name: "Production" }], include_tags_scope: "ANY", extra: { riskScore: { value: 7 } } }),
    policy({ policy_id: 4677690, title: "Old baseline", status: "inactive", locked: 1, extra: { modifiedDate: "yesterday" } }),
  ],
  pc_controls: [
    // The third record leaves the control's fields out: the first one's stay.
    { policy_id: 4677689, control_id: 1071, technology_id: 381, policy_title: null, statement: null, rationale: null, remediation: null, reference: null, technology_name: "Ubuntu 22.x", criticality_label: "SERIOUS", criticality_value: 3, extra: null },
    { policy_id: 4677689, control_id: 1072, technology_id: 381, policy_title: null, statement: null, rationale: null, remediation: null, reference: null, technology_name: null, criticality_label: "URGENT", criticality_value: 5, extra: { technology: "Ubuntu", criticality: { label: "URGENT", value: "5", weight: 2 } } },
  ],
  pc_hosts: [host(1000001, { ip: "10.0.0.1", network_id: 0 }), host(1000002, { extra: { networkId: "not-a-number" } }), host(1000003)],
  pc_posture: [
    {
      host_id: 1000001, policy_id: 4677689, control_id: 1071, instance: "os", posture_id: "9007199254740993", technology_id: 381, status: "Failed", previous_status: null,
      ...noDates, first_fail_date: "2026-11-20T10:00:00Z", cause_of_failure: null, extra: { postureModifiedDate: "not a date", CloudMetaData: { provider: "AWS" }, qdsScore: 40 },
    },
    { host_id: 1000002, policy_id: 4677689, control_id: 1072, instance: "oracle19:1521", posture_id: "18446744073709551617", technology_id: 381, status: "Passed", previous_status: null, ...noDates, cause_of_failure: null, extra: null },
    { host_id: 1000003, policy_id: 4677689, control_id: 1071, instance: "", posture_id: "23006235045", technology_id: 381, status: "Error", previous_status: null, ...noDates, created_date: "2026-01-04T09:00:00Z", cause_of_failure: null, extra: null },
  ],
  // Evidence Qualys sent unasked is kept, in its own table.
  pc_posture_evidence: [{ host_id: 1000002, policy_id: 4677689, control_id: 1072, instance: "oracle19:1521", evidence: { actual: ["x"] } }],
};
