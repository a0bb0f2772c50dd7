/**
 * The CSAM and WAS tables an export must hold, built from the tenant's model field by field (its
 * own reading of the records, not the export's row code), and the same tables read back from a
 * database of either engine in one neutral form: times as ISO text, booleans 0/1, `extra` parsed,
 * run bookkeeping left out.
 */
import type { Database } from "../../src/db/database.js";
import type { TenantModel } from "../../src/tenant.js";

type Json = Record<string, any>;
export type Tables = Record<string, Json[]>;

/** Tables and the key each sorts by; the columns compared are every column but run bookkeeping. */
export const MODULE_TABLES: Record<string, readonly string[]> = {
  assets: ["asset_id"],
  asset_software: ["asset_id", "seq"],
  asset_open_ports: ["asset_id", "seq"],
  asset_tags: ["asset_id", "seq"],
  asset_network_interfaces: ["asset_id", "seq"],
  asset_volumes: ["asset_id", "seq"],
  asset_user_accounts: ["asset_id", "seq"],
  was_webapps: ["webapp_id"],
  was_webapp_tags: ["webapp_id", "seq"],
  was_findings: ["finding_id"],
  was_finding_results: ["finding_id", "result_seq", "payload_seq"],
};
const BOOKKEEPING = new Set(["run_id", "first_seen_run", "last_seen_run", "removed_at"]);

const iso = (v: string | number | null | undefined): string | null => {
  if (v === null || v === undefined) return null;
  const s = new Date(v).toISOString();
  return s.endsWith(".000Z") ? `${s.slice(0, 19)}Z` : s;
};
const b = (v: unknown): number | null => (v === undefined || v === null ? null : v === true || v === "true" ? 1 : 0);
const sortBy = (rows: Json[], key: readonly string[]) =>
  rows.sort((x, y) => {
    for (const k of key) if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
    return 0;
  });

