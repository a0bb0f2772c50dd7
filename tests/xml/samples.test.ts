/**
 * Every Qualys sample in tests/fixtures/qualys-xml decodes to the expected typed values, through
 * descriptors the emitter made from the test schemas in tests/xml/schemas (written from the
 * DTDs), so these tests do not depend on specs/vm.yaml.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { QualysApiError } from "../../src/runtime/errors/qualys-api-error.js";
import { SIMPLE_RETURN } from "../../src/runtime/xml/builtin.js";
import * as H from "./generated/hosts.descriptors.js";
import * as K from "./generated/knowledge-base.descriptors.js";
import * as Q from "./generated/qps.descriptors.js";
import * as S from "./generated/scans-reports.descriptors.js";
import { documentOf, fixture, fixturesDir, records, rejection } from "./support.js";

/** Fixtures each test below decodes; the last test checks none is left out. */
const decoded = new Set<string>();
const sample = (name: string) => {
  decoded.add(name);
  return fixture(name);
};

describe("host detection list (HOST_LIST_VM_DETECTION_OUTPUT)", () => {
  it("decodes the graph-qualys fixture with line breaks inside its tags", async () => {
    const { records: hosts, document } = await records(sample("j1_fixture_detections.xml"), H.HostListVmDetectionOutput);
    expect(hosts).toHaveLength(1);
    const host = hosts[0]!;
    expect(host).toMatchObject({ id: 6506432, ip: "10.10.10.11", trackingMethod: "IP", dns: "2k8r2-u-10-11", netbios: "2K8R2-U-10-11", lastVmScannedDuration: 352 });
    expect(host.os).toBe("Windows 2008 R2 Enterprise Service Pack1");
    expect(host.lastScanDatetime).toEqual(new Date("2018-04-13T03:49:05Z"));
    expect(host.lastVmScannedDate).toEqual(new Date("2018-04-13T03:48:50Z"));
    expect(host.detectionList!.map((d) => d.qid)).toEqual([38170, 38173, 38601]);
    const [first, second] = host.detectionList!;
    expect(first).toMatchObject({ type: "Confirmed", severity: 2, port: 3389, protocol: "tcp", ssl: true, status: "Active", timesFound: 111, isIgnored: false, isDisabled: false });
    // Entities inside CDATA are not entities: kept verbatim.
    expect(first!.results).toBe("Certificate #0 CN=2k8r2-u-10-11(2k8r2-u-10-11) doesn&apos;tresolve");
    expect(first!.firstFoundDatetime).toEqual(new Date("2018-01-26T04:45:50Z"));
    expect(first!.lastProcessedDatetime).toEqual(new Date("2018-04-13T03:49:05Z"));
    expect(second!.results).toBe("Certificate #0 CN=2k8r2-u-10-11\nunable to get local\nissuer certificate");
    expect(document.response?.datetime).toEqual(new Date("2020-09-27T01:29:21Z"));
    expect(document.response?.hostList).toBeUndefined();
    expect(document.response?.warning).toBeUndefined();
  });

  it("decodes QDS with its severity attribute, QDS_FACTORS, CDATA on its own line and the 1980 WARNING", async () => {
    const { records: hosts, document } = await records(sample("own_hld_qds_truncated_warning.xml"), H.HostListVmDetectionOutput);
    expect(hosts.map((h) => h.id)).toEqual([7000001]);
    const host = hosts[0]!;
    expect(host.os).toBe("Windows Server 2022");
    expect(host.dnsData).toEqual({ hostname: "files01", domain: "corp.example", fqdn: "files01.corp.example" });
    expect(host.lastVmScannedDuration).toBe(402);
    const [kernel, tls] = host.detectionList!;
    expect(kernel).toMatchObject({ uniqueVulnId: 880001, qid: 91938, type: "Confirmed", severity: 5, ssl: false, affectRunningKernel: true, timesFound: 12, qds: { severity: "CRITICAL", value: 95 } });
    expect(kernel!.qdsFactors).toEqual([
      { name: "CVSS", value: "9.8" },
      { name: "CVSS_version", value: "v3.x" },
      { name: "epss", value: "0.97" },
      { name: "CISA_vuln", value: "YES" },
    ]);
    expect(kernel!.results).toBe("KB5031364 is not installed\n%windir%\\system32\\ntoskrnl.exe  Version is  10.0.20348.2031");
    expect(tls).toMatchObject({ uniqueVulnId: 880002, qid: 38794, port: 443, ssl: true, status: "New", affectRunningKernel: false, qds: { severity: "MEDIUM", value: 48 } });
    expect(tls!.results).toBe('TLSv1.0 is supported &amp; "enabled" < TLSv1.2');
    expect(tls!.qdsFactors).toBeUndefined();
    expect(document.response?.datetime).toEqual(new Date("2026-11-20T06:00:00Z"));
    expect(document.response?.warning).toEqual({
      code: 1980,
      text: "1 record limit exceeded. Use URL to get next batch of results.",
      url: "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list&show_qds=1&show_qds_factors=1&truncation_limit=1&id_min=7000002",
    });
  });

  it("decodes an empty page (only DATETIME) with comments before and after the root", async () => {
    const { records: hosts, document } = await records(sample("j1_hld_empty_response.xml"), H.HostListVmDetectionOutput);
    expect(hosts).toEqual([]);
    expect(document).toEqual({ response: { datetime: new Date("2020-09-27T01:23:33Z") } });
  });
});

