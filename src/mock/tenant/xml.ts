/**
 * The XML Qualys sends, one record at a time (so the server can stream): element order as in
 * the DTDs (tests/fixtures/qualys-xml/qp_*.dtd*), free text in CDATA, dates to the second.
 */
import type { TenantDetection } from "./detections.js";
import type { KbVuln } from "./kb.js";
import type { TenantHost } from "./model.js";
import type { IdRanges } from "./params.js";
import { qualysDate } from "./time.js";

export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** CDATA that survives a `]]>` in the text (split across two sections). */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
}

const el = (indent: string, name: string, value: string | number | undefined) => (value === undefined || value === "" ? "" : `${indent}<${name}>${value}</${name}>\n`);
const date = (indent: string, name: string, ms: number | undefined) => (ms === undefined ? "" : el(indent, name, qualysDate(ms)));
const bool = (b: boolean) => (b ? "1" : "0");

export function xmlHead(root: string, dtd: string): string {
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE ${root} SYSTEM "${dtd}">\n<${root}>\n  <RESPONSE>\n`;
}

export function xmlTail(root: string): string {
  return `  </RESPONSE>\n</${root}>\n`;
}

export function simpleReturn(code: string | undefined, text: string, now: number): string {
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd">\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>${qualysDate(now)}</DATETIME>\n${code ? `    <CODE>${code}</CODE>\n` : ""}    <TEXT>${escapeText(text)}</TEXT>\n  </RESPONSE>\n</SIMPLE_RETURN>\n`;
}

export function warningXml(count: number, url: string): string {
  return `    <WARNING>\n      <CODE>1980</CODE>\n      <TEXT>${count} record limit exceeded. Use URL to get next batch of results.</TEXT>\n      <URL>${cdata(url)}</URL>\n    </WARNING>\n`;
}

/** ID_SET as Qualys compresses it: runs of consecutive IDs become ID_RANGE `a-b`. */
export function idSetXml(ids: readonly number[]): string {
  return `    <ID_SET>\n${idRuns(ids)
    .map(([a, b]) => (a === b ? `      <ID>${a}</ID>\n` : `      <ID_RANGE>${a}-${b}</ID_RANGE>\n`))
    .join("")}    </ID_SET>\n`;
}

/** Ascending IDs as inclusive runs. */
export function idRuns(ids: readonly number[]): IdRanges {
  const runs: [number, number][] = [];
  for (const id of ids) {
    const last = runs.at(-1);
    if (last && id === last[1] + 1) last[1] = id;
    else runs.push([id, id]);
  }
  return runs;
}

function dnsData(h: TenantHost, i: string): string {
  return `${i}<DNS_DATA>\n${i}  <HOSTNAME>${cdata(h.hostname)}</HOSTNAME>\n${i}  <DOMAIN>${cdata(h.domain)}</DOMAIN>\n${i}  <FQDN>${cdata(h.dns)}</FQDN>\n${i}</DNS_DATA>\n`;
}

export interface DetectionOutput {
  readonly showResults: boolean;
  readonly showQds: boolean;
  readonly showQdsFactors: boolean;
  readonly showAssetId: boolean;
  /** `host_metadata`: which cloud metadata to show (the tenant has Alibaba Cloud hosts only). */
  readonly hostMetadata?: string;
  /** HLD 5.0: the detection additions and ALICLOUD metadata (api-versions.md §2.4). */
  readonly current: boolean;
}

/** HLD 5.0 METADATA: ALICLOUD ATTRIBUTEs shaped like EC2's (x-unverified), with host_metadata=all or alicloud. */
function metadataXml(h: TenantHost, out: DetectionOutput, i: string): string {
  if (!out.current || !h.alicloud || (out.hostMetadata !== "all" && out.hostMetadata !== "alicloud")) return "";
  const attribute = (name: string, value: string) =>
    `${i}    <ATTRIBUTE>\n${i}      <NAME>${cdata(name)}</NAME>\n${i}      <LAST_STATUS>${cdata("Success")}</LAST_STATUS>\n${i}      <VALUE>${cdata(value)}</VALUE>\n${i}      <LAST_SUCCESS_DATE>${cdata(qualysDate(h.lastProcessed))}</LAST_SUCCESS_DATE>\n${i}    </ATTRIBUTE>\n`;
  const a = h.alicloud;
  return `${i}<METADATA>\n${i}  <ALICLOUD>\n${attribute("latest/meta-data/instance-id", a.instanceId)}${attribute("latest/meta-data/region-id", a.regionId)}${attribute("latest/meta-data/instance/instance-type", a.instanceType)}${i}  </ALICLOUD>\n${i}</METADATA>\n`;
}

