/** Shared pieces of the ETM report tests: a client on the local server, ZIP builders, a virtual clock. */
import { strToU8, Zip, ZipDeflate, ZipPassThrough, zipSync } from "fflate";
import { createEtmClient } from "../../../src/generated/etm/index.js";
import type { ReportClock } from "../../../src/runtime/etm/findings-report.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";

export const etmClientFor = (url: string) => createEtmClient({ handler: compose([], fetchTransport), baseUrl: () => url });

export const finding = (n: number) => ({ title: `finding ${n}`, severity: 5, cveId: `CVE-2024-${1000 + n}` });

const text = (json: unknown) => strToU8(typeof json === "string" ? json : JSON.stringify(json));

/** A ZIP with sizes in the local headers, entries in the given order. */
export const zip = (parts: Record<string, unknown>) => zipSync(Object.fromEntries(Object.entries(parts).map(([name, json]) => [name, text(json)])));

/**
 * A ZIP written as a stream (sizes after the data, in data descriptors), the way Java's
 * ZipOutputStream writes one; `stored` entries are not compressed, names ending in "/" are directories.
 */
export function streamedZip(parts: Record<string, unknown>, stored: readonly string[] = []): Uint8Array {
  const out: Uint8Array[] = [];
  const archive = new Zip((err, chunk) => {
    if (err) throw err;
    out.push(chunk);
  });
  for (const [name, json] of Object.entries(parts)) {
    const entry = stored.includes(name) || name.endsWith("/") ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    archive.add(entry);
    entry.push(name.endsWith("/") ? new Uint8Array() : text(json), true);
  }
  archive.end();
  return Buffer.concat(out);
}

/** Where the n-th local entry header ("PK\3\4") starts. */
export function entryOffset(bytes: Uint8Array, n: number): number {
  let seen = 0;
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 3 && bytes[i + 3] === 4 && ++seen === n) return i;
  }
  throw new Error(`no entry ${n}`);
}

/**
 * Virtual time: sleeping moves the clock at once. Each sleep is recorded with what `observe`
 * returned at that moment (the tests pass the server's poll count).
 */
export function virtualClock(observe: () => number) {
  let now = 0;
  const sleeps: { ms: number; polls: number }[] = [];
  const clock: ReportClock = {
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push({ ms, polls: observe() });
      now += ms;
    },
  };
  return { clock, sleeps, now: () => now };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<{ got: T[]; error: unknown }> {
  const got: T[] = [];
  try {
    for await (const item of items) got.push(item);
    return { got, error: undefined };
  } catch (error) {
    return { got, error };
  }
}