describe("host list (HOST_LIST_OUTPUT)", () => {
  it("reads an ID_SET (details=None)", async () => {
    const { records: hosts, document } = await records(sample("j1_host_list_output_id_set.xml"), H.HostListOutput);
    expect(hosts).toEqual([]);
    expect(document.response).toEqual({ datetime: new Date("2020-09-28T01:41:27Z"), idSet: { id: [107800671] } });
  });

  it.each([
    ["j1_host_list_output_empty_legacy_dtd.xml", "2020-09-24T23:51:12Z"],
    ["j1_host_list_output_empty_new_dtd.xml", "2022-10-28T16:56:25Z"],
  ])("reads the empty answer whatever the DTD URL (%s)", async (name, datetime) => {
    const { records: hosts, document } = await records(sample(name), H.HostListOutput);
    expect(hosts).toEqual([]);
    expect(document).toEqual({ response: { datetime: new Date(datetime) } });
  });

  it("decodes details=All hosts as the DTD describes them (ARS factors, metadata, user-defined fields, glossary)", async () => {
    const { records: hosts, document } = await records(sample("own_host_list_output_details.xml"), H.HostListOutput);
    expect(hosts.map((h) => h.id)).toEqual([2001, 2002]);
    const [cloud, bare] = hosts;
    expect(cloud).toMatchObject({ assetId: 900001, assetRiskScore: 712, assetCriticalityScore: 3, trackingMethod: "EC2", networkId: 0, cloudProvider: "AWS", ec2InstanceId: "i-0abc123def4567890" });
    expect(cloud!.arsFactors).toEqual({
      arsFormula: "ACS * (wc * Count_C + wh * Count_H + wm * Count_M) ^ (1/0.01)",
      vulnCount: [
        { qdsSeverity: "CRITICAL", count: 2 },
        { qdsSeverity: "HIGH", count: 5 },
        { qdsSeverity: "MEDIUM", count: 11 },
      ],
    });
    expect(cloud!.tags).toEqual([{ tagId: 7001, name: "Production" }]);
    expect(cloud!.metadata?.ec2).toEqual([
      { name: "latest/meta-data/instance-type", lastStatus: "Success", value: "t3.large", lastSuccessDate: new Date("2026-11-20T23:59:00Z") },
      // An empty CDATA value is the empty string: present, unlike an absent element.
      { name: "latest/meta-data/placement/region", lastStatus: "Error", value: "", lastErrorDate: new Date("2026-11-20T23:59:00Z"), lastError: "timeout" },
    ]);
    expect(cloud!.cloudProviderTags).toEqual([{ name: "Owner", value: "platform-team", lastSuccessDate: new Date("2026-11-20T23:59:00Z") }]);
    expect(cloud!.userDef).toEqual({ label1: "Rack", value1: { udAttr: "Rack", value: "B-07" } });
    expect(cloud!.lastVmScannedDuration).toBe(611);
    expect(cloud!.assetGroupIds).toBe("11,12,20-22");
    // An empty wrapper is an empty list, not an absent one.
    expect(bare).toEqual({ id: 2002, ip: "192.0.2.32", trackingMethod: "IP", tags: [] });
    expect(document.response?.warning).toEqual({
      code: 1980,
      text: "2 record limit exceeded. Use URL to get next batch of results.",
      url: "https://qualysapi.qualys.com/api/2.0/fo/asset/host/?action=list&details=All&truncation_limit=2&id_min=2003",
    });
    expect(document.response?.glossary).toEqual({
      userList: [{ userLogin: "exwid_ab3", firstName: "Ada", lastName: "Example" }],
      assetGroupList: [{ id: 11, title: "Cloud" }],
    });
  });
});