/** One HOST of HOST_LIST_VM_DETECTION_OUTPUT with its DETECTION_LIST. */
export function detectionHostXml(h: TenantHost, detections: readonly TenantDetection[], out: DetectionOutput): string {
  const i = "        ";
  let s = "      <HOST>\n";
  s += el(i, "ID", h.id);
  if (out.showAssetId) s += el(i, "ASSET_ID", h.assetId);
  s += el(i, "IP", h.ip) + el(i, "TRACKING_METHOD", h.trackingMethod) + el(i, "OS", cdata(h.os)) + el(i, "DNS", cdata(h.dns)) + dnsData(h, i);
  if (h.netbios) s += el(i, "NETBIOS", cdata(h.netbios));
  if (h.qgHostId) s += el(i, "QG_HOSTID", cdata(h.qgHostId));
  s += date(i, "LAST_SCAN_DATETIME", h.lastProcessed) + date(i, "LAST_VM_SCANNED_DATE", h.lastVmScanned) + el(i, "LAST_VM_SCANNED_DURATION", h.lastVmScannedDuration);
  if (h.lastVmAuthScanned !== undefined) s += date(i, "LAST_VM_AUTH_SCANNED_DATE", h.lastVmAuthScanned) + el(i, "LAST_VM_AUTH_SCANNED_DURATION", h.lastVmScannedDuration);
  s += metadataXml(h, out, i);
  s += `${i}<DETECTION_LIST>\n`;
  for (const d of detections) s += detectionXml(d, out);
  return s + `${i}</DETECTION_LIST>\n      </HOST>\n`;
}

function detectionXml(d: TenantDetection, out: DetectionOutput): string {
  const i = "            ";
  let s = "          <DETECTION>\n";
  s += el(i, "UNIQUE_VULN_ID", d.uniqueVulnId) + el(i, "QID", d.qid) + el(i, "TYPE", d.type) + el(i, "SEVERITY", d.severity);
  if (d.port !== undefined) s += el(i, "PORT", d.port) + el(i, "PROTOCOL", d.protocol);
  s += el(i, "SSL", bool(d.ssl));
  if (out.showResults) s += el(i, "RESULTS", cdata(d.results));
  s += el(i, "STATUS", d.status) + date(i, "FIRST_FOUND_DATETIME", d.firstFound) + date(i, "LAST_FOUND_DATETIME", d.lastFound);
  if (out.showQds) s += `${i}<QDS severity="${d.qdsSeverity}">${d.qds}</QDS>\n`;
  if (out.showQds && out.showQdsFactors) s += qdsFactors(d, i);
  s += el(i, "TIMES_FOUND", d.timesFound) + date(i, "LAST_TEST_DATETIME", d.lastTest) + date(i, "LAST_UPDATE_DATETIME", d.lastUpdate) + date(i, "LAST_FIXED_DATETIME", d.lastFixed);
  s += date(i, "FIRST_REOPENED_DATETIME", d.firstReopened) + date(i, "LAST_REOPENED_DATETIME", d.lastReopened) + el(i, "TIMES_REOPENED", d.timesReopened);
  s += el(i, "IS_IGNORED", "0") + el(i, "IS_DISABLED", "0") + date(i, "LAST_PROCESSED_DATETIME", d.lastProcessed);
  if (out.current) s += additionsXml(d, i);
  return s + "          </DETECTION>\n";
}

/**
 * HLD 5.0's DETECTION additions, after the 2.0 elements. Their order and repetition in Qualys's
 * answers are not known (no capture is public): each repeats per value, grouped by name.
 */
function additionsXml(d: TenantDetection, i: string): string {
  const each = (name: string, values: readonly string[], wrap: (v: string) => string = escapeText) => values.map((v) => el(i, name, wrap(v))).join("");
  return (
    each("CVE", d.cves) +
    each("VULNERABILITY_DETECTION_SOURCES", d.detectionSources) +
    el(i, "LATEST_VULNERABILITY_DETECTION_SOURCE", escapeText(d.latestDetectionSource)) +
    each("MITRE_TACTIC_NAME", d.mitre.map((m) => m.tacticName), cdata) +
    each("MITRE_TACTIC_ID", d.mitre.map((m) => m.tacticId)) +
    each("MITRE_TECHNIQUE_NAME", d.mitre.map((m) => m.techniqueName), cdata) +
    each("MITRE_TECHNIQUE_ID", d.mitre.map((m) => m.techniqueId)) +
    el(i, "TRURISK_ELIMINATION_STATUS", escapeText(d.truriskEliminationStatus))
  );
}

