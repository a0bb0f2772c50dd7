import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeXml, decodeXmlDocument } from "../../src/runtime/xml/decode.js";
import type { XmlRoot } from "../../src/runtime/xml/descriptor.js";

export const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, "..", "fixtures", "qualys-xml", name));

/** Feeds a body in chunks of `size` bytes, splitting tags, entities, CDATA markers and UTF-8 sequences. */
export async function* chunks(body: Buffer | string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function records<R = Record<string, unknown>, D = Record<string, unknown>>(
  body: Buffer | string,
  root: XmlRoot,
  size = 64 * 1024,
  httpStatus?: number,
): Promise<{ records: R[]; document: D }> {
  const stream = decodeXml<R, D>(chunks(body, size), root, { httpStatus });
  const out: R[] = [];
  for await (const r of stream) out.push(r);
  return { records: out, document: await stream.document };
}

export const documentOf = <D = Record<string, unknown>>(body: Buffer | string, root: XmlRoot, httpStatus?: number) =>
  decodeXmlDocument<D>(chunks(body, 4096), root, { httpStatus });