describe("IP list (IP_LIST_OUTPUT)", () => {
  it("reads IP and IP_RANGE entries and the echoed request", async () => {
    const doc = await documentOf(sample("own_ip_list_output.xml"), H.IpListOutput);
    expect(doc.response).toEqual({
      datetime: new Date("2026-11-20T08:00:01Z"),
      ipSet: { ip: ["192.0.2.1", "192.0.2.42"], ipRange: ["192.0.2.10-192.0.2.20", "198.51.100.0-198.51.100.255"] },
    });
    expect(doc.request?.paramList).toEqual([
      { key: "action", value: "list" },
      { key: "echo_request", value: "1" },
    ]);
    expect(doc.request?.resource).toBe("https://qualysapi.qualys.com/api/2.0/fo/asset/ip/");
  });
});

describe("KnowledgeBase (KNOWLEDGE_BASE_VULN_LIST_OUTPUT)", () => {
  it("streams 42 vulns with HTML in CDATA and THREAT_INTEL ids", async () => {
    const { records: vulns, document } = await records(sample("j1_kb_vuln_list_42_vulns.xml"), K.KnowledgeBaseVulnListOutput);
    expect(vulns).toHaveLength(42);
    expect(new Set(vulns.map((v) => v.qid)).size).toBe(42);
    expect(vulns[0]).toMatchObject({
      qid: 6,
      vulnType: "Information Gathered",
      severityLevel: 1,
      title: "DNS Host Name",
      category: "Information gathering",
      patchable: false,
      pciFlag: false,
      publishedDatetime: new Date("1999-01-01T08:00:00Z"),
      lastServiceModificationDatetime: new Date("2018-01-04T17:39:37Z"),
      softwareList: [{ product: "dns_server", vendor: "none" }],
      discovery: { remote: true },
    });
    const intel = vulns.flatMap((v) => v.threatIntelligence ?? []);
    expect(intel).toHaveLength(32);
    expect(intel).toContainEqual({ id: 8, value: "No_Patch" });
    expect(intel.every((t) => Number.isInteger(t.id) && typeof t.value === "string")).toBe(true);
    expect(vulns.filter((v) => v.diagnosis?.includes("<P>") || v.solution?.includes("<A HREF=")).length).toBeGreaterThan(5);
    expect(vulns.flatMap((v) => v.softwareList ?? [])).toHaveLength(23);
    expect(document.response?.datetime).toEqual(new Date("2022-10-28T16:56:27Z"));
  });

  it("skips the keep-alive comment inside RESPONSE", async () => {
    const { records: vulns } = await records(sample("j1_kb_vuln_list_single_keepalive.xml"), K.KnowledgeBaseVulnListOutput);
    expect(vulns).toHaveLength(1);
    const vuln = vulns[0]!;
    expect(vuln).toMatchObject({ qid: 316760, vulnType: "Vulnerability or Potential Vulnerability", severityLevel: 3, category: "Cisco", patchable: true, pciFlag: true });
    expect(vuln.softwareList).toEqual([{ product: "ios_xe", vendor: "cisco" }]);
    expect(vuln.vendorReferenceList).toEqual([
      { id: "cisco-sa-iosxe-cmdinj-2MzhjM6K", url: "https://tools.cisco.com/security/center/content/CiscoSecurityAdvisory/cisco-sa-iosxe-cmdinj-2MzhjM6K" },
    ]);
    expect(vuln.cveList).toEqual([{ id: "CVE-2020-3403", url: "http://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2020-3403" }]);
    expect(vuln.discovery).toEqual({ remote: true, authTypeList: ["Unix", "SNMP", "WEBLOGIC_VULN"], additionalInfo: "Patch Available" });
    // CDATA is verbatim, its leading space included.
    expect(vuln.consequence).toBe(" A successful exploit could allow the attacker to execute commands with root privileges each time the affected device is restarted.<P>");
    expect(vuln.diagnosis).toContain("using &quot;show version&quot; command");
  });

  it("ignores keep-alive comments after the root", async () => {
    const { records: vulns, document } = await records(sample("j1_kb_vuln_list_empty_trailing_keepalive.xml"), K.KnowledgeBaseVulnListOutput);
    expect(vulns).toEqual([]);
    expect(document).toEqual({ response: { datetime: new Date("2020-10-07T17:45:59Z") } });
  });

  it("decodes every part of the KB DTD (CVSS, CVSS_V3, correlation, compliance, change log)", async () => {
    const { records: vulns, document } = await records(sample("own_kb_vuln_full.xml"), K.KnowledgeBaseVulnListOutput, 5);
    expect(vulns).toHaveLength(1);
    const v = vulns[0]!;
    expect(v).toMatchObject({ qid: 990001, severityLevel: 4, detectionInfo: "Version check", patchable: true, automaticPciFail: true, isDisabled: false, supportedModules: "VM,CA-Linux Agent" });
    expect(v.lastCustomization).toEqual({ datetime: new Date("2026-03-04T05:06:07Z"), userLogin: "exwid_ab3" });
    expect(v.bugtraqList).toEqual([{ id: "100001", url: "https://www.securityfocus.example/bid/100001" }]);
    expect(v.cveList?.map((c) => c.id)).toEqual(["CVE-2026-0001", "CVE-2026-0002"]);
    expect(v.diagnosis).toBe("A crafted request header reaches <B>eval</B>.<P>Affected: 2.0 &lt; 2.4.1");
    expect(v.complianceList).toEqual([{ type: "PCI", section: "6.2", description: "Protect system components from known vulnerabilities." }]);
    expect(v.correlation?.exploits?.[0]?.expltList).toEqual([
      { ref: "CVE-2026-0001", desc: "Proof of concept", link: "https://exploits.example/1" },
      { ref: "CVE-2026-0002", desc: "Metasploit-style module" },
    ]);
    expect(v.correlation?.malware).toEqual([{ srcName: "Malware Feed", mwList: [{ mwId: "EXAMPLE.BOT.A", mwType: "Backdoor", mwRating: "High" }] }]);
    expect(v.cvss).toMatchObject({ base: { source: "service", value: "9.3" }, temporal: "7.7", access: { vector: "3", complexity: "2" }, impact: { confidentiality: "3", integrity: "3", availability: "3" } });
    expect(v.cvssV3).toMatchObject({ base: { value: "9.8" }, cvss3Version: "3.1", attack: { vector: "1", complexity: "1" }, scope: "1" });
    expect(v.pciReasons).toEqual(["CVSS base score 4.0 or higher"]);
    expect(v.threatIntelligence).toEqual([
      { id: 1, value: "Zero_Day" },
      { id: 4, value: "Active_Attacks" },
    ]);
    expect(v.discovery).toEqual({ remote: false, authTypeList: ["Unix"], additionalInfo: "Patch Available, Exploit Available" });
    expect(v.changeLogList).toEqual([{ changeDate: new Date("2026-02-01T00:00:00Z"), comments: "Added the authenticated check." }]);
    expect(document.response?.warning).toEqual({
      code: "1980",
      text: "1 record limit exceeded. Use URL to get next batch of results.",
      url: "https://qualysapi.qualys.com/api/2.0/fo/knowledge_base/vuln/?action=list&id_min=990002",
    });
  });
});

