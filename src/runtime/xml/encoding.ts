/**
 * The character encoding of a byte body, found the way XML 1.0 appendix F and RFC 7303 say: a
 * byte order mark, else the byte pattern of `<?xml` in UTF-16, else an explicit `charset` of the
 * Content-Type, else the `encoding=` of the XML declaration, else UTF-8. Qualys sends UTF-8; a body in another encoding is decoded in it or refused, never read
 * as UTF-8 (which would turn every `é` of an ISO-8859-1 body into U+FFFD).
 *
 * Decoding is the WHATWG Encoding Standard's TextDecoder, as in browsers: `ISO-8859-1`,
 * `latin1` and `US-ASCII` are labels of windows-1252, its superset (bytes 0x80–0x9F are the
 * Windows punctuation they nearly always are in such bodies, not C1 controls). Accepted: UTF-8,
 * UTF-16 (either byte order, with a BOM or a `<?xml` that shows the order) and the single-byte
 * encodings; multi-byte legacy encodings (Shift_JIS, GBK…), UTF-32 and EBCDIC are refused.
 */
import { XmlParseError } from "../errors/xml-parse-error.js";

export interface BodyEncoding {
  /** WHATWG name, for TextDecoder. */
  readonly name: string;
  /** Bytes of the byte order mark at the start of the body (TextDecoder drops it). */
  readonly bomBytes: number;
  /** Body bytes that a decoded text came from, for byte offsets in errors. */
  byteLength(text: string): number;
}

/** How many bytes to wait for before giving up on finding the end of the XML declaration. */
const DECLARATION_MAX = 1024;

const utf8Length = (text: string) => Buffer.byteLength(text);
const singleByteLength = (text: string) => text.length;
const utf16Length = (text: string) => 2 * text.length;

const UTF8: BodyEncoding = { name: "utf-8", bomBytes: 0, byteLength: utf8Length };
const SINGLE_BYTE = /^(?:ibm866|iso-8859-\d+|koi8-[ru]|macintosh|windows-\d+|x-mac-cyrillic)$/;

const startsWith = (bytes: Uint8Array, ...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

function refuse(message: string, httpStatus: number | undefined): never {
  throw new XmlParseError(message, { offset: 0, httpStatus });
}

/**
 * The encoding of a body that starts with `head`, or undefined while more bytes are needed to
 * tell (`final`: the body has no more). Throws XmlParseError for an encoding it cannot read.
 */
export function detectEncoding(head: Uint8Array, final: boolean, context: { httpStatus?: number; charset?: string } = {}): BodyEncoding | undefined {
  const { httpStatus, charset } = context;
  if (head.length < 4 && !final) return undefined;
  if (startsWith(head, 0xef, 0xbb, 0xbf)) return { ...UTF8, bomBytes: 3 };
  if (startsWith(head, 0xff, 0xfe, 0, 0) || startsWith(head, 0, 0, 0xfe, 0xff) || startsWith(head, 0, 0, 0, 0x3c) || startsWith(head, 0x3c, 0, 0, 0)) {
    refuse("The body is UTF-32, which this decoder cannot read (Qualys sends UTF-8)", httpStatus);
  }
  if (startsWith(head, 0xfe, 0xff)) return { name: "utf-16be", bomBytes: 2, byteLength: utf16Length };
  if (startsWith(head, 0xff, 0xfe)) return { name: "utf-16le", bomBytes: 2, byteLength: utf16Length };
  if (startsWith(head, 0, 0x3c, 0, 0x3f)) return { name: "utf-16be", bomBytes: 0, byteLength: utf16Length };
  if (startsWith(head, 0x3c, 0, 0x3f, 0)) return { name: "utf-16le", bomBytes: 0, byteLength: utf16Length };
  if (charset !== undefined) return declared(charset, httpStatus, "The Content-Type declares charset");
  if (startsWith(head, 0x4c, 0x6f, 0xa7, 0x94)) refuse("The body is EBCDIC, which this decoder cannot read (Qualys sends UTF-8)", httpStatus);
  // `<?xml ` in an ASCII-compatible encoding: the declaration may name it.
  if (!startsWith(head, 0x3c, 0x3f, 0x78, 0x6d, 0x6c)) return head.length >= 5 || final ? UTF8 : undefined;
  const end = indexOfDeclarationEnd(head);
  if (end < 0) return final || head.length >= DECLARATION_MAX ? UTF8 : undefined;
  const declaration = Buffer.from(head.subarray(0, end)).toString("latin1");
  const label = /\sencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/.exec(declaration)?.[2];
  return label === undefined ? UTF8 : declared(label, httpStatus, "The XML declares encoding");
}

function indexOfDeclarationEnd(head: Uint8Array): number {
  for (let i = 5; i + 1 < head.length && i < DECLARATION_MAX; i++) if (head[i] === 0x3f && head[i + 1] === 0x3e) return i + 2;
  return -1;
}

function declared(label: string, httpStatus: number | undefined, who: string): BodyEncoding {
  let name: string;
  try {
    name = new TextDecoder(label).encoding;
  } catch {
    name = "";
  }
  if (name === "utf-8") return UTF8;
  if (name === "utf-16le" || name === "utf-16be") refuse(`${who} "${label}" but its bytes are not UTF-16 (no byte order mark, and the declaration reads as ASCII)`, httpStatus);
  if (SINGLE_BYTE.test(name)) return { name, bomBytes: 0, byteLength: singleByteLength };
  return refuse(`${who} "${label}", which this decoder cannot read (it reads UTF-8, UTF-16 and single-byte encodings such as ISO-8859-1)`, httpStatus);
}

/** The explicit `charset` parameter of a Content-Type header, if any. */
export function charsetOf(contentType: string | null | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(contentType ?? "");
  const label = (m?.[1] ?? m?.[2])?.trim();
  return label ? label : undefined;
}
