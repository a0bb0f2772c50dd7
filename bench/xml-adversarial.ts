/**
 * Decoding hostile pages (bench/xml/adversarial.ts): text split into 100k–200k fragments by
 * comments or CDATA after a 12 M-character lead, nesting to the depth limit, 1 MiB and 5000
 * attributes per element. Each page is read at half and at full size by (a) the bare saxes
 * tokenizer with every handler attached and no building, and (b) this SDK's decodeXml, in 64 KiB
 * chunks, alternating, best of 2. Printed: ms per MB of each, and (b)/(a). Linear code has the
 * same ms/MB at both sizes; a quadratic step shows as ms/MB that grows with the size. Every
 * decoded page is checked against what its generator says it holds.
 *
 *   npx tsx bench/xml-adversarial.ts      this benchmark alone
 *   npm run bench                         every benchmark (bench/run.ts)
 */
import { pathToFileURL } from "node:url";
import { SaxesParser } from "saxes";
import { HostListVmDetectionOutput } from "../src/generated/vm/xml-descriptors.js";
import { decodeXml } from "../src/runtime/xml/decode.js";
import { adversarialPages, type AdversarialPage } from "./xml/adversarial.js";
import { CHUNK } from "./xml/contenders.js";

const MB = 1e6;

function* chunks(body: Buffer): Generator<Uint8Array> {
  for (let i = 0; i < body.length; i += CHUNK) yield body.subarray(i, i + CHUNK);
}

/** The tokenizer alone: the floor of any saxes-based decoder on this input. */
function bare(body: Buffer): number {
  const parser = new SaxesParser();
  const decoder = new TextDecoder();
  let events = 0;
  const count = () => void events++;
  parser.on("opentag", count);
  parser.on("closetag", count);
  parser.on("text", count);
  parser.on("cdata", count);
  parser.on("comment", count);
  for (const chunk of chunks(body)) parser.write(decoder.decode(chunk, { stream: true }));
  parser.write(decoder.decode());
  parser.close();
  return events;
}

interface Got {
  hosts: number;
  resultsLength: number;
  depth: number;
  attributeChars: number;
}

async function decode(body: Buffer): Promise<Got> {
  const got: Got = { hosts: 0, resultsLength: 0, depth: 0, attributeChars: 0 };
  for await (const host of decodeXml(chunks(body), HostListVmDetectionOutput)) {
    if (got.hosts++ === 0) got.resultsLength = host.detectionList?.[0]?.results?.length ?? 0;
    let node = host.extra?.N;
    let depth = 0;
    while (node !== undefined) {
      depth++;
      node = typeof node === "object" ? (node as { N?: unknown }).N : undefined;
    }
    got.depth = Math.max(got.depth, depth);
    for (const [key, value] of Object.entries(host.extra ?? {})) if (key.startsWith("@")) got.attributeChars += (value as string).length;
  }
  return got;
}

function check(page: AdversarialPage, got: Got): void {
  for (const [key, want] of Object.entries(page.expected)) {
    const value = got[key as keyof Got];
    if (value !== want) throw new Error(`xml adversarial bench: ${page.name}: ${key} = ${value}, expected ${want}`);
  }
}

async function time(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function xmlAdversarialBench(): Promise<void> {
  console.log("\nxml adversarial: ms per MB of (a) the bare saxes tokenizer and (b) decodeXml on the same hostile page, at half and full size, best of 2");
  const rows: Record<string, string>[] = [];
  for (const scale of [0.5, 1]) {
    for (const page of adversarialPages(scale)) {
      const mb = page.xml.length / MB;
      check(page, await decode(page.xml));
      let a = Infinity;
      let b = Infinity;
      for (let round = 0; round < 2; round++) {
        a = Math.min(a, await time(() => bare(page.xml)));
        b = Math.min(b, await time(() => decode(page.xml)));
      }
      rows.push({ page: page.name, MB: mb.toFixed(1), "(a) saxes ms/MB": (a / mb).toFixed(1), "(b) decodeXml ms/MB": (b / mb).toFixed(1), "(b)/(a) time": (b / a).toFixed(2) });
    }
  }
  console.table(rows);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await xmlAdversarialBench();