describe("scans, reports, option profiles", () => {
  it("lists five scans with their states", async () => {
    const { records: scans, document } = await records(sample("rq_scan_list_output.xml"), S.ScanListOutput);
    expect(scans.map((s) => s.ref)).toEqual(["scan/1512633905.79357", "scan/1512633883.79354", "scan/1512633720.79248", "scan/1512469561.67379", "scan/1512466786.67046"]);
    expect(scans.map((s) => s.status?.state)).toEqual(["Error", "Finished", "Error", "Finished", "Finished"]);
    expect(scans[0]).toEqual({
      ref: "scan/1512633905.79357",
      type: "On-Demand",
      title: "shellshock 20171207",
      userLogin: "Thomas",
      launchDatetime: new Date("2017-12-07T08:05:05Z"),
      duration: "00:01:43",
      processingPriority: "0 - No Priority",
      processed: true,
      status: { state: "Error" },
      target: "47.69.112.62",
    });
    expect(scans[3]!.processingPriority).toBe("1 - Emergency");
    expect(document.response?.datetime).toEqual(new Date("2017-12-11T08:49:57Z"));
  });

  it("reads an empty scan list", async () => {
    const { records: scans, document } = await records(sample("rq_scan_list_output_empty.xml"), S.ScanListOutput);
    expect(scans).toEqual([]);
    expect(document).toEqual({ response: { datetime: new Date("2017-12-11T08:49:57Z") } });
  });

  it("streams the v1 report template list (records directly under the root)", async () => {
    const { records: templates, document } = await records(sample("rq_report_template_list_msp.xml"), S.ReportTemplateList);
    expect(templates).toHaveLength(13);
    expect(templates[0]).toEqual({
      id: 91078694,
      type: "Auto",
      templateType: "Scan",
      title: "Executive Report",
      user: { login: "Thomas", firstname: "Thomas", lastname: "Trust" },
      lastUpdate: new Date("2017-11-23T15:01:57Z"),
      global: true,
    });
    expect(templates.at(-1)).toMatchObject({ id: 91078709, templateType: "Map", title: "Unknown Device Report" });
    expect(document).toEqual({});
  });

  it("streams the hosts of a real ASSET_DATA_REPORT and keeps the glossary", async () => {
    const { records: hosts, document } = await records(sample("rq_report_fetch_asset_data_report.xml"), S.AssetDataReport, 13);
    expect(hosts).toHaveLength(1);
    const host = hosts[0]!;
    expect(host).toMatchObject({ ip: { address: "47.69.112.62" }, trackingMethod: "IP", dns: "somehost", operatingSystem: "Ubuntu / Tiny Core Linux / Linux 2.6.x" });
    expect(host.vulnInfoList).toHaveLength(16);
    expect(host.vulnInfoList![0]).toEqual({
      qid: { id: "qid_38173", value: 38173 },
      type: "Vuln",
      port: 25,
      service: "smtp",
      protocol: "tcp",
      ssl: true,
      result: { text: "Certificate #0 CN=localhost.localdomain self signed certificate" },
      firstFound: new Date("2017-12-07T08:12:19Z"),
      lastFound: new Date("2017-12-07T08:12:19Z"),
      timesFound: 1,
      vulnStatus: "New",
    });
    expect(document.header).toMatchObject({
      company: "ACME",
      username: "Thomas",
      generationDatetime: new Date("2017-12-18T13:18:08Z"),
      target: { userIpList: [{ start: "47.69.112.62", end: "47.69.112.62" }], combinedIpList: [{ start: "47.69.112.62", end: "47.69.112.62" }] },
      riskScoreSummary: { totalVulnerabilities: 16, avgSecurityRisk: 2.6, businessRisk: "12/100" },
    });
    expect(document.hostList).toBeUndefined();
    const details = document.glossary?.vulnDetailsList ?? [];
    expect(details).toHaveLength(13);
    expect(details[0]).toMatchObject({ id: "qid_11827", qid: { id: "qid_11827", value: 11827 }, title: "HTTP Security Header Not Detected", severity: 2, category: "CGI" });
    expect(details.at(-1)?.cveIdList).toEqual([{ id: "CVE-1999-0524", url: "http://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-1999-0524" }]);
    // Undeclared parts (CORRELATION…) are kept in extra, not dropped.
    expect(JSON.stringify(details.map((d) => d.extra ?? {}))).toContain("EXPLT_SRC");
    expect(document.appendices?.templateDetails?.filterSummary).toBe(
      "Status:New, Active, Re-Opened, Fixed\n        Vulnerabilities:\n        State:Active\n        Included Operating Systems:\n        All Operating Systems",
    );
  });

  it("decodes the ASSET_DATA_REPORT hazards: true/false booleans, text with attributes, '-' scores, unknown TARGET parts", async () => {
    const { records: hosts, document } = await records(sample("own_asset_data_report.xml"), S.AssetDataReport, 7);
    expect(hosts.map((h) => [h.ip, h.hostId])).toEqual([
      [{ networkId: 0, address: "203.0.113.12" }, 4410021],
      [{ networkId: -100, address: "198.51.100.7" }, 4410022],
    ]);
    const [fs01, win] = hosts;
    expect(fs01!.assetTags).toEqual(["Cloud Agent", "branch"]);
    expect(fs01!.qgHostid).toBe("0f3c9a52-7d1e-4b8a-9c61-2a5e0d4f7b13");
    expect(fs01!.vulnInfoList![0]).toMatchObject({
      qid: { id: "qid_38739", value: 38739 },
      ssl: false,
      result: { format: "table", text: "Type\tName\nkey exchange\tdiffie-hellman-group1-sha1\ncipher\t3des-cbc" },
      cvssFinal: "4.3",
      cvss3Final: "5.9",
    });
    expect(fs01!.vulnInfoList![1]).toMatchObject({ qid: { value: 6 }, type: "Ig", result: { text: "br-fs01.branch.example" } });
    expect(win!.vulnInfoList).toEqual([
      {
        qid: { id: "qid_38739", value: 38739 },
        type: "Vuln",
        port: 3389,
        protocol: "tcp",
        ssl: true,
        firstFound: new Date("2026-09-30T10:11:12Z"),
        lastFound: new Date("2026-09-30T10:11:12Z"),
        timesFound: 1,
        vulnStatus: "New",
      },
    ]);
    expect(document.header?.company).toBe("Example Widgets & Co.");
    expect(document.header?.target?.userAssetGroups).toEqual(["Branch Offices"]);
    expect(document.header?.target?.combinedIpList).toEqual([
      { networkId: -100, start: "198.51.100.0", end: "198.51.100.255" },
      { networkId: 0, start: "203.0.113.10", end: "203.0.113.20" },
    ]);
    expect(document.header?.target?.extra).toEqual({ ASSET_TAG_LIST: { INCLUDED_TAGS: { "@scope": "any", ASSET_TAG: "branch" } } });
    expect(document.header?.riskScoreSummary).toEqual({ totalVulnerabilities: 3, avgSecurityRisk: 3.4, businessRisk: "21/100" });
    const details = document.glossary!.vulnDetailsList![0]!;
    expect(details.threat).toBe(
      "The SSH server accepts algorithms that are no longer considered strong. \n<P>\nAn attacker in a privileged network position may be able to weaken the session.",
    );
    expect(details.cvssScore).toEqual({ cvssBase: { source: "service", value: "4.3" }, cvssTemporal: "3.4" });
    expect(details.cvss3Score).toEqual({ cvss3Base: "-", cvss3Temporal: "-" });
    expect(details.lastUpdate).toEqual(new Date("2025-11-04T12:00:00Z"));
    expect(document.appendices?.noResults?.ipList).toEqual([{ networkId: -100, start: "198.51.100.0", end: "198.51.100.6" }]);
    expect(document.appendices?.templateDetails?.filterSummary).toBe("Status:New, Active, Re-Opened\n        Display non-running kernels:\n        Off");
  });

  it("streams the IPs of a legacy scan-1.dtd SCAN report (attributes everywhere)", async () => {
    const { records: ips, document } = await records(sample("own_scan_v1.xml"), S.LegacyScan, 11);
    expect(ips.map((i) => [i.address, i.name, i.os])).toEqual([
      ["192.0.2.10", "mail.example.com", "Linux 5.x"],
      ["192.0.2.11", "www.example.com", "Linux 6.x"],
    ]);
    expect(ips[0]!.vulns?.cat).toEqual([
      {
        value: "SMTP and Mail",
        port: 25,
        protocol: "tcp",
        vuln: [{ number: 74042, severity: 3, title: "SMTP Open Relay &amp; Spoofing", result: { text: "Relay accepted for <test@example.net>" } }],
      },
    ]);
    expect(ips[1]!.vulns?.cat?.[0]?.vuln?.map((v) => [v.number, v.severity])).toEqual([
      [86473, 2],
      [11827, 3],
    ]);
    expect(document.ref).toBe("scan/1700000000.123");
    expect(document.header?.key).toEqual([
      { name: "USERNAME", value: "acme_ab12" },
      { name: "COMPANY", value: "Example Corp" },
      { name: "DATE", value: "2026-11-01T12:00:00Z" },
      { name: "TITLE", value: "Legacy format scan" },
      { name: "TARGET", value: "192.0.2.10,192.0.2.11" },
      { name: "STATUS", value: "FINISHED" },
    ]);
  });

  it("streams option profiles written from the OPTION_PROFILES DTD, keeping undeclared parts", async () => {
    const { records: profiles, document } = await records(sample("own_option_profiles.xml"), S.OptionProfiles);
    expect(profiles.map((p) => p.basicInfo?.id)).toEqual([5001, 5002]);
    const [initial, light] = profiles;
    expect(initial!.basicInfo).toEqual({
      id: 5001,
      groupName: "Initial Options",
      groupType: "compliance",
      userId: "Ada Example",
      unitId: 0,
      subscriptionId: 1234,
      isDefault: true,
      isGlobal: true,
      isOfflineSyncable: false,
      updateDate: new Date("2026-05-05T05:05:05Z"),
    });
    expect(initial!.scan?.performance).toEqual({
      overallPerformance: "Normal",
      hostsToScan: { externalScanners: 15, scannerAppliances: 30 },
      processesToRun: { totalProcesses: 10, httpProcesses: 10 },
      packetDelay: "Medium",
      portScanningAndHostDiscovery: "Normal",
    });
    expect(initial!.scan?.passwordBruteForcing).toEqual({
      customList: [{ id: 77, title: "Default admin logins", type: "Login/Password" }],
      extra: { SYSTEM: { HAS_SYSTEM: "1", SYSTEM_LEVEL: "Minimal" } },
    });
    expect(initial!.scan?.extra).toEqual({ PORTS: { TCP_PORTS: { TCP_PORTS_TYPE: "standard", THREE_WAY_HANDSHAKE: "0" } } });
    expect(initial!.extra).toEqual({ ADDITIONAL: { HOST_DISCOVERY: { TCP_PORTS: { STANDARD_SCAN: "1" } } } });
    expect(light!.basicInfo).toMatchObject({ groupName: "Light & Fast", isDefault: false });
    expect(light!.scan).toEqual({ scanDeadHosts: true });
    expect(light!.extra).toEqual({ ADDITIONAL: "" });
    expect(document).toEqual({});
  });
});

