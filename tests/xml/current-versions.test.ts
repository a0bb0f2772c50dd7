/**
 * HLD 5.0 and KB 4.0 decoded with the spec's descriptors, tolerantly: no 5.0 capture is public,
 * so the added elements may come in any order, repeat, carry children or be joined by elements
 * nobody has named yet — and every one of them must be kept, never dropped. Bodies are fed in
 * 7-character chunks so elements straddle chunk boundaries.
 */
import { describe, expect, it } from "vitest";
import { descriptors, type HostListVmDetectionOutput, type KnowledgeBaseVulnListOutput } from "../../src/generated/vm/index.js";
import { decodeXml, decodeXmlDocument } from "../../src/runtime/xml/decode.js";

const chunks = (text: string, size = 7) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

const hld = (detection: string, host = "") => `<?xml version="1.0" encoding="UTF-8" ?>
<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2026-12-01T00:00:00Z</DATETIME><HOST_LIST>
<HOST><ID>1</ID>${host}<DETECTION_LIST><DETECTION>${detection}</DETECTION></DETECTION_LIST></HOST>
</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`;

async function oneDetection(detection: string, host = "") {
  const hosts = [];
  for await (const h of decodeXml(chunks(hld(detection, host)), descriptors.HostListVmDetectionOutput)) hosts.push(h);
  expect(hosts).toHaveLength(1);
  return hosts[0] as NonNullable<NonNullable<HostListVmDetectionOutput["response"]>["hostList"]>[number];
}

describe("HLD 5.0 detections", () => {
  it("takes the 5.0 elements in any order, before or among the 2.0 ones, repeated ones as lists", async () => {
    const host = await oneDetection(
      "<MITRE_TECHNIQUE_ID>T1210</MITRE_TECHNIQUE_ID><CVE>CVE-2024-0001</CVE><QID>38170</QID><MITRE_TACTIC_ID>TA0008</MITRE_TACTIC_ID>" +
        "<TRURISK_ELIMINATION_STATUS>Mitigated</TRURISK_ELIMINATION_STATUS><TYPE>Confirmed</TYPE><CVE>CVE-2024-0002</CVE>" +
        "<VULNERABILITY_DETECTION_SOURCES>Scanner</VULNERABILITY_DETECTION_SOURCES><MITRE_TACTIC_ID>TA0001</MITRE_TACTIC_ID>" +
        "<LATEST_VULNERABILITY_DETECTION_SOURCE>Scanner</LATEST_VULNERABILITY_DETECTION_SOURCE><MITRE_TACTIC_NAME><![CDATA[Lateral Movement]]></MITRE_TACTIC_NAME>",
    );
    expect(host.detectionList![0]).toEqual({
      qid: 38170,
      type: "Confirmed",
      cve: ["CVE-2024-0001", "CVE-2024-0002"],
      vulnerabilityDetectionSources: ["Scanner"],
      latestVulnerabilityDetectionSource: "Scanner",
      mitreTacticName: ["Lateral Movement"],
      mitreTacticId: ["TA0008", "TA0001"],
      mitreTechniqueId: ["T1210"],
      truriskEliminationStatus: "Mitigated",
    });
  });

  it("keeps what the schema cannot hold in place: a second single value, children where text was assumed, elements nobody named", async () => {
    const host = await oneDetection(
      "<QID>1</QID><TYPE>Potential</TYPE>" +
        "<LATEST_VULNERABILITY_DETECTION_SOURCE>Cloud Agent</LATEST_VULNERABILITY_DETECTION_SOURCE><LATEST_VULNERABILITY_DETECTION_SOURCE>Scanner</LATEST_VULNERABILITY_DETECTION_SOURCE>" +
        "<VULNERABILITY_DETECTION_SOURCES><SOURCE>Cloud Agent</SOURCE><SOURCE>Passive Sensor</SOURCE></VULNERABILITY_DETECTION_SOURCES>" +
        '<TRURISK_ELIMINATION_STATUS code="2">Eligible</TRURISK_ELIMINATION_STATUS>' +
        "<EXPLOIT_MATURITY>High</EXPLOIT_MATURITY>",
      "<METADATA><ALICLOUD><ATTRIBUTE><NAME>instance-id</NAME><LAST_STATUS>Success</LAST_STATUS><VALUE>i-1</VALUE><ZONE>cn-hangzhou-h</ZONE></ATTRIBUTE></ALICLOUD><ORACLE_CLOUD><ATTRIBUTE><NAME>x</NAME></ATTRIBUTE></ORACLE_CLOUD></METADATA>",
    );
    const d = host.detectionList![0]!;
    expect(d.latestVulnerabilityDetectionSource).toBe("Cloud Agent");
    // The text stays where the schema puts it; the attribute it has no place for goes to extra.
    expect(d.truriskEliminationStatus).toBe("Eligible");
    expect(d.extra).toEqual({
      LATEST_VULNERABILITY_DETECTION_SOURCE: "Scanner",
      VULNERABILITY_DETECTION_SOURCES: { SOURCE: ["Cloud Agent", "Passive Sensor"] },
      TRURISK_ELIMINATION_STATUS: { "@code": "2" },
      EXPLOIT_MATURITY: "High",
    });
    expect(host.metadata?.alicloud).toEqual([{ name: "instance-id", lastStatus: "Success", value: "i-1", extra: { ZONE: "cn-hangzhou-h" } }]);
    expect(host.metadata?.extra).toEqual({ ORACLE_CLOUD: { ATTRIBUTE: { NAME: "x" } } });
  });

  it("decodes the spec's synthetic 5.0 example whole", async () => {
    const doc = await decodeXmlDocument(chunks(hld("<QID>5</QID><TYPE>Info</TYPE><CVE>CVE-2020-1</CVE>")), descriptors.HostListVmDetectionOutput);
    expect(doc.response?.hostList?.[0]?.detectionList?.[0]?.cve).toEqual(["CVE-2020-1"]);
  });
});

describe("KnowledgeBase 3.0+ PATCH_PUBLISHED_DATE", () => {
  const kb = (vuln: string) => `<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><DATETIME>2026-12-01T00:00:00Z</DATETIME><VULN_LIST><VULN>${vuln}</VULN></VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>`;
  it.each([
    ["a date and time", "2025-03-04T10:20:30Z", "2025-03-04T10:20:30.000Z"],
    ["a date alone", "2025-03-04", "2025-03-04T00:00:00.000Z"],
  ])("reads %s, wherever it comes in VULN", async (_what, text, iso) => {
    const doc = await decodeXmlDocument(chunks(kb(`<PATCH_PUBLISHED_DATE>${text}</PATCH_PUBLISHED_DATE><QID>10</QID><PATCHABLE>1</PATCHABLE>`)), descriptors.KnowledgeBaseVulnListOutput);
    const vuln = (doc as KnowledgeBaseVulnListOutput).response?.vulnList?.[0];
    expect(vuln?.patchPublishedDate?.toISOString()).toBe(iso);
    expect(vuln).toMatchObject({ qid: 10, patchable: true });
  });
});
