/** No silent wrong values and no silent loss: whitespace, empty elements, bad numbers and dates, misplaced records. */
import { describe, expect, it } from "vitest";
import * as VM from "../../src/generated/vm/xml-descriptors.js";
import { XmlParseError } from "../../src/runtime/errors/xml-parse-error.js";
import { coerce, INVALID } from "../../src/runtime/xml/coerce.js";
import * as H from "./generated/hosts.descriptors.js";
import * as K from "./generated/knowledge-base.descriptors.js";
import { documentOf, fixture, records, rejection } from "./support.js";

const hld = (hosts: string, outside = "") =>
  `<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME>${outside}<HOST_LIST>${hosts}</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`;
const kb = (vulns: string) => `<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST>${vulns}</VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>`;
const NBSP = "\u00a0";
const IDEOGRAPHIC = "\u3000";

describe("whitespace", () => {
  it("trims only XML whitespace (space, tab, CR, LF): no-break and ideographic spaces are data", async () => {
    const body = hld(
      `<HOST><ID>1</ID><OS> \t\r\n ${NBSP}Linux${IDEOGRAPHIC} \n</OS><DNS>${NBSP}</DNS><NETBIOS>&#160;<![CDATA[x]]>&#x3000;</NETBIOS><QG_HOSTID>\n  a b  \t</QG_HOSTID><NEW> ${NBSP}kept </NEW></HOST>`,
    );
    for (const size of [1, 64 * 1024]) {
      const { records: hosts } = await records(body, H.HostListVmDetectionOutput, size);
      expect(hosts[0]).toEqual({ id: 1, os: `${NBSP}Linux${IDEOGRAPHIC}`, dns: NBSP, netbios: `${NBSP}x${IDEOGRAPHIC}`, qgHostid: "a b", extra: { NEW: `${NBSP}kept` } });
    }
  });

  it("refuses an integer with a trailing no-break space, naming element and value", async () => {
    const err = (await rejection(documentOf(hld(`<HOST><ID>12&#160;</ID></HOST>`), H.HostListVmDetectionOutput))) as XmlParseError;
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err).toMatchObject({ element: "ID", value: `12${NBSP}` });
    expect(err.message).toMatch(/^<ID> should hold an integer, not "12\u00a0"/);
    const attr = (await rejection(documentOf(hld(`<HOST><ID>1</ID><DETECTION_LIST><DETECTION><QDS severity="HIGH">${IDEOGRAPHIC}70</QDS></DETECTION></DETECTION_LIST></HOST>`), H.HostListVmDetectionOutput))) as XmlParseError;
    expect(attr).toMatchObject({ element: "QDS", value: `${IDEOGRAPHIC}70` });
    // XML whitespace around a number is layout, not data.
    const { records: hosts } = await records(hld(`<HOST><ID>\n\t 12 \r\n</ID></HOST>`), H.HostListVmDetectionOutput);
    expect(hosts[0]!.id).toBe(12);
  });
});

describe("typed values in CDATA", () => {
  it("reads a number, boolean or date wrapped in CDATA with XML whitespace around it, and keeps a string verbatim", async () => {
    const body = hld(
      `<HOST><ID><![CDATA[ 42 ]]></ID><OS><![CDATA[ Linux ]]></OS><LAST_SCAN_DATETIME>\n  <![CDATA[\t2026-01-02T03:04:05Z\r\n]]>\n</LAST_SCAN_DATETIME>` +
        `<DETECTION_LIST><DETECTION><QID> <![CDATA[7]]> </QID><SSL><![CDATA[ 1 ]]></SSL><QDS severity="HIGH"><![CDATA[ 70 ]]></QDS><PORT><![CDATA[ ]]></PORT></DETECTION></DETECTION_LIST></HOST>`,
    );
    for (const size of [1, 64 * 1024]) {
      const { records: hosts } = await records(body, H.HostListVmDetectionOutput, size);
      expect(hosts[0]).toEqual({
        id: 42,
        os: " Linux ",
        lastScanDatetime: new Date("2026-01-02T03:04:05Z"),
        detectionList: [{ qid: 7, ssl: true, qds: { severity: "HIGH", value: 70 } }],
      });
      expect(Object.hasOwn(hosts[0]!.detectionList![0]!, "port")).toBe(false);
    }
  });

  it("still refuses CDATA that holds more than a number and XML whitespace", async () => {
    for (const inner of [` 4 2 `, `${NBSP}42`, `42x`]) {
      const err = (await rejection(documentOf(hld(`<HOST><ID><![CDATA[${inner}]]></ID></HOST>`), H.HostListVmDetectionOutput))) as XmlParseError;
      expect(err, inner).toBeInstanceOf(XmlParseError);
      expect(err).toMatchObject({ element: "ID", value: inner.trim() === "4 2" ? "4 2" : inner });
    }
  });
});

