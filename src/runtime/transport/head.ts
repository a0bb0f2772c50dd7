/** The status line and headers of an answer as undici hands them over, made ready for a Response. */
import { contentEncodingOf, type ContentEncoding } from "./content-encoding.js";

const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

export interface Head {
  readonly init: ResponseInit;
  /** The Content-Encoding to decode, if it is one this transport decodes. */
  readonly encoding: ContentEncoding | undefined;
}

/** Repeated headers are kept (Set-Cookie, rate-limit headers); a reason phrase Response refuses is dropped. */
export function readHead(statusCode: number, rawHeaders: Buffer[], statusText: string): Head {
  const headers: [string, string][] = [];
  let encoding: ContentEncoding | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toString("latin1");
    const value = rawHeaders[i + 1]!.toString("latin1");
    headers.push([name, value]);
    if (name.length === 16 && name.toLowerCase() === "content-encoding") encoding = contentEncodingOf(value);
  }
  return { init: { status: statusCode, statusText: REASON_PHRASE.test(statusText) ? statusText : "", headers }, encoding };
}
