/**
 * The whitespace rule of element text: whitespace at either end that lies outside CDATA goes
 * (pretty-printed bodies put CDATA on its own indented line), CDATA content stays verbatim.
 * Text is accumulated as one string with the span from the first CDATA start to the last CDATA
 * end, so no per-part arrays are needed.
 */
export interface TextAccumulator {
  text: string;
  /** Index in `text` where the first CDATA section starts, -1 when none. */
  cdataStart: number;
  /** Index in `text` where the last CDATA section ends. */
  cdataEnd: number;
}

export function appendText(acc: TextAccumulator, chunk: string, cdata: boolean): void {
  if (cdata) {
    if (acc.cdataStart < 0) acc.cdataStart = acc.text.length;
    acc.text += chunk;
    acc.cdataEnd = acc.text.length;
  } else {
    acc.text += chunk;
  }
}

export function elementText(acc: TextAccumulator): string {
  const { text, cdataStart, cdataEnd } = acc;
  if (cdataStart < 0) return text.trim();
  if (cdataStart === 0 && cdataEnd === text.length) return text;
  return text.slice(0, cdataStart).trimStart() + text.slice(cdataStart, cdataEnd) + text.slice(cdataEnd).trimEnd();
}
