/**
 * The whitespace rule of element text: XML whitespace (space, tab, CR, LF) at either end that
 * lies outside CDATA goes (pretty-printed bodies put CDATA on its own indented line), CDATA
 * content stays verbatim. Other spaces (U+00A0, U+3000…) are data: `String.prototype.trim`
 * would remove them, so it is not used.
 *
 * Fragments (text split by comments, CDATA sections, entities) are collected in an array and
 * joined once when the element closes, and their UTF-8 size is counted once each: measuring the
 * growing text after every fragment made one long text followed by many fragments quadratic.
 */
export interface TextAccumulator {
  /** The first fragment. */
  text: string;
  /** Later fragments, when there are any. */
  more: string[] | undefined;
  /** Length of all fragments together, in UTF-16 units. */
  length: number;
  /** Index in the joined text where the first CDATA section starts, -1 when none. */
  cdataStart: number;
  /** Index in the joined text where the last CDATA section ends. */
  cdataEnd: number;
  /** UTF-8 bytes of the first `counted` fragments. */
  bytes: number;
  counted: number;
}

export function resetText(acc: TextAccumulator): void {
  acc.text = "";
  acc.more = undefined;
  acc.length = 0;
  acc.cdataStart = -1;
  acc.cdataEnd = -1;
  acc.bytes = 0;
  acc.counted = 0;
}

export function appendText(acc: TextAccumulator, chunk: string, cdata: boolean): void {
  if (cdata && acc.cdataStart < 0) acc.cdataStart = acc.length;
  if (acc.length === 0 && acc.more === undefined) acc.text = chunk;
  else (acc.more ??= []).push(chunk);
  acc.length += chunk.length;
  if (cdata) acc.cdataEnd = acc.length;
}

/** UTF-8 size of the text so far; each fragment is measured once over all calls. */
export function textBytes(acc: TextAccumulator): number {
  if (acc.counted === 0) {
    acc.bytes = Buffer.byteLength(acc.text);
    acc.counted = 1;
  }
  const more = acc.more;
  if (more !== undefined) {
    for (let i = acc.counted - 1; i < more.length; i++) acc.bytes += Buffer.byteLength(more[i]!);
    acc.counted = more.length + 1;
  }
  return acc.bytes;
}

export function elementText(acc: TextAccumulator): string {
  const text = acc.more === undefined ? acc.text : acc.text + acc.more.join("");
  const { cdataStart, cdataEnd } = acc;
  if (cdataStart < 0) return trimXml(text);
  if (cdataStart === 0 && cdataEnd === text.length) return text;
  return trimXmlStart(text.slice(0, cdataStart)) + text.slice(cdataStart, cdataEnd) + trimXmlEnd(text.slice(cdataEnd));
}

const isXmlSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** True when the text is only XML whitespace (or empty). */
export function isXmlBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isXmlSpace(text.charCodeAt(i))) return false;
  return true;
}

export function trimXml(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isXmlSpace(text.charCodeAt(start))) start++;
  while (end > start && isXmlSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function trimXmlStart(text: string): string {
  let start = 0;
  while (start < text.length && isXmlSpace(text.charCodeAt(start))) start++;
  return start === 0 ? text : text.slice(start);
}

function trimXmlEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isXmlSpace(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}
