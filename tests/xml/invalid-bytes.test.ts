/**
 * Bytes that are not valid in the body's encoding are decoded as U+FFFD but never silently: each
 * answer counts them on its stream's summary, the caller's onWarning (else the process, once) is
 * told, and the export's page decoders (in-process and worker) hand the count back.
 */
import { describe, expect, it } from "vitest";
import { inProcessDecoder, workerPoolDecoder } from "../../src/export/decoders.js";
import { descriptors } from "../../src/generated/vm/index.js";
import { XmlParseError } from "../../src/runtime/errors/xml-parse-error.js";
import { decodeXml, decodeXmlDocument } from "../../src/runtime/xml/decode.js";
import type { XmlRoot } from "../../src/runtime/xml/descriptor.js";
import { INVALID_ENCODING_WARNING, type XmlDecodeWarning } from "../../src/runtime/xml/index.js";
import * as S from "./generated/scans-reports.descriptors.js";
import { random } from "../support/export-data.js";
import { chunks, rejection } from "./support.js";

const scanList = (title: Buffer) =>
  Buffer.concat([
    Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><SCAN_LIST><SCAN><REF>scan/1</REF><TITLE>`),
    title,
    Buffer.from(`</TITLE></SCAN></SCAN_LIST></RESPONSE></SCAN_LIST_OUTPUT>`),
  ]);

/**
 * Replacements the WHATWG UTF-8 decoder makes, written from the Encoding Standard's algorithm
 * (one U+FFFD per maximal invalid subpart): the reference the decoder's counter must match.
 */
function whatwgReplacements(bytes: Uint8Array): number {
  let count = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (needed === 0) {
      if (b <= 0x7f) continue;
      if (b >= 0xc2 && b <= 0xdf) needed = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
      } else count++;
      continue;
    }
    if (b < lower || b > upper) {
      needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      count++;
      i--; // the byte is read again as the start of what follows
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    if (++seen === needed) needed = seen = 0;
  }
  return needed !== 0 ? count + 1 : count;
}

/** Valid text, a U+FFFD the body really holds, and broken sequences of every kind. */
const PIECES: number[][] = [
  [0x61],
  [0xc3, 0xa9], // é
  [0xe6, 0x97, 0xa5], // 日
  [0xf0, 0x9f, 0x98, 0x80], // 😀
  [0xef, 0xbf, 0xbd], // a real U+FFFD: not a replacement
  [0x80], // lone continuation byte
  [0xc3], // cut 2-byte sequence
  [0xe6, 0x97], // cut 3-byte sequence
  [0xf0, 0x9f, 0x98], // cut 4-byte sequence
  [0xff],
  [0xc0, 0xaf], // overlong
  [0xed, 0xa0, 0x80], // UTF-16 surrogate
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
];


async function summaryOf(body: Buffer, size: number, onWarning?: (w: XmlDecodeWarning) => void) {
  const stream = decodeXml(chunks(body, size), S.ScanListOutput, { onWarning: onWarning ?? (() => {}) });
  const titles: (string | undefined)[] = [];
  for await (const scan of stream) titles.push(scan.title);
  await stream.document;
  return { summary: stream.summary, title: titles[0] };
}

describe("invalid bytes in a UTF-8 body", () => {
  it("counts each replaced sequence exactly as the Encoding Standard makes them, however the body is cut into chunks", async () => {
    const rand = random(7);
    for (let round = 0; round < 60; round++) {
      const title = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 40) }, () => PIECES[Math.floor(rand() * PIECES.length)]!).flat());
      const body = scanList(title);
      const expected = whatwgReplacements(body);
      for (const size of [1, 2, 3, 5, 64 * 1024]) {
        const { summary, title: decoded } = await summaryOf(body, size);
        expect(summary.invalidSequences, `${title.toString("hex")} in ${size}-byte chunks`).toBe(expected);
        expect(summary.encoding).toBe("utf-8");
        expect(summary.bytes).toBe(body.length);
        // The text itself is what TextDecoder makes of the bytes.
        expect(decoded).toBe(new TextDecoder().decode(title));
      }
    }
  });

  it("does not count a U+FFFD the body really holds, nor a body that is clean", async () => {
    const { summary } = await summaryOf(scanList(Buffer.from("a\uFFFDb\uFFFD", "utf8")), 1);
    expect(summary).toMatchObject({ invalidSequences: 0, warnings: [] });
  });

  it("counts a sequence cut off by the end of the body", async () => {
    // Not a well-formed document after the cut, but the count is still there for the caller.
    const body = Buffer.concat([scanList(Buffer.from("x")).subarray(0, 60), Buffer.of(0xe6, 0x97)]);
    const stream = decodeXml(chunks(body, 7), S.ScanListOutput, { onWarning: () => {} });
    await rejection((async () => {
      for await (const _ of stream) void _;
    })());
    expect(stream.summary.invalidSequences).toBe(1);
  });

  it("tells onWarning once per answer, with the count and the operation", async () => {
    const warnings: XmlDecodeWarning[] = [];
    const body = scanList(Buffer.of(0x41, 0x80, 0x42, 0xc3, 0x43, 0xff));
    const stream = decodeXml(chunks(body, 3), S.ScanListOutput, { operation: "listScans", onWarning: (w) => warnings.push(w) });
    for await (const _ of stream) void _;
    await stream.document;
    expect(warnings).toEqual([
      {
        code: "invalid-encoding",
        count: 3,
        encoding: "utf-8",
        operation: "listScans",
        message: "listScans: the answer held 3 byte sequences that are not valid UTF-8, decoded as U+FFFD (\uFFFD)",
      },
    ]);
    expect(stream.summary.warnings).toEqual(warnings);
  });

  it("without onWarning, warns the process once, whatever the number of answers", async () => {
    const seen: Error[] = [];
    const listener = (w: Error) => void (w.name === "Warning" && (w as Error & { code?: string }).code === INVALID_ENCODING_WARNING && seen.push(w));
    process.on("warning", listener);
    try {
      for (let i = 0; i < 3; i++) await decodeXmlDocument(chunks(scanList(Buffer.of(0x80)), 5), S.ScanListOutput);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toHaveLength(1);
      expect(seen[0]!.message).toMatch(/1 byte sequence that is not valid UTF-8, decoded as U\+FFFD/);
    } finally {
      process.off("warning", listener);
    }
  });

  it("still gives exact byte offsets, after invalid bytes and after characters split across chunks", async () => {
    const rand = random(11);
    const broken = Array.from({ length: 6 }, () => Buffer.from(Array.from({ length: 12 }, () => PIECES[Math.floor(rand() * PIECES.length)]!).flat()));
    const titles = [Buffer.of(0x80, 0xe6, 0x97, 0x41, 0xf0, 0x9f), Buffer.from("é日😀é"), Buffer.of(0xf0, 0x9f, 0x98), ...broken];
    for (const [bom, title] of titles.flatMap((t) => [[Buffer.alloc(0), t] as const, [Buffer.of(0xef, 0xbb, 0xbf), t] as const])) {
      // A byte order mark counts as body bytes before the text.
      const text = Buffer.concat([bom, scanList(title)]);
      const cut = text.indexOf("</TITLE>");
      const body = Buffer.concat([text.subarray(0, cut), Buffer.from("</WRONG>"), text.subarray(cut)]);
      for (let size = 1; size <= 24; size++) {
        const err = (await rejection(decodeXmlDocument(chunks(body, size), S.ScanListOutput, { onWarning: () => {} }))) as XmlParseError;
        expect(err).toBeInstanceOf(XmlParseError);
        expect(err.offset, `${title.toString("hex")} in ${size}-byte chunks`).toBe(cut + "</WRONG>".length);
      }
    }
  });
});

describe("the export's page decoders", () => {
  const root = (descriptors as unknown as Record<string, XmlRoot>).HostListVmDetectionOutput!;
  const body = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const xml = Buffer.concat([
          Buffer.from("<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>1</ID><OS>A"),
          Buffer.of(0x80, 0x80),
          Buffer.from("B</OS><DETECTION_LIST><DETECTION><QID>7</QID></DETECTION></DETECTION_LIST></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>"),
        ]);
        controller.enqueue(Uint8Array.from(xml));
        controller.close();
      },
    });

  it.each([
    ["in-process", () => inProcessDecoder()],
    ["worker", () => workerPoolDecoder(1)],
  ])("%s: the page decode's summary carries the count once its document has settled", async (_, make) => {
    const decoder = make();
    try {
      const stream = decoder.pageDecoder("detections", 1)(body(), root, { operation: "listHostDetections", onWarning: () => {} });
      let records = 0;
      for await (const chunk of stream) records += (chunk as { records: number }).records;
      await stream.document;
      expect(records).toBe(1);
      expect(stream.summary).toMatchObject({ encoding: "utf-8", invalidSequences: 2 });
    } finally {
      await decoder.close();
    }
  });
});
