/**
 * A deterministic host detection page (HOST_LIST_VM_DETECTION_OUTPUT) shaped like the real API:
 * DOCTYPE with a SYSTEM URL, 2-space indentation, keep-alive comments, ~30 detections per host,
 * RESULTS of tab-separated tables in CDATA (with the `]]]]><![CDATA[>` split when the text holds
 * `]]>`) or entity-escaped, rare non-ASCII, an element the schema does not know, and a truncation
 * WARNING with its URL in CDATA. Written with a seeded PRNG (mulberry32): the same bytes every
 * run, and the checksums every decoder must reproduce.
 */

export interface Expected {
  hosts: number;
  detections: number;
  qidSum: number;
  severitySum: number;
  portSum: number;
  sslTrue: number;
  /** Total decoded RESULTS length in UTF-16 units. */
  resultsLength: number;
  warningUrl: string;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["kernel", "openssl", "libxml2", "glibc", "3.10.0-1160.el7", "1.1.1k-5", "x86_64", "noarch", "installed", "required", "Version", "HTTP/1.1", "200", "OK", "Server:", "nginx", "<tag>", "a&b", '"quoted"', "it's", "C:\\Windows\\System32", "résumé", "–", "’", "日本", "😀"];

const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;

export function generateHld(hosts: number, seed = 42): { xml: Buffer; expected: Expected } {
  const rand = mulberry32(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd">\n',
    "<HOST_LIST_VM_DETECTION_OUTPUT>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n<!-- keep-alive for HOST_LIST_VM_DETECTION_OUTPUT -->\n    <HOST_LIST>\n",
  ];
  const expected: Expected = { hosts, detections: 0, qidSum: 0, severitySum: 0, portSum: 0, sslTrue: 0, resultsLength: 0, warningUrl: "" };
  for (let h = 1; h <= hosts; h++) {
    const id = 1_000_000 + h;
    parts.push(
      `      <HOST>\n        <ID>${id}</ID>\n        <IP>10.${(h >> 8) & 255}.${h & 255}.1</IP>\n        <TRACKING_METHOD>IP</TRACKING_METHOD>\n` +
        `        <OS><![CDATA[${pick(["Windows Server 2019", "Red Hat Enterprise Linux 8.9", "Ubuntu 22.04"])}]]></OS>\n` +
        (rand() < 0.8 ? `        <DNS><![CDATA[host${h}.example.com]]></DNS>\n` : "") +
        (rand() < 0.5 ? `        <NETBIOS><![CDATA[HOST${h}]]></NETBIOS>\n` : "") +
        `        <LAST_SCAN_DATETIME>2026-11-20T03:00:00Z</LAST_SCAN_DATETIME>\n        <LAST_VM_SCANNED_DATE>2026-11-20T02:58:00Z</LAST_VM_SCANNED_DATE>\n` +
        `        <FUTURE_FIELD>${h % 7}</FUTURE_FIELD>\n        <DETECTION_LIST>\n`,
    );
    if (h % 100 === 0) parts.push("<!-- keep-alive for HOST_LIST_VM_DETECTION_OUTPUT -->\n");
    const n = 1 + Math.floor(rand() * 59);
    for (let d = 0; d < n; d++) {
      const qid = 10_000 + Math.floor(rand() * 90_000);
      const severity = 1 + Math.floor(rand() * 5);
      expected.detections++;
      expected.qidSum += qid;
      expected.severitySum += severity;
      let fields = `            <QID>${qid}</QID>\n            <TYPE>${pick(["Confirmed", "Potential"])}</TYPE>\n            <SEVERITY>${severity}</SEVERITY>\n`;
      if (rand() < 0.6) {
        const port = pick([22, 25, 80, 443, 3389, 8443]);
        const ssl = rand() < 0.5;
        expected.portSum += port;
        if (ssl) expected.sslTrue++;
        fields += `            <PORT>${port}</PORT>\n            <PROTOCOL>tcp</PROTOCOL>\n            <SSL>${ssl ? 1 : 0}</SSL>\n`;
      }
      if (rand() < 0.92) {
        const target = 200 + Math.floor(rand() * 1800);
        const lines: string[] = [];
        let length = 0;
        while (length < target) {
          const line = Array.from({ length: 3 }, () => pick(WORDS)).join("\t") + (rand() < 0.02 ? " ]]> end" : "");
          lines.push(line);
          length += line.length + 1;
        }
        const text = lines.join("\n");
        expected.resultsLength += text.length;
        fields += `            <RESULTS>${rand() < 0.6 ? cdata(text) : escapeText(text)}</RESULTS>\n`;
      }
      fields +=
        `            <STATUS>${pick(["New", "Active", "Re-Opened", "Fixed"])}</STATUS>\n` +
        `            <FIRST_FOUND_DATETIME>2026-01-01T00:00:00Z</FIRST_FOUND_DATETIME>\n            <LAST_FOUND_DATETIME>2026-11-20T03:00:00Z</LAST_FOUND_DATETIME>\n` +
        `            <TIMES_FOUND>${1 + Math.floor(rand() * 200)}</TIMES_FOUND>\n            <LAST_TEST_DATETIME>2026-11-20T03:00:00Z</LAST_TEST_DATETIME>\n` +
        `            <LAST_UPDATE_DATETIME>2026-11-20T03:05:00Z</LAST_UPDATE_DATETIME>\n            <IS_IGNORED>0</IS_IGNORED>\n            <IS_DISABLED>0</IS_DISABLED>\n` +
        `            <LAST_PROCESSED_DATETIME>2026-11-20T03:05:00Z</LAST_PROCESSED_DATETIME>\n`;
      parts.push(`          <DETECTION>\n${fields}          </DETECTION>\n`);
    }
    parts.push("        </DETECTION_LIST>\n      </HOST>\n");
  }
  expected.warningUrl = `https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list&truncation_limit=${hosts}&id_min=${1_000_001 + hosts}`;
  parts.push(
    `    </HOST_LIST>\n    <WARNING>\n      <CODE>1980</CODE>\n      <TEXT>${hosts} record limit exceeded. Use URL to get next batch of results.</TEXT>\n      <URL><![CDATA[${expected.warningUrl}]]></URL>\n    </WARNING>\n  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n<!-- CONFIDENTIAL AND PROPRIETARY INFORMATION. //-->\n`,
  );
  return { xml: Buffer.from(parts.join("")), expected };
}