function qdsFactors(d: TenantDetection, i: string): string {
  const factor = (name: string, value: string) => `${i}  <QDS_FACTOR name="${name}">${cdata(value)}</QDS_FACTOR>\n`;
  return `${i}<QDS_FACTORS>\n${factor("CVSS", (d.qds / 10).toFixed(1))}${factor("CVSS_version", "v3.x")}${factor("epss", (d.qds / 120).toFixed(5))}${i}</QDS_FACTORS>\n`;
}

/** One HOST of HOST_LIST_OUTPUT (details=Basic, or All with the extra fields). */
export function listHostXml(h: TenantHost, all: boolean, showAssetId: boolean): string {
  const i = "        ";
  let s = "      <HOST>\n";
  s += el(i, "ID", h.id);
  if (showAssetId) s += el(i, "ASSET_ID", h.assetId);
  s += el(i, "IP", h.ip) + el(i, "TRACKING_METHOD", h.trackingMethod);
  if (all) s += el(i, "NETWORK_ID", 0);
  s += el(i, "DNS", cdata(h.dns)) + dnsData(h, i);
  if (h.netbios) s += el(i, "NETBIOS", cdata(h.netbios));
  s += el(i, "OS", cdata(h.os));
  if (h.qgHostId) s += el(i, "QG_HOSTID", cdata(h.qgHostId));
  s += date(i, "LAST_VULN_SCAN_DATETIME", h.lastProcessed) + date(i, "LAST_VM_SCANNED_DATE", h.lastVmScanned) + el(i, "LAST_VM_SCANNED_DURATION", h.lastVmScannedDuration);
  if (h.lastVmAuthScanned !== undefined) s += date(i, "LAST_VM_AUTH_SCANNED_DATE", h.lastVmAuthScanned) + el(i, "LAST_VM_AUTH_SCANNED_DURATION", h.lastVmScannedDuration);
  if (all) s += el(i, "OWNER", "tenant_admin") + el(i, "COMMENTS", cdata(`synthetic host ${h.id}`));
  return s + "      </HOST>\n";
}

/** One VULN of KNOWLEDGE_BASE_VULN_LIST_OUTPUT; `patchDate`: KB 3.0+ (PATCH_PUBLISHED_DATE after PATCHABLE; its real position is not known). */
export function vulnXml(v: KbVuln, all: boolean, patchDate: boolean): string {
  const i = "        ";
  const refs = (list: string, item: string, ids: readonly string[], url: (id: string) => string) =>
    ids.length ? `${i}<${list}>\n${ids.map((id) => `${i}  <${item}>\n${i}    <ID>${cdata(id)}</ID>\n${i}    <URL>${cdata(url(id))}</URL>\n${i}  </${item}>\n`).join("")}${i}</${list}>\n` : "";
  let s = "      <VULN>\n";
  s += el(i, "QID", v.qid) + el(i, "VULN_TYPE", v.vulnType) + el(i, "SEVERITY_LEVEL", v.severity) + el(i, "TITLE", cdata(v.title)) + el(i, "CATEGORY", escapeText(v.category));
  s += date(i, "LAST_SERVICE_MODIFICATION_DATETIME", v.lastServiceModification) + date(i, "PUBLISHED_DATETIME", v.published) + el(i, "PATCHABLE", bool(v.patchable));
  if (patchDate) s += date(i, "PATCH_PUBLISHED_DATE", v.patchPublished);
  s += refs("VENDOR_REFERENCE_LIST", "VENDOR_REFERENCE", v.vendorReferences, (id) => `https://vendor.example/advisories/${id}`);
  s += refs("CVE_LIST", "CVE", v.cves, (id) => `https://cve.example/${id}`);
  if (all) s += el(i, "DIAGNOSIS", cdata(v.diagnosis)) + el(i, "CONSEQUENCE", cdata(v.consequence)) + el(i, "SOLUTION", cdata(v.solution));
  if (all && v.vulnType !== "Information Gathered") {
    s += `${i}<CVSS>\n${i}  <BASE>${v.cvssBase.toFixed(1)}</BASE>\n${i}</CVSS>\n`;
    s += `${i}<CVSS_V3>\n${i}  <BASE>${v.cvss3Base.toFixed(1)}</BASE>\n${i}  <CVSS3_VERSION>3.1</CVSS3_VERSION>\n${i}</CVSS_V3>\n`;
  }
  s += `${i}<DISCOVERY>\n${i}  <REMOTE>${v.vulnType === "Information Gathered" ? 1 : 0}</REMOTE>\n${i}</DISCOVERY>\n`;
  return s + "      </VULN>\n";
}
