/** Helpers for the tenant tests: a client on the tenant, and the model's records in the shape the client decodes. */
import { createQualysClient, type QualysClientOptions } from "../../src/client.js";
import type { DetectionHost, Host, Vuln } from "../../src/generated/vm/xml-types.js";
import type { KbVuln, Tenant, TenantDetection, TenantHost, TenantHostRecord } from "../../src/tenant.js";

export function clientOf(tenant: Tenant, options: Partial<QualysClientOptions> = {}) {
  return createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url, gateway: tenant.gatewayUrl }, ...options });
}

const at = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export interface Shown {
  showResults?: boolean;
  showQds?: boolean;
  showAssetId?: boolean;
  /** The HLD version asked for (default the current 5.0, with its additions). */
  version?: string;
  /** `host_metadata=all`: ALICLOUD metadata on HLD 5.0. */
  hostMetadata?: boolean;
}

const list = <T>(items: readonly T[]): T[] | undefined => (items.length ? [...items] : undefined);

function dnsData(h: TenantHost) {
  return { hostname: h.hostname, domain: h.domain, fqdn: h.dns };
}

export function decodedDetection(d: TenantDetection, shown: Shown = {}) {
  return defined({
    uniqueVulnId: d.uniqueVulnId,
    qid: d.qid,
    type: d.type,
    severity: d.severity,
    port: d.port,
    protocol: d.protocol,
    ssl: d.ssl,
    results: shown.showResults === false ? undefined : d.results,
    status: d.status,
    firstFoundDatetime: at(d.firstFound),
    lastFoundDatetime: at(d.lastFound),
    qds: shown.showQds ? { severity: d.qdsSeverity, value: d.qds } : undefined,
    timesFound: d.timesFound,
    lastTestDatetime: at(d.lastTest),
    lastUpdateDatetime: at(d.lastUpdate),
    lastFixedDatetime: at(d.lastFixed),
    firstReopenedDatetime: at(d.firstReopened),
    lastReopenedDatetime: at(d.lastReopened),
    timesReopened: d.timesReopened,
    isIgnored: false,
    isDisabled: false,
    lastProcessedDatetime: at(d.lastProcessed),
    ...(Number(shown.version ?? "5.0") >= 5
      ? {
          cve: list(d.cves),
          vulnerabilityDetectionSources: list(d.detectionSources),
          latestVulnerabilityDetectionSource: d.latestDetectionSource,
          mitreTacticName: list(d.mitre.map((m) => m.tacticName)),
          mitreTacticId: list(d.mitre.map((m) => m.tacticId)),
          mitreTechniqueName: list(d.mitre.map((m) => m.techniqueName)),
          mitreTechniqueId: list(d.mitre.map((m) => m.techniqueId)),
          truriskEliminationStatus: d.truriskEliminationStatus,
        }
      : {}),
  });
}

function aliCloudMetadata(h: TenantHost, shown: Shown) {
  if (!h.alicloud || !shown.hostMetadata || Number(shown.version ?? "5.0") < 5) return undefined;
  const attribute = (name: string, value: string) => ({ name, lastStatus: "Success", value, lastSuccessDate: new Date(h.lastProcessed).toISOString().replace(".000Z", "Z") });
  return {
    alicloud: [
      attribute("latest/meta-data/instance-id", h.alicloud.instanceId),
      attribute("latest/meta-data/region-id", h.alicloud.regionId),
      attribute("latest/meta-data/instance/instance-type", h.alicloud.instanceType),
    ],
  };
}

export function decodedDetectionHost(r: TenantHostRecord, shown: Shown = {}): DetectionHost {
  const h = r.host;
  return defined({
    id: h.id,
    assetId: shown.showAssetId ? h.assetId : undefined,
    ip: h.ip,
    trackingMethod: h.trackingMethod,
    os: h.os,
    dns: h.dns,
    dnsData: dnsData(h),
    netbios: h.netbios || undefined,
    qgHostid: h.qgHostId,
    lastScanDatetime: at(h.lastProcessed),
    lastVmScannedDate: at(h.lastVmScanned),
    lastVmScannedDuration: h.lastVmScannedDuration,
    lastVmAuthScannedDate: at(h.lastVmAuthScanned),
    lastVmAuthScannedDuration: h.lastVmAuthScanned === undefined ? undefined : h.lastVmScannedDuration,
    metadata: aliCloudMetadata(h, shown),
    detectionList: r.detections.map((d) => decodedDetection(d, shown)),
  });
}

export function decodedListHost(h: TenantHost, all: boolean, showAssetId = false): Host {
  return defined({
    id: h.id,
    assetId: showAssetId ? h.assetId : undefined,
    ip: h.ip,
    trackingMethod: h.trackingMethod,
    networkId: all ? 0 : undefined,
    dns: h.dns,
    dnsData: dnsData(h),
    netbios: h.netbios || undefined,
    os: h.os,
    qgHostid: h.qgHostId,
    lastVulnScanDatetime: at(h.lastProcessed),
    lastVmScannedDate: at(h.lastVmScanned),
    lastVmScannedDuration: h.lastVmScannedDuration,
    lastVmAuthScannedDate: at(h.lastVmAuthScanned),
    lastVmAuthScannedDuration: h.lastVmAuthScanned === undefined ? undefined : h.lastVmScannedDuration,
    owner: all ? "tenant_admin" : undefined,
    comments: all ? `synthetic host ${h.id}` : undefined,
  });
}

/** A KB entry as decoded from `version` (default the current 4.0: PATCH_PUBLISHED_DATE from 3.0 on). */
export function decodedVuln(v: KbVuln, all: boolean, version = "4.0"): Vuln {
  const ig = v.vulnType === "Information Gathered";
  return defined({
    qid: v.qid,
    vulnType: v.vulnType,
    severityLevel: v.severity,
    title: v.title,
    category: v.category,
    lastServiceModificationDatetime: at(v.lastServiceModification),
    publishedDatetime: at(v.published),
    patchable: v.patchable,
    patchPublishedDate: Number(version) >= 3 ? at(v.patchPublished) : undefined,
    vendorReferenceList: v.vendorReferences.length ? v.vendorReferences.map((id) => ({ id, url: `https://vendor.example/advisories/${id}` })) : undefined,
    cveList: v.cves.length ? v.cves.map((id) => ({ id, url: `https://cve.example/${id}` })) : undefined,
    diagnosis: all ? v.diagnosis : undefined,
    consequence: all ? v.consequence : undefined,
    solution: all ? v.solution : undefined,
    cvss: all && !ig ? { base: { value: v.cvssBase.toFixed(1) } } : undefined,
    cvssV3: all && !ig ? { base: { value: v.cvss3Base.toFixed(1) }, cvss3Version: "3.1" } : undefined,
    discovery: { remote: ig },
  });
}