describe("QPS REST (ServiceResponse)", () => {
  it("streams a host asset search and keeps the undeclared fields in extra", async () => {
    const { records: assets, document } = await records(sample("j1_qps_hostasset_search.xml"), Q.HostAssetServiceResponse);
    expect(assets).toHaveLength(1);
    const asset = assets[0]!;
    expect(asset).toMatchObject({
      id: 84047683,
      name: "i-02751173c463c34e8",
      created: new Date("2020-09-25T00:50:27Z"),
      type: "HOST",
      qwebHostId: 107800671,
      os: "Linux",
      address: "172.31.66.126",
      trackingMethod: "INSTANCE_ID",
      isDockerHost: false,
    });
    const sourceInfo = asset.extra?.sourceInfo as { list: { Ec2AssetSourceSimple: Record<string, unknown> } };
    expect(sourceInfo.list.Ec2AssetSourceSimple).toMatchObject({ instanceId: "i-02751173c463c34e8", region: "us-east-1", ec2InstanceTags: { tags: { list: "" } } });
    const interfaces = (asset.extra?.networkInterface as { list: { HostAssetInterface: { type: string }[] } }).list.HostAssetInterface;
    expect(interfaces.map((i) => i.type)).toEqual(["PRIVATE", "PUBLIC"]);
    expect(document).toEqual({
      responseCode: "SUCCESS",
      count: 1,
      hasMoreRecords: false,
      extra: { "@xsi:noNamespaceSchemaLocation": "https://qualysapi.qg3.apps.qualys.com/qps/xsd/2.0/am/hostasset.xsd" },
    });
  });

  it("reads the QPS paging fields (count, hasMoreRecords, lastId)", async () => {
    const { records: assets, document } = await records(sample("j1_fixture_list-host-assets.xml"), Q.HostAssetServiceResponse);
    expect(assets.map((a) => [a.id, a.name, a.qwebHostId])).toEqual([
      [3043442, "102115-M83", 12688456922],
      [3043442, "102115-M83", 12688456922],
    ]);
    expect(assets[0]!.tags).toEqual({ list: [{ id: 8832525, name: "Cloud Agent" }] });
    expect(assets[1]!.tags).toEqual({ list: [] });
    expect(document).toMatchObject({ responseCode: "SUCCESS", count: 6, hasMoreRecords: false, lastId: 5693290 });
  });

  it("reads the portal version with dashes in element names", async () => {
    const doc = await documentOf(sample("j1_qps_portal_version.xml"), Q.PortalVersionServiceResponse);
    expect(doc.responseCode).toBe("SUCCESS");
    expect(doc.data?.qwebVersion).toEqual({ web: "10.3.0.2-2", scanner: "12.1.67-1", vulnsigs: "2.4.993-2" });
    expect(doc.data?.portalVersion?.vm).toBe("1.0.3");
    expect(doc.data?.portalVersion?.portalApplication).toBe("3.1.2.0-2 OFFICIAL #597 (2020-09-15T15:54:59Z)");
    expect(doc.data?.portalVersion?.extra).toMatchObject({ "WAS-VERSION": "6.13.1.0", "QUESTIONNAIRE__V2-VERSION": "1.10.1.0" });
    expect(Object.keys(doc.data?.portalVersion?.extra ?? {})).toHaveLength(19);
  });

  it.each([
    ["j1_qps_error_invalid_request_http200.xml", "INVALID_REQUEST", "Criteria: Invalid value format for criteria 'qwebHostId' (abc123).", "Specify criteria value(s) as Long."],
    ["j1_qps_error_invalid_credentials_http200.xml", "INVALID_CREDENTIALS", undefined, undefined],
  ])("raises QualysApiError for %s under HTTP 200", async (name, code, text, resolution) => {
    const err = await rejection(documentOf(sample(name), Q.HostAssetServiceResponse, { httpStatus: 200, operation: "searchHostAssets" }));
    expect(err).toBeInstanceOf(QualysApiError);
    expect(err).toMatchObject({ code, httpStatus: 200, operation: "searchHostAssets", root: "ServiceResponse" });
    if (text) expect(err).toMatchObject({ text, resolution });
  });
});

