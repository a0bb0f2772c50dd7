import { describe, expect } from "vitest";
import { createVmClient } from "../../src/generated/vm/index.js";
import { QualysApiError } from "../../src/runtime/errors/qualys-api-error.js";
import { contractTest, mockRuntime } from "../support/contract.js";

/** Prism serves one named example per action; this picks it. */
const example = (name: string, extra: Record<string, string> = {}) => ({ headers: { Prefer: `example=${name}`, ...extra } });

async function all<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe("VM XML API against its Prism mock", () => {
  const vm = () => createVmClient({ ...mockRuntime("vm"), onDeprecated: () => {} });

  contractTest("vm", "sessionLogin", async () => {
    const answer = await vm().sessionLogin({ username: "acme_ab12", password: "example" }, example("loggedIn"));
    expect(answer.response?.text).toBe("Logged in");
    expect(answer.response?.datetime).toEqual(new Date("2017-12-18T13:17:49Z"));
  });

  contractTest("vm", "sessionLogout", async () => {
    expect((await vm().sessionLogout(undefined, example("loggedOut"))).response?.text).toBe("Logged out");
  });

  contractTest("vm", "listHosts", async () => {
    const stream = vm().listHosts({ details: "None", truncation_limit: 0 }, example("hostIdSet"));
    expect(await all(stream)).toEqual([]);
    expect(stream.pages[0]).toMatchObject({ response: { idSet: { id: ["107800671"] } } });
    const withTags = vm().listHosts({ details: "All/AGs", show_tags: 1, host_metadata: "ec2" }, example("hostList"));
    const hosts = await all(withTags);
    expect(hosts).toHaveLength(1);
    const host = hosts[0]!;
    expect(host).toMatchObject({ id: 107800671, assetId: 41234567, ip: "10.0.0.5", dns: "web01.example.com", os: "Ubuntu 22.04", lastVmScannedDuration: 1234 });
    expect(host.lastVulnScanDatetime).toEqual(new Date("2026-11-20T03:00:00Z"));
    expect(host.dnsData).toEqual({ hostname: "web01", domain: "example.com", fqdn: "web01.example.com" });
    expect(host.arsFactors?.vulnCount).toEqual([{ qdsSeverity: "CRITICAL", value: 2 }, { qdsSeverity: "HIGH", value: 7 }]);
    expect(host.tags).toEqual([{ tagId: 7654321, name: "Production" }]);
    expect(host.metadata?.ec2?.[0]).toMatchObject({ name: "latest/meta-data/instance-type", lastStatus: "Success", value: "t3.large" });
    expect(host.userDef?.value1).toEqual({ udAttr: "Location", value: "Frankfurt" });
    expect(host.assetGroupIds).toBe("1234,1235");
    // The GLOSSARY that names those ids is in the page's rest-of-document.
    expect(withTags.pages[0]?.response?.glossary).toEqual({ userDef: { label1: "Location" }, assetGroupList: [{ id: 1234, title: "Web servers" }] });
  });

  contractTest("vm", "purgeHosts", async () => {
    expect((await vm().purgeHosts({ ids: "107800671" }, example("purged"))).response?.text).toBe("Hosts successfully purged");
  });

  contractTest("vm", "listHostDetections", async () => {
    const hosts = await all(vm().listHostDetections({ ids: "6506432", show_qds: 1, show_qds_factors: 1 }, example("detections")));
    expect(hosts).toHaveLength(1);
    const [host] = hosts;
    expect(host!.id).toBe(6506432);
    expect(host!.detectionList).toHaveLength(1);
    const d = host!.detectionList![0]!;
    expect(d).toMatchObject({ qid: 38170, severity: 2, port: 3389, ssl: true, isIgnored: false, status: "Active" });
    expect(d.qds).toEqual({ severity: "LOW", value: 25 });
    expect(d.qdsFactors).toEqual([{ name: "CVSS", value: "5.0" }]);
    // The 5.0 elements of the (synthetic) example, typed; repeated ones as lists.
    expect(d).toMatchObject({
      cve: ["CVE-2015-0204", "CVE-2015-1637"],
      vulnerabilityDetectionSources: ["Cloud Agent", "Scanner"],
      latestVulnerabilityDetectionSource: "Cloud Agent",
      mitreTacticId: ["TA0006"],
      mitreTechniqueName: ["Adversary-in-the-Middle"],
      truriskEliminationStatus: "Not Applicable",
    });
    expect(host!.metadata?.alicloud).toEqual([{ name: "latest/meta-data/instance/instance-type", lastStatus: "Success", value: "ecs.g7.large", lastSuccessDate: "2018-04-13T03:40:00Z" }]);
    expect(d.extra).toBeUndefined();
    expect(d.results).toBe("Certificate #0 CN=2k8r2-u-10-11 doesn't resolve");
  });

  contractTest("vm", "listIps", async () => {
    const ips = await vm().listIps(undefined, example("ipList"));
    expect(ips.response?.ipSet).toEqual({ ip: ["10.0.0.5"], ipRange: ["10.0.1.1-10.0.1.254"] });
  });

  contractTest("vm", "addIps", async () => {
    const r = await vm().addIps({ ips: "10.0.0.9", enable_vm: 1 }, example("ipsAdded"));
    expect(r.response?.text).toBe("IPs successfully added to Vulnerability Management");
  });

  contractTest("vm", "updateIps", async () => {
    expect((await vm().updateIps({ ips: "10.0.0.9", owner: "ops" }, example("ipsUpdated"))).response?.text).toBe("IPs successfully updated");
  });

  contractTest("vm", "listAssetGroups", async () => {
    const groups = await all(vm().listAssetGroups(undefined, example("assetGroups")));
    expect(groups).toEqual([{ id: 1234, title: "Web servers", ipSet: { ip: ["10.0.0.5"], ipRange: ["10.0.2.1-10.0.2.20"] } }]);
  });

  contractTest("vm", "addAssetGroup", async () => {
    const r = await vm().addAssetGroup({ title: "DB servers", ips: "10.0.3.1" }, example("assetGroupAdded"));
    expect(r.response?.itemList).toEqual([{ key: "ID", value: "1235" }]);
  });

  contractTest("vm", "editAssetGroup", async () => {
    expect((await vm().editAssetGroup({ id: 1235, set_title: "DBs" }, example("assetGroupEdited"))).response?.text).toBe("Asset Group Updated Successfully");
  });

  contractTest("vm", "deleteAssetGroup", async () => {
    expect((await vm().deleteAssetGroup({ id: 1235 }, example("assetGroupDeleted"))).response?.text).toBe("Asset Group Deleted Successfully");
  });

  contractTest("vm", "listScans", async () => {
    const scans = await all(vm().listScans({ state: "Finished,Error" }, example("scanList")));
    expect(scans.map((s) => s.status?.state)).toEqual(["Error", "Finished"]);
    expect(scans[1]).toMatchObject({ ref: "scan/1512633883.79354", duration: "00:07:02", processed: true, target: "47.69.112.62" });
  });

  contractTest("vm", "launchScan", async () => {
    const r = await vm().launchScan({ scan_title: "t", ip: "10.0.0.5", option_id: 552233 }, example("scanLaunched"));
    expect(Object.fromEntries(r.response!.itemList!.map((i) => [i.key, i.value]))).toEqual({ ID: "1234567", REFERENCE: "scan/1763978400.12345" });
  });

  contractTest("vm", "cancelScan", async () => {
    expect((await vm().cancelScan({ scan_ref: "scan/1" }, example("scanCanceled"))).response?.text).toBe("Scan canceled");
  });

  contractTest("vm", "pauseScan", async () => {
    expect((await vm().pauseScan({ scan_ref: "scan/1" }, example("scanPaused"))).response?.text).toBe("Scan paused");
  });

  contractTest("vm", "resumeScan", async () => {
    expect((await vm().resumeScan({ scan_ref: "scan/1" }, example("scanResumed"))).response?.text).toBe("Scan resumed");
  });

  contractTest("vm", "deleteScan", async () => {
    expect((await vm().deleteScan({ scan_ref: "scan/1" }, example("scanDeleted"))).response?.text).toBe("Scan deleted");
  });

  contractTest("vm", "fetchScan", async () => {
    const response = await vm().fetchScan({ scan_ref: "scan/1", output_format: "json" }, example("scanResults", { Accept: "application/json" }));
    expect(await response.json()).toEqual([{ ip: "47.69.112.62", dns: "", netbios: "", qid: 38170, result: "Certificate #0 ..." }]);
  });

  contractTest("vm", "listComplianceScans", async () => {
    const scans = await all(vm().listComplianceScans(undefined, example("complianceScans")));
    expect(scans[0]?.ref).toBe("compliance/1763978400.5501");
  });

  contractTest("vm", "launchComplianceScan", async () => {
    const r = await vm().launchComplianceScan({ scan_title: "pc", ip: "10.0.0.5" }, example("complianceScanLaunched"));
    expect(r.response?.text).toBe("New compliance scan launched");
  });

  contractTest("vm", "listScanSchedules", async () => {
    const schedules = await all(vm().listScanSchedules(undefined, example("scanSchedules")));
    expect(schedules).toEqual([{ id: 987, active: true, title: "Weekly web servers", userLogin: "acme_ab12", target: "10.0.0.5" }]);
  });

  contractTest("vm", "listReports", async () => {
    const reports = await all(vm().listReports(undefined, example("reportList")));
    expect(reports[0]).toMatchObject({ id: 4927942, outputFormat: "XML", status: { state: "Finished" } });
  });

  contractTest("vm", "launchReport", async () => {
    const r = await vm().launchReport({ template_id: 91078694, output_format: "xml" }, example("reportLaunched"));
    expect(r.response?.itemList?.[0]).toEqual({ key: "ID", value: "4927942" });
  });

  contractTest("vm", "fetchReport", async () => {
    // The documented example is a report that is not ready yet: CODE 7001 under HTTP 200.
    const err = await vm().fetchReport({ id: 4927942 }, example("reportNotReady")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QualysApiError);
    expect(err).toMatchObject({ code: "7001", text: "Report cannot be fetched.", httpStatus: 200 });
    // A finished report is handed over as it came: here the XML scan report, as text and as a stream.
    const text = await vm().fetchReport({ id: 4927942 }, { ...example("reportXml"), as: "text" });
    expect(text).toContain("<ASSET_DATA_REPORT>");
    expect(text).toContain('<QID id="qid_38173">38173</QID>');
    const stream = await vm().fetchReport({ id: 4927942 }, { ...example("reportXml"), as: "stream" });
    let bytes = 0;
    for (const reader = stream.getReader(); ; ) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    expect(bytes).toBe(Buffer.byteLength(text));
  });

  contractTest("vm", "cancelReport", async () => {
    expect((await vm().cancelReport({ id: 4927942 }, example("reportCanceled"))).response?.text).toBe("Report canceled");
  });

  contractTest("vm", "deleteReport", async () => {
    expect((await vm().deleteReport({ id: 4927942 }, example("reportDeleted"))).response?.text).toBe("Report deleted");
  });

  contractTest("vm", "listScheduledReports", async () => {
    const reports = await all(vm().listScheduledReports(undefined, example("scheduledReports")));
    expect(reports).toEqual([{ id: 5566, title: "Monthly executive report", outputFormat: "PDF", active: true }]);
  });

  contractTest("vm", "launchScheduledReportNow", async () => {
    expect((await vm().launchScheduledReportNow({ id: 5566 }, example("scheduledReportLaunched"))).response?.text).toBe("Scheduled report launched");
  });

  contractTest("vm", "listVulns", async () => {
    const vulns = await all(vm().listVulns({ ids: "316760" }, example("kbVulns")));
    expect(vulns).toHaveLength(1);
    expect(vulns[0]).toMatchObject({ qid: 316760, severityLevel: 3, category: "Cisco", patchable: true, patchPublishedDate: new Date("2020-09-24T00:00:00Z"), softwareList: [{ product: "ios_xe", vendor: "cisco" }] });
  });

  contractTest("vm", "listPolicies", async () => {
    const policies = await all(vm().listPolicies(undefined, example("policies")));
    expect(policies[0]).toMatchObject({ id: 3311, isLocked: false, created: { by: "acme_ab12" } });
  });

  contractTest("vm", "exportPolicy", async () => {
    const response = await vm().exportPolicy({ id: 3311 }, example("policyExport"));
    expect(await response.text()).toContain("<POLICY_EXPORT_OUTPUT>");
  });

  contractTest("vm", "listPostureInfo", async () => {
    const info = await all(vm().listPostureInfo({ policy_id: 3311 }, example("posture")));
    expect(info[0]).toMatchObject({ hostId: 107800671, controlId: 1071, status: "Failed" });
  });

  contractTest("vm", "listControls", async () => {
    const controls = await all(vm().listControls(undefined, example("controls")));
    expect(controls[0]).toMatchObject({ id: 1071, criticality: { label: "SERIOUS", value: 3 } });
  });

  contractTest("vm", "exportOptionProfiles", async () => {
    const profiles = await all(vm().exportOptionProfiles(undefined, example("optionProfiles")));
    expect(profiles[0]?.basicInfo).toMatchObject({ id: 552233, groupName: "Initial Options", isDefault: true });
    expect(profiles[0]?.scan?.ports?.tcpPorts).toEqual({ tcpPortsType: "standard", threeWayHandshake: "0" });
    expect(profiles[0]?.scan?.performance).toMatchObject({ overallPerformance: "Normal", hostsToScan: { externalScanners: "15", scannerAppliances: "30" } });
    expect(profiles[0]?.scan?.authentication).toBe("Windows,Unix/Linux");
    expect(profiles[0]?.additional?.hostDiscovery?.tcpPorts?.standardScan).toBe("1");
    // Sections the schema leaves out are kept, not dropped.
    expect(profiles[0]?.extra).toEqual({ OS_BASED_INSTANCE_DISC_COLLECTION: { TECHNOLOGIES: { TECHNOLOGY: "Apache" } } });
  });

  contractTest("vm", "listAppliances", async () => {
    const appliances = await all(vm().listAppliances(undefined, example("appliances")));
    expect(appliances[0]).toMatchObject({ id: 11223, name: "dc1-scanner", runningScanCount: 1 });
  });

  contractTest("vm", "listActivityLog", async () => {
    const csv = await vm().listActivityLog({ since_datetime: "2026-11-24" }, { ...example("activityLog"), as: "text" });
    expect(csv).toContain('"acme_ab12","Manager"');
  });

  contractTest("vm", "listReportTemplates", async () => {
    const templates = await all(vm().listReportTemplates(undefined, example("templates")));
    expect(templates[0]).toMatchObject({ id: 91078694, title: "Executive Report", global: true, user: { login: "Thomas" } });
  });

  contractTest("vm", "listUsers", async () => {
    const users = await all(vm().listUsers(undefined, example("users")));
    expect(users[0]).toMatchObject({ userLogin: "acme_ab12", contactInfo: { email: "alice@example.com" } });
  });

  contractTest("vm", "searchHostAssets", async () => {
    const assets = await all(vm().searchHostAssets({ filters: [{ field: "qwebHostId", operator: "EQUALS", value: "107800671" }] }, example("hostAssets")));
    expect(assets[0]).toMatchObject({ id: 84047683, qwebHostId: 107800671, isDockerHost: false, trackingMethod: "INSTANCE_ID" });
  });

  contractTest("vm", "searchTags", async () => {
    const tags = await all(vm().searchTags({ filters: [{ field: "name", operator: "CONTAINS", value: "Cloud" }] }, example("tags")));
    expect(tags).toEqual([{ id: 10488391, name: "Cloud Agent", color: "#FFFFFF", ruleType: "CLOUD_ASSET" }]);
  });

  contractTest("vm", "getPortalVersion", async () => {
    const version = await vm().getPortalVersion(undefined, example("version"));
    expect(version.data?.qwebVersion?.scanner).toBe("12.1.67-1");
  });
});
