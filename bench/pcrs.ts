/**
 * Streamed PCRS posture: one postureInfo answer of many records with evidence (gzip, no
 * Content-Encoding) decoded through the client record by record, against the baseline of reading
 * the same body whole (fetch, gunzip, JSON.parse). Printed as ratios to the baseline from the same
 * run: records per second, and the heap the read needs on top of what was there before it.
 *
 *   npx tsx bench/pcrs.ts        BENCH_PCRS_RECORDS=… to resize (default 30000, ~2 KB of evidence each)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { createQualysClient } from "../src/client.js";

const RECORDS = Number(process.env.BENCH_PCRS_RECORDS ?? 30_000);
const POSTURE = "/pcrs/5.0/posture/postureInfo";

function body(): Buffer {
  const evidence = JSON.stringify("x".repeat(2000));
  const parts = Array.from({ length: RECORDS }, (_, i) =>
    `{"id":${23_006_235_045 + i},"instance":"os","policyId":4677689,"controlId":${1000 + (i % 50)},"hostId":${1_000_000 + Math.floor(i / 50)},"status":"${i % 3 ? "Passed" : "Failed"}","lastEvaluatedDate":"2026-11-29T22:05:00Z","evidence":{"value":${evidence}}}`,
  );
  return gzipSync(`[${parts.join(",")}]`);
}

async function serve(gz: Buffer) {
  const server = createServer((req, res) => {
    if (req.url === "/auth") {
      res.writeHead(201, { "Content-Type": "text/plain" });
      res.end("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2ln");
      return;
    }
    req.resume();
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": gz.length });
    res.end(gz);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const heap = () => process.memoryUsage().heapUsed;

export async function pcrsBench(): Promise<void> {
  const gz = body();
  console.log(`\n# PCRS posture: one answer of ${RECORDS} records (${(gunzipSync(gz).length / 1e6).toFixed(0)} MB of JSON, ${(gz.length / 1e6).toFixed(1)} MB gzip)`);
  const server = await serve(gz);
  try {
    // (a) Baseline: the whole body, gunzipped and parsed at once.
    let base = heap();
    let start = performance.now();
    const res = await fetch(`${server.url}${POSTURE}`, { method: "POST", body: "[]" });
    const all = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString("utf8")) as unknown[];
    const wholeMs = performance.now() - start;
    const wholeHeap = heap() - base;
    if (all.length !== RECORDS) throw new Error(`pcrs bench: the baseline read ${all.length} records`);
    all.length = 0;

    // (b) The client: records out as they complete, the peak sampled every 1000 records.
    const qualys = createQualysClient({ credentials: { username: "bench", password: "bench" }, baseUrls: { gateway: server.url } });
    base = heap();
    let peak = 0;
    let n = 0;
    start = performance.now();
    for await (const _ of qualys.pcrs.postureInfo({ slices: [{ policyId: "4677689", hostIds: ["1000000"] }] })) {
      if (++n % 1000 === 0) peak = Math.max(peak, heap() - base);
    }
    const streamMs = performance.now() - start;
    await qualys.close();
    if (n !== RECORDS) throw new Error(`pcrs bench: the client read ${n} records`);
    const perSec = (ms: number) => Math.round((RECORDS / ms) * 1000);
    console.log(`(a) fetch + gunzip + JSON.parse, whole: ${perSec(wholeMs)} records/s, heap +${(wholeHeap / 1e6).toFixed(0)} MB  = 1.00`);
    console.log(`(b) client.pcrs.postureInfo, streamed: ${perSec(streamMs)} records/s = ${(wholeMs / streamMs).toFixed(2)} × (a); heap peak +${(peak / 1e6).toFixed(0)} MB = ${(peak / wholeHeap).toFixed(2)} × (a)`);
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await pcrsBench();