/** What a full export of the tenant, as it is now, holds (the removed rows of earlier runs aside). */
export function expectedTables(model: TenantModel): Tables {
  const t: Tables = Object.fromEntries(Object.keys(MODULE_TABLES).map((k) => [k, []]));
  for (const a of model.csam.assets() as Json[]) {
    const os = a.operatingSystem ?? {};
    t.assets!.push({
      asset_id: a.assetId, asset_uuid: a.assetUUID, host_id: a.hostId, agent_id: a.agentId, name: a.assetName, asset_type: a.assetType, address: a.address,
      dns_name: a.dnsName, netbios_name: a.netbiosName, os: os.fullName ?? null, os_category: os.category1 ?? null, os_publisher: os.publisher ?? null,
      hardware: null, hardware_category: null, total_memory: null, cpu_count: null, risk_score: null,
      created_date: iso(a.createdDate), last_modified_date: iso(a.lastModifiedDate), sensor_last_updated_date: iso(a.sensorLastUpdatedDate), last_boot: null,
      agent_last_checked_in: null, inventory_source: a.inventory?.source ?? null, inventory_last_updated: iso(a.inventory?.lastUpdated),
      // Nested objects stay whole in extra; the list sections went to the child tables.
      extra: { operatingSystem: a.operatingSystem, sensor: a.sensor, inventory: a.inventory },
    });
    (a.softwareListData?.software ?? []).forEach((s: Json, seq: number) =>
      t.asset_software!.push({
        asset_id: a.assetId, seq, software_id: String(s.id), full_name: s.fullName, software_type: s.softwareType, publisher: s.publisher, version: s.version,
        install_date: iso(s.installDate), last_updated: iso(s.lastUpdated), is_ignored: b(s.isIgnored), is_package: b(s.isPackage), lifecycle_stage: null, extra: null,
      }),
    );
    (a.openPortListData?.openPort ?? []).forEach((p: Json, seq: number) =>
      t.asset_open_ports!.push({ asset_id: a.assetId, seq, port: p.port, protocol: p.protocol, detected_service: p.detectedService, first_found: iso(p.firstFound), last_updated: iso(p.lastUpdated), extra: null }),
    );
    (a.tagList?.tag ?? []).forEach((g: Json, seq: number) =>
      t.asset_tags!.push({
        asset_id: a.assetId, seq, tag_id: g.tagId, tag_name: g.tagName, business_impact: g.businessImpact, criticality_score: g.criticalityScore,
        extra: { foregroundColor: g.foregroundColor, backgroundColor: g.backgroundColor },
      }),
    );
    (a.networkInterfaceListData?.networkInterface ?? []).forEach((n: Json, seq: number) =>
      t.asset_network_interfaces!.push({ asset_id: a.assetId, seq, interface_name: n.interfaceName, mac_address: n.macAddress, ipv4: n.addressIpV4, ipv6: n.addressIpV6, gateway_address: n.gatewayAddress, extra: null }),
    );
  }
  for (const w of model.was.webApps(true) as Json[]) {
    const { id, name, url, owner, tags, createdDate, updatedDate, isScheduled, isScanned, scope, lastScan, ...rest } = w;
    t.was_webapps!.push({
      webapp_id: id, name, url, owner_id: owner.id, owner_username: owner.username, is_scheduled: b(isScheduled), is_scanned: b(isScanned), scope, risk_score: null,
      created_date: iso(createdDate), updated_date: iso(updatedDate), last_scan_id: lastScan?.id ?? null, last_scan_results_status: lastScan?.summary?.resultsStatus ?? null,
      extra: { owner, ...(lastScan ? { lastScan } : {}), ...rest },
    });
    (tags.list as Json[]).forEach((g, seq) => t.was_webapp_tags!.push({ webapp_id: id, seq, tag_id: g.Tag.id, tag_name: g.Tag.name }));
  }
  for (const f of model.was.findings(true) as Json[]) {
    const { id, uniqueId, qid, name, type, findingType, potential, severity, status, webApp, url, param, cwe, cvssV3, timesDetected, isIgnored, resultList, ...dates } = f;
    const { firstDetectedDate, lastDetectedDate, lastTestedDate, updatedDate, fixedDate, ...rest } = dates;
    t.was_findings!.push({
      finding_id: id, unique_id: uniqueId, qid, name, type, finding_type: findingType, potential: b(potential), severity: Number(severity), status: status ?? null,
      webapp_id: webApp.id, url, param: param ?? null, cwe: cwe.list.join(","), cvss3_base: cvssV3.base, cvss3_temporal: cvssV3.temporal, times_detected: timesDetected,
      is_ignored: b(isIgnored), first_detected_date: iso(firstDetectedDate), last_detected_date: iso(lastDetectedDate), last_tested_date: iso(lastTestedDate),
      updated_date: iso(updatedDate), fixed_date: iso(fixedDate), extra: { cvssV3, ...rest },
    });
    (resultList.list as Json[]).forEach(({ Result: r }, rs) =>
      (r.payloads.list as Json[]).forEach(({ PayloadInstance: p }, ps) =>
        t.was_finding_results!.push({
          finding_id: id, result_seq: rs, payload_seq: ps, access_path: JSON.stringify(r.accessPath.list.map((u: Json) => u.Url)), payload: p.payload,
          request_method: p.request.method, request_link: p.request.link, request_headers: p.request.headers, request_body: p.request.body, response: p.response,
          response_offset: p.payloadResponce.offset, response_length: p.payloadResponce.length, extra: null,
        }),
      ),
    );
  }
  for (const [table, key] of Object.entries(MODULE_TABLES)) sortBy(t[table]!, key);
  return t;
}

function neutral(value: unknown, column: string): unknown {
  if (value instanceof Date) return iso(value.getTime());
  if (typeof value === "boolean") return value ? 1 : 0;
  if (column === "extra" && typeof value === "string") return JSON.parse(value);
  return value;
}

/** The tables as the database holds them; `where` narrows each (e.g. to rows not marked removed). */
export async function readTables(db: Database, options: { present?: boolean } = {}): Promise<Tables> {
  const out: Tables = {};
  for (const [table, key] of Object.entries(MODULE_TABLES)) {
    const parent = table.startsWith("asset") ? "assets" : table.startsWith("was_webapp") ? "was_webapps" : "was_findings";
    const idColumn = key[0]!;
    const where = options.present ? ` WHERE ${idColumn} IN (SELECT ${idColumn} FROM ${parent} WHERE removed_at IS NULL)` : "";
    const rows = await db.all(`SELECT * FROM ${table}${where} ORDER BY ${key.join(", ")}`);
    out[table] = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([c]) => !BOOKKEEPING.has(c)).map(([c, v]) => [c, neutral(v, c)])));
  }
  return out;
}

/** Row counts per table, for messages. */
export const counts = (t: Tables) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.length]));
