/**
 * Decoding a ~50 MB host detection page: (a) the bare saxes tokenizer with no building (the
 * floor for any saxes-based decoder), (b) this SDK's streaming schema-driven decoder, (c) a
 * whole-document DOM parse with fast-xml-parser. Throughput as ratios to (a), from one run, with
 * checksums so every contender did the whole job.
 */
import { XMLParser } from "fast-xml-parser";
import { SaxesParser } from "saxes";
import * as D from "../src/generated/vm/xml-descriptors.js";
import type { DetectionHost } from "../src/generated/vm/xml-types.js";
import { decodeXml } from "../src/runtime/xml/decode.js";

const HOSTS = Number(process.env.BENCH_XML_HOSTS ?? 900);
const CHUNK = 64 * 1024;

/** Deterministic HLD page (mulberry32), pretty-printed like Qualys, RESULTS with CDATA and entities. */
function generate(): { xml: Buffer; hosts: number; detections: number; qidSum: number } {
  let seed = 42;
  const rand = () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd">\n<HOST_LIST_VM_DETECTION_OUTPUT>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n    <HOST_LIST>\n'];
  let detections = 0;
  let qidSum = 0;
  for (let h = 1; h <= HOSTS; h++) {
    parts.push(`      <HOST>\n        <ID>${1000000 + h}</ID>\n        <IP>10.${h >> 8}.${h & 255}.1</IP>\n        <TRACKING_METHOD>IP</TRACKING_METHOD>\n        <OS><![CDATA[Windows Server 2019]]></OS>\n        <DNS><![CDATA[host${h}.example.com]]></DNS>\n        <LAST_SCAN_DATETIME>2026-11-20T03:00:00Z</LAST_SCAN_DATETIME>\n        <DETECTION_LIST>\n`);
    const n = 1 + Math.floor(rand() * 59);
    for (let d = 0; d < n; d++) {
      const qid = 10000 + Math.floor(rand() * 90000);
      qidSum += qid;
      detections++;
      const len = 200 + Math.floor(rand() * 1800);
      const text = "x".repeat(len);
      const results = rand() < 0.6 ? `<![CDATA[${text} <tag> & é]]>` : `${text} &lt;tag&gt; &amp; &quot;é&quot;`;
      parts.push(`          <DETECTION>\n            <QID>${qid}</QID>\n            <TYPE>Confirmed</TYPE>\n            <SEVERITY>${1 + Math.floor(rand() * 5)}</SEVERITY>\n            <PORT>443</PORT>\n            <PROTOCOL>tcp</PROTOCOL>\n            <SSL>1</SSL>\n            <RESULTS>${results}</RESULTS>\n            <STATUS>Active</STATUS>\n            <FIRST_FOUND_DATETIME>2026-01-01T00:00:00Z</FIRST_FOUND_DATETIME>\n            <LAST_FOUND_DATETIME>2026-11-20T03:00:00Z</LAST_FOUND_DATETIME>\n            <TIMES_FOUND>7</TIMES_FOUND>\n            <IS_IGNORED>0</IS_IGNORED>\n            <IS_DISABLED>0</IS_DISABLED>\n          </DETECTION>\n`);
    }
    parts.push("        </DETECTION_LIST>\n      </HOST>\n");
  }
  parts.push("    </HOST_LIST>\n  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n");
  return { xml: Buffer.from(parts.join("")), hosts: HOSTS, detections, qidSum };
}

function* chunks(buf: Buffer): Generator<Uint8Array> {
  for (let i = 0; i < buf.length; i += CHUNK) yield buf.subarray(i, i + CHUNK);
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T; rssGrowthMiB: number }> {
  global.gc?.();
  const rss = process.memoryUsage().rss;
  let peak = rss;
  const probe = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  clearInterval(probe);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, value, rssGrowthMiB: (peak - rss) / 1048576 };
}

export async function xmlBench(): Promise<void> {
  const page = generate();
  const mb = page.xml.length / 1e6;
  console.log(`\nxml: ${mb.toFixed(1)} MB host detection page, ${page.hosts} hosts, ${page.detections} detections, ${CHUNK / 1024} KiB chunks`);

  const bare = await timed(() => {
    const parser = new SaxesParser();
    const decoder = new TextDecoder();
    let qids = 0;
    let inQid = false;
    parser.on("opentag", (t) => (inQid = t.name === "QID"));
    parser.on("text", (t) => {
      if (inQid) qids += Number(t);
    });
    parser.on("closetag", () => (inQid = false));
    for (const c of chunks(page.xml)) parser.write(decoder.decode(c, { stream: true }));
    parser.close();
    return qids;
  });

  const adapter = await timed(async () => {
    let hosts = 0;
    let detections = 0;
    let qids = 0;
    for await (const host of decodeXml<DetectionHost>(chunks(page.xml), D.HostListVmDetectionOutput)) {
      hosts++;
      for (const d of host.detectionList ?? []) {
        detections++;
        qids += d.qid ?? 0;
      }
    }
    return { hosts, detections, qids };
  });

  const dom = await timed(() => {
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === "HOST" || name === "DETECTION" }).parse(page.xml.toString("utf8"));
    const hosts = doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE.HOST_LIST.HOST as { DETECTION_LIST: { DETECTION: { QID: number }[] } }[];
    let qids = 0;
    let detections = 0;
    for (const h of hosts) for (const d of h.DETECTION_LIST.DETECTION) (qids += Number(d.QID)), detections++;
    return { hosts: hosts.length, detections, qids };
  });

  const ok = (v: { hosts: number; detections: number; qids: number }) => v.hosts === page.hosts && v.detections === page.detections && v.qids === page.qidSum;
  if (bare.value !== page.qidSum || !ok(adapter.value) || !ok(dom.value)) throw new Error("xml bench: a decoder returned wrong totals");
  const rate = (ms: number) => mb / (ms / 1000);
  console.table([
    { decoder: "(a) bare saxes tokenizer", "MB/s": rate(bare.ms).toFixed(1), "× (a)": "1.00", "RSS growth MiB": bare.rssGrowthMiB.toFixed(0) },
    { decoder: "(b) qualys-ts streaming decoder", "MB/s": rate(adapter.ms).toFixed(1), "× (a)": (bare.ms / adapter.ms).toFixed(2), "RSS growth MiB": adapter.rssGrowthMiB.toFixed(0) },
    { decoder: "(c) fast-xml-parser DOM", "MB/s": rate(dom.ms).toFixed(1), "× (a)": (bare.ms / dom.ms).toFixed(2), "RSS growth MiB": dom.rssGrowthMiB.toFixed(0) },
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await xmlBench();
