/**
 * Hostile but legal host detection pages, each built to hit one cost that could grow faster than
 * the input: one element's text split into many fragments by comments or by CDATA sections (it
 * was quadratic: after a 12 M-character lead, each fragment re-measured the whole text), nesting
 * as deep as the decoder allows, and huge or numerous attributes. Every page stays within the
 * decoder's default limits, so it must decode; `expected` says to what.
 */
import { DEFAULT_MAX_DEPTH } from "../../src/runtime/xml/decode.js";

export interface AdversarialPage {
  readonly name: string;
  readonly xml: Buffer;
  readonly expected: {
    readonly hosts: number;
    /** RESULTS length of the first detection. */
    readonly resultsLength: number;
    /** Nesting of the unknown element kept in each host's extra. */
    readonly depth: number;
    /** Characters of the attribute values kept in the hosts' extra. */
    readonly attributeChars: number;
  };
}

const head = `<?xml version="1.0" encoding="UTF-8"?>\n<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><HOST_LIST>`;
const tail = `</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>\n`;
/** Past a third of the default maxTextBytes (32 MiB): where the text's UTF-8 size must be counted. */
const LEAD = 12 * 1024 * 1024;

/** One host whose one detection's RESULTS is a long lead followed by `count` fragments. */
function splitText(what: string, count: number, fragment: string, fragmentChars: number): AdversarialPage {
  const parts = [head, `<HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID><RESULTS>`, "x".repeat(LEAD), fragment.repeat(count)];
  parts.push(`</RESULTS></DETECTION></DETECTION_LIST></HOST>`, tail);
  return {
    name: `RESULTS: 12 M chars, then ${count / 1000}k ${what}`,
    xml: Buffer.from(parts.join("")),
    expected: { hosts: 1, resultsLength: LEAD + count * fragmentChars, depth: 0, attributeChars: 0 },
  };
}

/** Hosts each holding an unknown element nested to the depth limit. */
function deep(hosts: number): AdversarialPage {
  // HOST_LIST_VM_DETECTION_OUTPUT > RESPONSE > HOST_LIST > HOST are 4 levels.
  const depth = DEFAULT_MAX_DEPTH - 4;
  const host = (id: number) => `<HOST><ID>${id}</ID>${"<N>".repeat(depth)}leaf${"</N>".repeat(depth)}</HOST>`;
  const parts = [head];
  for (let i = 1; i <= hosts; i++) parts.push(host(i));
  parts.push(tail);
  return { name: `${hosts / 1000}k hosts, each ${DEFAULT_MAX_DEPTH} levels deep`, xml: Buffer.from(parts.join("")), expected: { hosts, resultsLength: 0, depth, attributeChars: 0 } };
}

/** Hosts each with one 1 MiB attribute and 5000 small ones. */
function attributes(hosts: number): AdversarialPage {
  const huge = "v".repeat(1024 * 1024);
  const small = Array.from({ length: 5000 }, (_, k) => ` a${k}="${k}"`).join("");
  const smallChars = Array.from({ length: 5000 }, (_, k) => String(k).length).reduce((a, b) => a + b, 0);
  const parts = [head];
  for (let i = 1; i <= hosts; i++) parts.push(`<HOST big="${huge}"${small}><ID>${i}</ID></HOST>`);
  parts.push(tail);
  return {
    name: `${hosts} hosts with a 1 MiB attribute and 5000 more`,
    xml: Buffer.from(parts.join("")),
    expected: { hosts, resultsLength: 0, depth: 0, attributeChars: hosts * (huge.length + smallChars) },
  };
}

/** The pages of the adversarial bench at `scale` (1: 9–17 MB each). */
export function adversarialPages(scale: number): AdversarialPage[] {
  return [
    splitText("comment-split fragments", Math.round(200_000 * scale), "<!-- keep-alive -->abcdefghij", 10),
    splitText("CDATA sections", Math.round(200_000 * scale), "<![CDATA[abcdefghij]]>", 10),
    deep(Math.round(5_000 * scale)),
    attributes(Math.round(8 * scale)),
  ];
}
