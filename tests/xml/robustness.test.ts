import { describe, expect, it } from "vitest";
import * as D from "../../src/generated/vm/xml-descriptors.js";
import type * as X from "../../src/generated/vm/xml-types.js";
import { XmlParseError } from "../../src/runtime/errors/xml-parse-error.js";
import { decodeXml } from "../../src/runtime/xml/decode.js";
import type { XmlRoot } from "../../src/runtime/xml/descriptor.js";
import { chunks, documentOf, fixture, records } from "./support.js";
import { drain } from "../support/drain.js";

const hld = (hosts: string, tail = "  </HOST_LIST>\n  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n") =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<HOST_LIST_VM_DETECTION_OUTPUT>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n    <HOST_LIST>\n${hosts}${tail}`;
const host = (id: number, results = "ok") =>
  `      <HOST><ID>${id}</ID><IP>10.0.0.${id % 250}</IP><DETECTION_LIST><DETECTION><QID>${1000 + id}</QID><TYPE>Confirmed</TYPE><RESULTS><![CDATA[${results}]]></RESULTS></DETECTION></DETECTION_LIST></HOST>\n`;


describe("chunk boundaries", () => {
  it.each(["j1_kb_vuln_list_42_vulns.xml", "own_hld_qds_truncated_warning.xml", "j1_fixture_detections.xml", "j1_qps_hostasset_search.xml"])(
    "decodes %s the same in 1-byte, 7-byte and 64 KiB chunks",
    async (name) => {
      const root = name.includes("kb") ? D.KnowledgeBaseVulnListOutput : name.includes("qps") ? D.HostAssetServiceResponse : D.HostListVmDetectionOutput;
      const whole = await records(fixture(name), root, 64 * 1024);
      expect(whole.records.length).toBeGreaterThan(0);
      expect(await records(fixture(name), root, 7)).toEqual(whole);
      expect(await records(fixture(name), root, 1)).toEqual(whole);
    },
  );

  it("keeps multi-byte UTF-8 split across chunks intact", async () => {
    const text = "résumé – 日本語 😀 ’quoted’";
    for (const size of [1, 2, 3, 5]) {
      const { records: hosts } = await records<X.DetectionHost>(hld(host(1, text)), D.HostListVmDetectionOutput, size);
      expect(hosts[0]!.detectionList![0]!.results).toBe(text);
    }
  });

  it("decodes entities and keeps CDATA split around ]]>", async () => {
    const body = hld(`      <HOST><ID>2</ID><OS>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#39;e&#39; &#x263A;</OS><DNS><![CDATA[x]]]]><![CDATA[>y]]></DNS></HOST>\n`);
    const { records: hosts } = await records<X.DetectionHost>(body, D.HostListVmDetectionOutput, 3);
    expect(hosts[0]!.os).toBe(`a <b> & "c" 'd' 'e' ☺`);
    expect(hosts[0]!.dns).toBe("x]]>y");
  });
});

