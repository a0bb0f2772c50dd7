/**
 * Runs XML fuzz cases in a child process (`node --import tsx xml-worker.ts <scale> <seed> <from>`)
 * and prints one JSON line per case: `{"start":i}` before it, then its outcome. The parent kills
 * a worker whose case takes too long (a hang) and starts a new one after that case, so a CPU loop
 * in the decoder is counted, not waited on forever.
 */
import { QualysError } from "../../src/runtime/errors/qualys-error.js";
import * as D from "../../src/generated/vm/xml-descriptors.js";
import { decodeXml } from "../../src/runtime/xml/decode.js";
import { random, sourceBytes, xmlCases, type DescriptorName, type Scale, type XmlCase } from "./xml-cases.js";

export type Outcome = "accepted" | "typed-error" | "crash";

export interface CaseResult {
  readonly index: number;
  readonly kind: string;
  readonly outcome: Outcome;
  readonly records: number;
  /** A record that is not the source's at its place (truncation) or a wrong decode (re-encoding). */
  readonly partial: boolean;
  readonly error?: string;
  readonly ms: number;
}

const reference = new Map<string, string[]>();

async function recordsOf(bytes: Uint8Array, descriptor: DescriptorName, chunk: number): Promise<{ records: string[]; error?: unknown }> {
  const records: string[] = [];
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  try {
    for await (const record of decodeXml(chunks(), D[descriptor] as never)) records.push(JSON.stringify(record));
    return { records };
  } catch (error) {
    return { records, error };
  }
}

async function referenceOf(source: string, descriptor: DescriptorName): Promise<string[]> {
  let known = reference.get(source);
  if (!known) {
    const bytes = source.startsWith("inline:") ? new TextEncoder().encode(source.slice(7)) : sourceBytes(source);
    const { records, error } = await recordsOf(bytes, descriptor, 65536);
    if (error) throw new Error(`the reference capture ${source} does not decode: ${String(error)}`);
    known = records;
    reference.set(source, known);
  }
  return known;
}

export async function runCase(c: XmlCase, chunk: number): Promise<CaseResult> {
  const started = performance.now();
  const { records, error } = await recordsOf(c.bytes, c.descriptor, chunk);
  const outcome: Outcome = error === undefined ? "accepted" : error instanceof QualysError ? "typed-error" : "crash";
  let partial = false;
  if (c.source && c.expect) {
    const ref = await referenceOf(c.source, c.descriptor);
    if (c.expect === "prefix") partial = records.length > ref.length || records.some((r, i) => r !== ref[i]);
    else if (outcome === "accepted") partial = records.length !== ref.length || records.some((r, i) => r !== ref[i]);
  }
  const detail = error === undefined ? undefined : `${(error as Error)?.name}: ${String((error as Error)?.message ?? error).slice(0, 160)}`;
  return { index: c.index, kind: c.kind, outcome, records: records.length, partial, error: outcome === "crash" || partial ? detail : undefined, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const [scale, seedText, fromText] = process.argv.slice(2);
  const seed = Number(seedText);
  const from = Number(fromText ?? 0);
  const pick = random(seed ^ 0x5eed);
  for (const c of xmlCases(scale as Scale, seed)) {
    const chunk = 1 + Math.floor(pick() * 8192); // drawn for every case, so chunk sizes do not depend on `from`
    if (c.index < from) continue;
    process.stdout.write(`${JSON.stringify({ start: c.index })}\n`);
    const result = await runCase(c, chunk);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  process.stdout.write(`${JSON.stringify({ done: true })}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) await main();