describe("dates and UTC offsets", () => {
  it("refuses impossible offsets", async () => {
    for (const bad of ["2018-04-13T03:49:05+99:99", "2018-04-13T03:49:05+23:60", "2018-04-13T03:49:05-24:00", "2018-04-13T03:49:05+0099"]) {
      expect(coerce(bad, "date-time"), bad).toBe(INVALID);
    }
    expect(coerce("2018-04-13T03:49:05+23:59", "date-time")).toEqual(new Date("2018-04-12T03:50:05Z"));
    expect(coerce("2018-04-13T03:49:05-12:00", "date-time")).toEqual(new Date("2018-04-13T15:49:05Z"));
    const err = (await rejection(documentOf(hld(`<HOST><ID>1</ID><LAST_SCAN_DATETIME>2026-01-01T00:00:00+99:99</LAST_SCAN_DATETIME></HOST>`), H.HostListVmDetectionOutput))) as XmlParseError;
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err).toMatchObject({ element: "LAST_SCAN_DATETIME", value: "2026-01-01T00:00:00+99:99" });
  });

  it("refuses impossible dates", () => {
    for (const bad of ["2026-04-31", "2026-06-31T00:00:00Z", "2026-00-10", "2026-02-29T00:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01T00:60:00Z"]) {
      expect(coerce(bad, "date-time"), bad).toBe(INVALID);
    }
  });
});

describe("empty elements", () => {
  it("keeps a present but empty string as the empty string, distinct from an absent one", async () => {
    const { records: vulns } = await records(kb(`<VULN><QID>1</QID><TITLE><![CDATA[]]></TITLE><DIAGNOSIS></DIAGNOSIS><SOLUTION/></VULN>`), K.KnowledgeBaseVulnListOutput, 3);
    expect(vulns[0]).toEqual({ qid: 1, title: "", diagnosis: "", solution: "" });
    expect(vulns[0]).not.toHaveProperty("consequence");
  });

  it("keeps empty strings in lists and as an element's text; empty numbers, dates and booleans are absent", async () => {
    const body = hld(
      `<HOST><ID>1</ID><LAST_SCAN_DATETIME/><DETECTION_LIST><DETECTION><QID>2</QID><PORT></PORT><SSL/><QDS severity="LOW"/><QDS_FACTORS><QDS_FACTOR name="a"/><QDS_FACTOR name="b">x</QDS_FACTOR></QDS_FACTORS></DETECTION></DETECTION_LIST></HOST>`,
    );
    const { records: hosts } = await records(body, H.HostListVmDetectionOutput);
    expect(hosts[0]).toEqual({ id: 1, detectionList: [{ qid: 2, qds: { severity: "LOW" }, qdsFactors: [{ name: "a", value: "" }, { name: "b", value: "x" }] }] });
    const { records: vulns } = await records(kb(`<VULN><QID>1</QID><PCI_REASONS><PCI_REASON/><PCI_REASON>r</PCI_REASON></PCI_REASONS></VULN>`), K.KnowledgeBaseVulnListOutput);
    expect(vulns[0]!.pciReasons).toEqual(["", "r"]);
  });
});

describe("records in unexpected places", () => {
  it("keeps a HOST outside HOST_LIST and a HOST inside a HOST in extra, streamed or collected", async () => {
    const body = hld(`<HOST><ID>1</ID><HOST><ID>2</ID></HOST></HOST><HOST><ID>3</ID><DETECTION_LIST><HOST><ID>4</ID></HOST></DETECTION_LIST></HOST>`, `<HOST><ID>99</ID></HOST>`);
    const streamed = await records(body, H.HostListVmDetectionOutput);
    expect(streamed.records).toEqual([
      { id: 1, extra: { HOST: { ID: "2" } } },
      { id: 3, detectionList: [], extra: { DETECTION_LIST: { HOST: { ID: "4" } } } },
    ]);
    expect(streamed.document.response?.extra).toEqual({ HOST: { ID: "99" } });
    const collected = await documentOf(body, H.HostListVmDetectionOutput);
    expect(collected.response?.hostList).toEqual(streamed.records);
    expect(collected.response?.extra).toEqual({ HOST: { ID: "99" } });
  });
});

describe("typed attributes of the VM spec", () => {
  it("decodes THREAT_INTEL ids as numbers (the KB DTD's ids are numeric)", async () => {
    const { records: vulns } = await records(fixture("j1_kb_vuln_list_42_vulns.xml"), VM.KnowledgeBaseVulnListOutput);
    const intel = vulns.flatMap((v) => v.threatIntelligence ?? []);
    expect(intel).toHaveLength(32);
    expect(intel).toContainEqual({ id: 8, value: "No_Patch" });
    expect(intel.every((t) => Number.isInteger(t.id))).toBe(true);
    const err = await rejection(documentOf(kb(`<VULN><QID>1</QID><THREAT_INTELLIGENCE><THREAT_INTEL id="x8">No_Patch</THREAT_INTEL></THREAT_INTELLIGENCE></VULN>`), VM.KnowledgeBaseVulnListOutput));
    expect(err).toMatchObject({ element: "THREAT_INTEL@id", value: "x8" });
  });
});
