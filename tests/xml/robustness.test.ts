/** Parser hazards of real Qualys bodies, malformed input, and the never-drop rule for unknown content. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { XmlParseError } from "../../src/runtime/errors/xml-parse-error.js";
import { decodeXml, decodeXmlDocument } from "../../src/runtime/xml/decode.js";
import { drain } from "../support/drain.js";
import * as H from "./generated/hosts.descriptors.js";
import * as K from "./generated/knowledge-base.descriptors.js";
import * as Q from "./generated/qps.descriptors.js";
import * as S from "./generated/scans-reports.descriptors.js";
import { chunks, documentOf, fixture, records, rejection } from "./support.js";

const hld = (hosts: string, tail = "    </HOST_LIST>\n  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n") =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<HOST_LIST_VM_DETECTION_OUTPUT>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n    <HOST_LIST>\n${hosts}${tail}`;
const host = (id: number, results = "ok") =>
  `      <HOST><ID>${id}</ID><IP>10.0.0.${id % 250}</IP><DETECTION_LIST><DETECTION><QID>${1000 + id}</QID><TYPE>Confirmed</TYPE><RESULTS><![CDATA[${results}]]></RESULTS></DETECTION></DETECTION_LIST></HOST>\n`;

describe("chunk boundaries", () => {
  it.each([
    ["j1_kb_vuln_list_42_vulns.xml", K.KnowledgeBaseVulnListOutput],
    ["own_hld_qds_truncated_warning.xml", H.HostListVmDetectionOutput],
    ["j1_fixture_detections.xml", H.HostListVmDetectionOutput],
    ["j1_qps_hostasset_search.xml", Q.HostAssetServiceResponse],
    ["own_asset_data_report.xml", S.AssetDataReport],
    ["own_scan_v1.xml", S.LegacyScan],
  ] as const)("decodes %s the same in 1-byte, 7-byte and 64 KiB chunks", async (name, root) => {
    const whole = await records(fixture(name), root as typeof H.HostListVmDetectionOutput, 64 * 1024);
    expect(whole.records.length).toBeGreaterThan(0);
    expect(await records(fixture(name), root as typeof H.HostListVmDetectionOutput, 7)).toEqual(whole);
    expect(await records(fixture(name), root as typeof H.HostListVmDetectionOutput, 1)).toEqual(whole);
  });

  it("keeps multi-byte UTF-8 split across chunks intact", async () => {
    const text = "résumé – 日本語 😀 ’quoted’";
    for (const size of [1, 2, 3, 5]) {
      const { records: hosts } = await records(hld(host(1, text)), H.HostListVmDetectionOutput, size);
      expect(hosts[0]!.detectionList![0]!.results).toBe(text);
    }
  });

  it("accepts strings, one Buffer, sync iterables and a web ReadableStream as the source", async () => {
    const body = hld(host(1) + host(2));
    const fromWeb = new Response(body).body!;
    const sources = [body, Buffer.from(body), [body.slice(0, 100), Buffer.from(body.slice(100))], fromWeb];
    for (const source of sources) {
      const ids: number[] = [];
      for await (const h of decodeXml(source, H.HostListVmDetectionOutput)) ids.push(h.id!);
      expect(ids).toEqual([1, 2]);
    }
  });

  it("cuts one huge chunk into pieces, so records come out before the whole chunk is parsed", async () => {
    const many = Array.from({ length: 3000 }, (_, i) => host(i + 1)).join("");
    const body = Buffer.from(hld(many));
    expect(body.length).toBeGreaterThan(300_000);
    const stream = decodeXml([body], H.HostListVmDetectionOutput);
    let n = 0;
    for await (const h of stream) {
      n++;
      expect(h.id).toBe(n);
    }
    expect(n).toBe(3000);
  });
});

describe("text, CDATA and entities", () => {
  it("decodes predefined and numeric entities and joins a CDATA split around ]]>", async () => {
    const body = hld(`      <HOST><ID>2</ID><OS>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#39;e&#39; &#x263A; &#128512;</OS><DNS><![CDATA[x]]]]><![CDATA[>y]]></DNS></HOST>\n`);
    const { records: hosts } = await records(body, H.HostListVmDetectionOutput, 3);
    expect(hosts[0]!.os).toBe(`a <b> & "c" 'd' 'e' ☺ 😀`);
    expect(hosts[0]!.dns).toBe("x]]>y");
  });

  it("trims whitespace outside CDATA and keeps CDATA verbatim", async () => {
    const body = hld(
      `      <HOST><ID>3</ID>
        <OS>   Windows   Server   </OS>
        <DNS>
          <![CDATA[  spaced.example  ]]>
        </DNS>
        <NETBIOS> pre <![CDATA[ mid ]]> post </NETBIOS>
        <QG_HOSTID><![CDATA[a]]>   <![CDATA[b]]></QG_HOSTID>
        <OS_CPE><!-- a comment --> cpe:/o:x <!-- another --></OS_CPE>
        <CLOUD_PROVIDER><![CDATA[]]></CLOUD_PROVIDER>
        <CLOUD_SERVICE/>
      </HOST>\n`,
    );
    const { records: hosts } = await records(body, H.HostListVmDetectionOutput, 4);
    // Empty string elements are "" (present), not absent.
    expect(hosts[0]).toEqual({ id: 3, os: "Windows   Server", dns: "  spaced.example  ", netbios: "pre  mid  post", qgHostid: "a   b", osCpe: "cpe:/o:x", cloudProvider: "", cloudService: "" });
  });

  it("reads tags with line breaks and attributes across lines", async () => {
    const body = `<HOST_LIST_VM_DETECTION_OUTPUT\n><RESPONSE\n  ><HOST_LIST\n><HOST\n   ><ID\n>4</ID\n><DETECTION_LIST><DETECTION><QID>1</QID><QDS\n   severity="HIGH"\n>70</QDS\n></DETECTION></DETECTION_LIST></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT\n>`;
    const { records: hosts } = await records(body, H.HostListVmDetectionOutput, 2);
    expect(hosts).toEqual([{ id: 4, detectionList: [{ qid: 1, qds: { severity: "HIGH", value: 70 } }] }]);
  });
});

describe("malformed and foreign input", () => {
  it("hands out only complete records when the stream is cut mid-record, then throws XmlParseError", async () => {
    const full = hld(host(1) + host(2) + host(3));
    const cut = full.slice(0, full.indexOf("<HOST><ID>3</ID>") + 30);
    const stream = decodeXml(chunks(cut, 16), H.HostListVmDetectionOutput);
    const { got, error } = await drain(stream);
    expect(got.map((h) => h.id)).toEqual([1, 2]);
    expect(got.every((h) => h.detectionList?.length === 1)).toBe(true);
    expect(error).toBeInstanceOf(XmlParseError);
    const e = error as XmlParseError;
    expect(e.message).toMatch(/ends before the document is complete/);
    expect(e.offset).toBe(Buffer.byteLength(cut));
    expect(e.line).toBe(8);
    expect(e.excerpt).toBe(cut.slice(-60));
    await expect(stream.document).rejects.toBe(error);
  });

  it("rejects a stream cut between records too, instead of ending quietly", async () => {
    const full = hld(host(1) + host(2));
    const cut = full.slice(0, full.indexOf("</HOST_LIST>"));
    const { got, error } = await drain(decodeXml(chunks(cut, 64), H.HostListVmDetectionOutput));
    expect(got.map((h) => h.id)).toEqual([1, 2]);
    expect((error as Error).message).toMatch(/unclosed tag: HOST_LIST/);
  });

  it("turns a body that breaks off (connection reset) into XmlParseError with the cause", async () => {
    const body = Buffer.from(hld(host(1) + host(2)));
    const reset = new Error("socket hang up");
    async function* breaking() {
      yield body.subarray(0, 400);
      throw reset;
    }
    const { got, error } = await drain(decodeXml(breaking(), H.HostListVmDetectionOutput));
    expect(got.map((h) => h.id)).toEqual([1]);
    expect(error).toBeInstanceOf(XmlParseError);
    expect(error).toMatchObject({ offset: 400, cause: reset });
    expect((error as Error).message).toMatch(/broke off after 400 bytes \(socket hang up\)/);
  });

  it("names a mismatched closing tag with line, column, byte offset and an excerpt", async () => {
    const body = hld(host(1), "    </HOST_LIST>\n  </RESPONS>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n");
    const err = (await rejection(documentOf(body, H.HostListVmDetectionOutput, { httpStatus: 200 }))) as XmlParseError;
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err.message).toMatch(/^Malformed XML: unexpected close tag/);
    expect(err.line).toBe(8);
    expect(err.column).toBe(12);
    expect(err.offset).toBe(body.indexOf("</RESPONS>") + "</RESPONS>".length);
    expect(err.excerpt).toContain("</RESPONS>");
    expect(err.httpStatus).toBe(200);
  });

  it.each([
    ["<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>Maintenance<br></body></html>", "503 Service Unavailable"],
    ["<!doctype html><html lang=en><head><meta charset=utf-8><title>Sign in</title></head></html>", "Sign in"],
    ["\n\n<html><body><h1>502 Bad Gateway</h1></body></html>", "<html><body><h1>502 Bad Gateway</h1></body></html>"],
  ])("reports an HTML error page as such (%#)", async (page, excerpt) => {
    for (const size of [1, 4096]) {
      const err = await rejection(decodeXmlDocument(chunks(page, size), S.ScanListOutput, { httpStatus: 503 }));
      expect(err).toBeInstanceOf(XmlParseError);
      expect(err).toMatchObject({ excerpt, httpStatus: 503 });
      expect((err as Error).message).toMatch(/HTML page, not XML/);
    }
  });

  it("reports a body that is not XML at all, and an empty body", async () => {
    const err = await rejection(documentOf("Internal Server Error: try again later", S.ScanListOutput, { httpStatus: 500 }));
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err).toMatchObject({ excerpt: "Internal Server Error: try again later", httpStatus: 500 });
    expect((err as Error).message).toMatch(/not XML/);
    for (const empty of ["", "  \n "]) {
      const e = await rejection(documentOf(empty, S.ScanListOutput));
      expect((e as Error).message).toMatch(/The body is empty/);
    }
  });

  it("refuses DTD-declared entities, so no XXE and no entity expansion", async () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE SCAN_LIST_OUTPUT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>&xxe;</DATETIME></RESPONSE></SCAN_LIST_OUTPUT>`;
    const err = await rejection(documentOf(xxe, S.ScanListOutput));
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err).toMatchObject({ message: expect.stringMatching(/^Malformed XML: undefined entity/), excerpt: expect.stringContaining("&xxe;") });
    const laughs =
      `<?xml version="1.0"?>\n<!DOCTYPE SCAN_LIST_OUTPUT [<!ENTITY lol "lol">` +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ""};`.repeat(10)}">`).join("") +
      `]>\n<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>&lol9;</DATETIME></RESPONSE></SCAN_LIST_OUTPUT>`;
    expect(await rejection(documentOf(laughs, S.ScanListOutput))).toMatchObject({ message: expect.stringMatching(/undefined entity/), excerpt: expect.stringContaining("&lol9;") });
  });

  it("never fetches the DOCTYPE's SYSTEM URL (checked against a local server)", async () => {
    let requests = 0;
    const server = createServer((_, res) => {
      requests++;
      res.end('<!ENTITY ext "fetched">');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = `<?xml version="1.0"?>\n<!DOCTYPE SCAN_LIST_OUTPUT SYSTEM "http://127.0.0.1:${port}/scan_list_output.dtd">\n<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME></RESPONSE></SCAN_LIST_OUTPUT>`;
      expect(await documentOf(body, S.ScanListOutput)).toEqual({ response: { datetime: new Date("2026-01-01T00:00:00Z") } });
      const withRef = body.replace("2026-01-01T00:00:00Z", "&ext;");
      expect(await rejection(documentOf(withRef, S.ScanListOutput))).toMatchObject({ message: expect.stringMatching(/undefined entity/), excerpt: expect.stringContaining("&ext;") });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses a value that does not fit its type, naming the element and the value", async () => {
    const err = (await rejection(documentOf(hld(`      <HOST><ID>12a</ID></HOST>\n`), H.HostListVmDetectionOutput))) as XmlParseError;
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err).toMatchObject({ element: "ID", value: "12a", line: 6 });
    expect(err.message).toMatch(/^<ID> should hold an integer, not "12a"/);
    const date = (await rejection(documentOf(hld(`      <HOST><ID>1</ID><LAST_SCAN_DATETIME>2026-02-30T00:00:00Z</LAST_SCAN_DATETIME></HOST>\n`), H.HostListVmDetectionOutput))) as XmlParseError;
    expect(date).toMatchObject({ element: "LAST_SCAN_DATETIME", value: "2026-02-30T00:00:00Z" });
    expect(date.message).toMatch(/should hold an ISO 8601 date-time/);
    const attr = (await rejection(documentOf(hld(`      <HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID><QDS severity="HIGH">high</QDS></DETECTION></DETECTION_LIST></HOST>\n`), H.HostListVmDetectionOutput))) as XmlParseError;
    expect(attr).toMatchObject({ element: "QDS", value: "high" });
    const bool = (await rejection(documentOf(hld(`      <HOST><ID>1</ID><DETECTION_LIST><DETECTION><SSL>yes</SSL></DETECTION></DETECTION_LIST></HOST>\n`), H.HostListVmDetectionOutput))) as XmlParseError;
    expect(bool.message).toMatch(/^<SSL> should hold 0\/1 or true\/false, not "yes"/);
    const attribute = (await rejection(documentOf(`<ASSET_DATA_REPORT><HEADER><TARGET><USER_IP_LIST><RANGE network_id="x"/></USER_IP_LIST></TARGET></HEADER></ASSET_DATA_REPORT>`, S.AssetDataReport))) as XmlParseError;
    expect(attribute).toMatchObject({ element: "RANGE@network_id", value: "x" });
    expect(attribute.message).toMatch(/^Attribute network_id of <RANGE> should hold an integer/);
  });

  it("reports another root element than the expected one", async () => {
    const err = await rejection(documentOf("<REPORT_LIST_OUTPUT><RESPONSE/></REPORT_LIST_OUTPUT>", S.ScanListOutput));
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as Error).message).toMatch(/^Expected <SCAN_LIST_OUTPUT> but the document is <REPORT_LIST_OUTPUT>/);
  });
});

describe("never drops data", () => {
  it("keeps unknown elements and attributes in extra, repeated ones as lists", async () => {
    const body = hld(
      `      <HOST new="yes"><ID>5</ID><NEW_FIELD>one</NEW_FIELD><NEW_FIELD>two</NEW_FIELD><NESTED a="1"><A>1</A><B x="y">2</B><B>3</B></NESTED><constructor>c</constructor><DETECTION_LIST><DETECTION><QID>7</QID><FUTURE>f</FUTURE></DETECTION></DETECTION_LIST></HOST>\n`,
    );
    const { records: hosts } = await records(body, H.HostListVmDetectionOutput);
    expect(hosts[0]!.extra).toEqual({
      "@new": "yes",
      NEW_FIELD: ["one", "two"],
      NESTED: { "@a": "1", A: "1", B: [{ "@x": "y", "#text": "2" }, "3"] },
      constructor: "c",
    });
    expect(hosts[0]!.detectionList![0]!.extra).toEqual({ FUTURE: "f" });
  });

  it("keeps what a scalar or a list cannot hold, and repeats of a single field, in the parent's extra", async () => {
    const body = hld(
      `      <HOST><ID>6</ID><OS vendor="ms">Windows<EDITION>Datacenter</EDITION></OS><IP>10.0.0.6</IP><IP>10.0.0.66</IP><TAGS count="1"><TAG><NAME>a</NAME></TAG><NOTE>wrapper note</NOTE>loose text</TAGS><DNS_DATA>stray<HOSTNAME>h</HOSTNAME></DNS_DATA></HOST>\n`,
    );
    const { records: hosts } = await records(body, H.HostListVmDetectionOutput, 5);
    expect(hosts[0]).toEqual({
      id: 6,
      os: "Windows",
      ip: "10.0.0.6",
      tags: [{ name: "a" }],
      dnsData: { hostname: "h", extra: { "#text": "stray" } },
      extra: { OS: { "@vendor": "ms", EDITION: "Datacenter" }, IP: "10.0.0.66", TAGS: { "@count": "1", NOTE: "wrapper note", "#text": "loose text" } },
    });
  });

  it("treats a single child of a list as a one-item array, and concatenates a repeated wrapper", async () => {
    const { records: hosts } = await records(hld(host(9)), H.HostListVmDetectionOutput);
    expect(hosts[0]!.detectionList).toEqual([{ qid: 1009, type: "Confirmed", results: "ok" }]);
    const twice = hld(`      <HOST><ID>1</ID><TAGS><TAG><NAME>a</NAME></TAG></TAGS><TAGS><TAG><NAME>b</NAME></TAG></TAGS></HOST>\n`);
    expect((await records(twice, H.HostListVmDetectionOutput)).records[0]!.tags).toEqual([{ name: "a" }, { name: "b" }]);
  });

  it("collects records into their list with decodeXmlDocument", async () => {
    const doc = await documentOf(hld(host(1) + host(2)), H.HostListVmDetectionOutput);
    expect(doc.response?.hostList?.map((h) => h.id)).toEqual([1, 2]);
    expect(doc.response?.datetime).toEqual(new Date("2026-11-24T10:00:00Z"));
  });
});
