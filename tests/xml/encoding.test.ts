/** The body's character encoding: the XML declaration and byte order marks are honoured or refused, never guessed. */
import { describe, expect, it } from "vitest";
import { XmlParseError } from "../../src/runtime/errors/xml-parse-error.js";
import * as S from "./generated/scans-reports.descriptors.js";
import { charsetOf } from "../../src/runtime/xml/encoding.js";
import { documentOf, rejection } from "./support.js";

const scanList = (title: string, declaration = "") =>
  `${declaration}<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><SCAN_LIST><SCAN><REF>scan/1</REF><TITLE>${title}</TITLE></SCAN></SCAN_LIST></RESPONSE></SCAN_LIST_OUTPUT>`;
const titleOf = async (body: Buffer) => (await documentOf(body, S.ScanListOutput)).response?.scanList?.[0]?.title;
/** Feeds every byte on its own, so the declaration is split across chunks too. */
const titleByteByByte = async (body: Buffer) => {
  const { decodeXmlDocument } = await import("../../src/runtime/xml/decode.js");
  async function* bytes() {
    for (const b of body) yield Uint8Array.of(b);
  }
  return (await decodeXmlDocument(bytes(), S.ScanListOutput)).response?.scanList?.[0]?.title;
};

describe("declared encodings", () => {
  it.each(["ISO-8859-1", "iso-8859-1", "latin1", "windows-1252", "US-ASCII"])("decodes a body declared %s as that encoding, not as UTF-8", async (label) => {
    const body = Buffer.from(scanList("Caf\u00e9 r\u00e9seau", `<?xml version="1.0" encoding="${label}"?>\n`), "latin1");
    expect(body.includes(0xe9)).toBe(true);
    expect(await titleOf(body)).toBe("Café réseau");
    expect(await titleByteByByte(body)).toBe("Café réseau");
  });

  it("reads windows-1252 punctuation (bytes 0x80–0x9F) the way the WHATWG Encoding Standard does", async () => {
    const body = Buffer.concat([Buffer.from(`<?xml version='1.0' encoding='ISO-8859-1' standalone='yes'?>${scanList("").split("<TITLE>")[0]}<TITLE>`), Buffer.of(0x80, 0x20, 0x92, 0x93), Buffer.from(`</TITLE></SCAN></SCAN_LIST></RESPONSE></SCAN_LIST_OUTPUT>`)]);
    expect(await titleOf(body)).toBe("€ ’“");
  });

  it("reports byte offsets of the body as sent", async () => {
    const text = scanList("\u00e9\u00e9\u00e9</WRONG>", `<?xml version="1.0" encoding="ISO-8859-1"?>`);
    const err = (await rejection(documentOf(Buffer.from(text, "latin1"), S.ScanListOutput))) as XmlParseError;
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err.offset).toBe(text.indexOf("</WRONG>") + "</WRONG>".length);
  });

  it("keeps UTF-8 as UTF-8, with or without a byte order mark", async () => {
    for (const declaration of ["", `<?xml version="1.0" encoding="UTF-8"?>`, `<?xml version="1.0" encoding="utf8"?>`]) {
      expect(await titleOf(Buffer.from(scanList("日本 é", declaration)))).toBe("日本 é");
      expect(await titleByteByByte(Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(scanList("日本 é", declaration))]))).toBe("日本 é");
    }
  });

  it("refuses an encoding it cannot decode with a clear error", async () => {
    const err = await rejection(documentOf(Buffer.from(scanList("x", `<?xml version="1.0" encoding="EBCDIC-CP-US"?>`)), S.ScanListOutput));
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as Error).message).toMatch(/^The XML declares encoding "EBCDIC-CP-US", which this decoder cannot read/);
  });
});

describe("byte order marks and UTF-16", () => {
  const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

  it("decodes UTF-16 with a byte order mark, little- and big-endian", async () => {
    const text = scanList("日本 é 😀", `<?xml version="1.0" encoding="UTF-16"?>`);
    expect(await titleOf(Buffer.concat([Buffer.of(0xff, 0xfe), Buffer.from(text, "utf16le")]))).toBe("日本 é 😀");
    expect(await titleByteByByte(Buffer.concat([Buffer.of(0xfe, 0xff), utf16be(text)]))).toBe("日本 é 😀");
  });

  it("decodes UTF-16 without a byte order mark when the declaration shows the byte order", async () => {
    const text = scanList("é", `<?xml version="1.0" encoding="UTF-16"?>`);
    expect(await titleOf(Buffer.from(text, "utf16le"))).toBe("é");
    expect(await titleOf(utf16be(text))).toBe("é");
  });

  it("refuses a body declared UTF-16 whose bytes are not, and UTF-32", async () => {
    const liar = await rejection(documentOf(Buffer.from(scanList("x", `<?xml version="1.0" encoding="UTF-16"?>`)), S.ScanListOutput));
    expect(liar).toBeInstanceOf(XmlParseError);
    expect((liar as Error).message).toMatch(/declares encoding "UTF-16" but its bytes are not UTF-16/);
    const utf32 = await rejection(documentOf(Buffer.concat([Buffer.of(0xff, 0xfe, 0, 0), Buffer.from("<\0\0\0")]), S.ScanListOutput));
    expect(utf32).toBeInstanceOf(XmlParseError);
    expect((utf32 as Error).message).toMatch(/UTF-32/);
  });
});

describe("the Content-Type charset", () => {
  it("reads the charset parameter only when there is one", () => {
    expect(charsetOf("text/xml;charset=UTF-8")).toBe("UTF-8");
    expect(charsetOf('text/xml; Charset="iso-8859-1"; foo=bar')).toBe("iso-8859-1");
    expect(charsetOf("application/xml")).toBeUndefined();
    expect(charsetOf(null)).toBeUndefined();
  });

  it("decodes in the charset over the XML declaration, and a byte order mark over both", async () => {
    const latin1 = Buffer.from(scanList("Caf\u00e9"), "latin1");
    expect((await documentOf(latin1, S.ScanListOutput, { charset: "ISO-8859-1" })).response?.scanList?.[0]?.title).toBe("Café");
    const mislabelled = Buffer.from(scanList("Caf\u00e9", `<?xml version="1.0" encoding="UTF-8"?>`), "latin1");
    expect((await documentOf(mislabelled, S.ScanListOutput, { charset: "ISO-8859-1" })).response?.scanList?.[0]?.title).toBe("Café");
    const bom = Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(scanList("Café"))]);
    expect((await documentOf(bom, S.ScanListOutput, { charset: "ISO-8859-1" })).response?.scanList?.[0]?.title).toBe("Café");
    const err = await rejection(documentOf(Buffer.from(scanList("x")), S.ScanListOutput, { charset: "x-unknown" }));
    expect((err as Error).message).toMatch(/^The Content-Type declares charset "x-unknown", which this decoder cannot read/);
  });
});
