import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeXml, decodeXmlDocument, type DecodeOptions } from "../../src/runtime/xml/decode.js";
import type { XmlRoot } from "../../src/runtime/xml/descriptor.js";

export const fixturesDir = join(import.meta.dirname, "..", "fixtures", "qualys-xml");
export const fixture = (name: string): Buffer => readFileSync(join(fixturesDir, name));

/** Feeds a body in chunks of `size` bytes, splitting tags, entities, CDATA markers and UTF-8 sequences. */
export async function* chunks(body: Buffer | string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Every record and the rest-of-document, read through the streaming API. */
export async function records<R, D>(
  body: Buffer | string,
  root: XmlRoot<R, D>,
  size = 64 * 1024,
  options: DecodeOptions = {},
): Promise<{ records: R[]; document: D }> {
  const stream = decodeXml(chunks(body, size), root, options);
  const out: R[] = [];
  for await (const r of stream) out.push(r);
  return { records: out, document: await stream.document };
}

export const documentOf = <D>(body: Buffer | string, root: XmlRoot<unknown, D>, options: DecodeOptions = {}) =>
  decodeXmlDocument(chunks(body, 4096), root, options);

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection, but the promise resolved");
}