describe("bad input", () => {
  it("hands out only complete records when the stream is cut mid-record, then throws XmlParseError", async () => {
    const full = hld(host(1) + host(2) + host(3));
    const cut = full.slice(0, full.indexOf("<HOST><ID>3</ID>") + 30);
    const { got, error } = await drain(decodeXml<X.DetectionHost>(chunks(cut, 16), D.HostListVmDetectionOutput));
    expect(got.map((h) => h.id)).toEqual([1, 2]);
    expect(error).toBeInstanceOf(XmlParseError);
  });

  it("rejects a stream cut between records too, instead of ending quietly", async () => {
    const full = hld(host(1) + host(2));
    const cut = full.slice(0, full.indexOf("</HOST_LIST>"));
    const stream = decodeXml<X.DetectionHost>(chunks(cut, 64), D.HostListVmDetectionOutput);
    const { got, error } = await drain(stream);
    expect(got).toHaveLength(2);
    expect(error).toBeInstanceOf(XmlParseError);
    await expect(stream.document).rejects.toBeInstanceOf(XmlParseError);
  });

  it("names a mismatched closing tag with its position", async () => {
    const err = await documentOf(hld(host(1), "  </HOST_LIST>\n  </RESPONS>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n"), D.HostListVmDetectionOutput).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as XmlParseError).line).toBeGreaterThan(5);
  });

  it("reports an HTML error page as such", async () => {
    const page = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>Maintenance</body></html>";
    const err = await documentOf(page, D.ScanListOutput, 503).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as Error).message).toMatch(/HTML page/);
    expect((err as XmlParseError).httpStatus).toBe(503);
  });

  it("reports a body that is not XML at all", async () => {
    const err = await documentOf("Internal Server Error", D.ScanListOutput, 500).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as Error).message).toMatch(/not XML/);
    expect(await documentOf("", D.ScanListOutput).catch((e: unknown) => e)).toBeInstanceOf(XmlParseError);
  });

  it("refuses DTD-declared entities (no XXE, no entity expansion)", async () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE SCAN_LIST_OUTPUT [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "lol">]>\n<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>&xxe;&lol;</DATETIME></RESPONSE></SCAN_LIST_OUTPUT>`;
    const err = await documentOf(xxe, D.ScanListOutput).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XmlParseError);
  });

  it("refuses a value that does not fit its type, naming the element", async () => {
    const err = await documentOf(hld(`      <HOST><ID>abc</ID></HOST>\n`), D.HostListVmDetectionOutput).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as Error).message).toMatch(/<ID> should hold an integer.*"abc"/);
    const date = await documentOf(hld(`      <HOST><ID>1</ID><LAST_SCAN_DATETIME>yesterday</LAST_SCAN_DATETIME></HOST>\n`), D.HostListVmDetectionOutput).catch((e: unknown) => e);
    expect((date as Error).message).toMatch(/LAST_SCAN_DATETIME> should hold a date/);
  });

  it("reports another root element than the expected one", async () => {
    const err = await documentOf("<REPORT_LIST_OUTPUT/>", D.ScanListOutput).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/Expected <SCAN_LIST_OUTPUT> but the document is <REPORT_LIST_OUTPUT>/);
  });
});

describe("never drops data", () => {
  it("keeps unknown elements and attributes in extra, repeated ones as lists", async () => {
    const body = hld(
      `      <HOST new="yes"><ID>5</ID><NEW_FIELD>one</NEW_FIELD><NEW_FIELD>two</NEW_FIELD><NESTED><A>1</A><B x="y">2</B></NESTED><DETECTION_LIST><DETECTION><QID>7</QID><FUTURE>f</FUTURE></DETECTION></DETECTION_LIST></HOST>\n`,
    );
    const { records: hosts } = await records<X.DetectionHost>(body, D.HostListVmDetectionOutput);
    expect(hosts[0]!.extra).toEqual({ "@new": "yes", NEW_FIELD: ["one", "two"], NESTED: { A: "1", B: { "@x": "y", "#text": "2" } } });
    expect(hosts[0]!.detectionList![0]!.extra).toEqual({ FUTURE: "f" });
  });

  it("treats a single child of a list as a one-item array", async () => {
    const { records: hosts } = await records<X.DetectionHost>(hld(host(9)), D.HostListVmDetectionOutput);
    expect(Array.isArray(hosts[0]!.detectionList)).toBe(true);
    expect(hosts[0]!.detectionList).toHaveLength(1);
  });
});

describe("streaming", () => {
  it("yields a record before the source has been read to the end", async () => {
    let served = 0;
    async function* slow(): AsyncGenerator<string> {
      yield hld("", "");
      for (let i = 1; i <= 50; i++) {
        served = i;
        yield host(i);
      }
      yield "  </HOST_LIST>\n  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n";
    }
    const stream = decodeXml<X.DetectionHost>(slow(), D.HostListVmDetectionOutput);
    for await (const h of stream) {
      expect(h.id).toBe(1);
      expect(served).toBeLessThan(5);
      break;
    }
  });

  it("decodes other report shapes through the same descriptors (legacy SCAN, attributes everywhere)", async () => {
    const scanRoot: XmlRoot = {
      name: "SCAN",
      element: {
        field: "scan",
        attributes: { value: { field: "ref", type: "string" } },
        children: {
          IP: {
            field: "ips",
            list: "repeat",
            record: true,
            attributes: { value: { field: "ip", type: "string" }, name: { field: "name", type: "string" } },
            children: { OS: { field: "os", type: "string" } },
          },
        },
      },
    };
    const { records: ips, document } = await records<{ ip: string; name: string; os: string; extra: Record<string, unknown> }, { ref: string; extra: Record<string, unknown> }>(
      fixture("own_scan_v1.xml"),
      scanRoot,
      11,
    );
    expect(ips.map((i) => [i.ip, i.name, i.os])).toEqual([
      ["192.0.2.10", "mail.example.com", "Linux 5.x"],
      ["192.0.2.11", "www.example.com", "Linux 6.x"],
    ]);
    expect(JSON.stringify(ips[0]!.extra)).toContain("SMTP Open Relay &amp; Spoofing");
    expect(document.ref).toBe("scan/1700000000.123");
    expect(document.extra.HEADER).toBeDefined();
  });
});