describe("SIMPLE_RETURN answers", () => {
  it.each([
    ["rq_simple_return_session_login.xml", "Logged in", "2017-12-12T11:13:03Z"],
    ["rq_simple_return_session_logout.xml", "Logged out", "2017-12-11T16:56:34Z"],
  ])("decodes the success %s", async (name, text, datetime) => {
    const doc = await documentOf(sample(name), SIMPLE_RETURN);
    expect(doc).toEqual({ response: { datetime: new Date(datetime), text } });
  });

  it("decodes ITEM_LIST key/value pairs", async () => {
    const launched = await documentOf(sample("rq_simple_return_report_launched.xml"), SIMPLE_RETURN);
    expect(launched.response).toMatchObject({ text: "New report launched", itemList: [{ key: "ID", value: "4927942" }] });
    const deleted = await documentOf(sample("rq_simple_return_report_deleted.xml"), SIMPLE_RETURN);
    expect(deleted.response).toMatchObject({ text: "Report deleted", itemList: [{ key: "ID", value: "4927942" }] });
  });

  it.each([
    ["rq_simple_return_1903_missing_action_http400.xml", 400, "1903", "Missing required parameter(s): action"],
    ["j1_simple_return_1905_invalid_ids_http400.xml", 400, "1905", "parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)"],
    ["rq_simple_return_2000_bad_login_http401.xml", 401, "2000", "Bad Login/Password"],
    ["j1_simple_return_2001_account_expired.xml", 200, "2001", "This account has expired."],
    ["rq_simple_return_7001_report_not_ready.xml", 200, "7001", "Report cannot be fetched."],
  ])("turns %s into QualysApiError, as the expected root or in place of a list", async (name, status, code, text) => {
    for (const root of [SIMPLE_RETURN, Q.LaunchAnswer, H.HostListVmDetectionOutput, S.ScanListOutput]) {
      const err = await rejection(documentOf(sample(name), root, { httpStatus: status, operation: "op" }));
      expect(err).toBeInstanceOf(QualysApiError);
      expect(err).toMatchObject({ code, text, httpStatus: status, operation: "op", root: "SIMPLE_RETURN" });
    }
    // The streaming API raises it from the iterator, after yielding nothing.
    const stream = records(sample(name), H.HostListVmDetectionOutput, 64, { httpStatus: status });
    expect(await rejection(stream)).toMatchObject({ code, text });
  });

  it("finds CODE and TEXT by element name in a spec's own SIMPLE_RETURN schema", async () => {
    const ok = await documentOf(sample("rq_simple_return_report_launched.xml"), Q.LaunchAnswer);
    expect(ok).toEqual({ answer: { at: new Date("2017-12-18T13:17:56Z"), message: "New report launched", items: [{ key: "ID", value: "4927942" }] } });
  });
});

it("decodes every XML sample in tests/fixtures/qualys-xml", () => {
  const all = readdirSync(fixturesDir).filter((f) => f.endsWith(".xml"));
  expect(all.length).toBeGreaterThan(30);
  expect(all.filter((f) => !decoded.has(f))).toEqual([]);
});
