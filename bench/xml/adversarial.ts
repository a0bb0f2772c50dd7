/**
 * Hostile but legal host detection pages, each built to hit one cost that grows with the input:
 * one element's text split into many fragments by comments or by CDATA sections (quadratic when
 * the fragments are appended to a growing string that is then measured), nesting as deep as the
 * decoder allows, and huge or numerous attributes. Every page stays within the decoder's default
 * limits, so it must decode; the checks say what it must decode to.
 */
import { DEFAULT_MAX_DEPTH } from "../../src/runtime/xml/decode.js";

export interface AdversarialPage {
  readonly name: string;
  readonly xml: Buffer;
  /** What the decoded page must hold: RESULTS length of the first detection, hosts, extra depth. */
  readonly expected: { hosts: number; resultsLength: number; depth: number; attributeChars: number };
}

const head = `<?xml version="1.0" encoding="UTF-8"?>\n<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><HOST_LIST>`;
const tail = `</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>\n`;

/** One host whose single detection's RESULTS is `lead` followed by `count` fragments. */
function splitText(name: string, count: number, fragment: (i: number) => string, fragmentChars: number): AdversarialPage {
  const lead = "x".repeat(1024 * 1024);
  const parts = [head, `<HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID><RESULTS>`, lead];
  for (let i = 0; i < count; i++) parts.push(fragment(i));
  parts.push(`</RESULTS></DETECTION></DETECTION_LIST></HOST>`, tail);
  return { name, xml: Buffer.from(parts.join("")), expected: { hosts: 1, resultsLength: lead.length + count * fragmentChars, depth: 0, attributeChars: 0 } };
}

/** Hosts each holding an unknown element nested to just under the depth limit. */
function deep(hosts: number): AdversarialPage {
  // HOST_LIST_VM_DETECTION_OUTPUT > RESPONSE > HOST_LIST > HOST are 4 levels.
  const depth = DEFAULT_MAX_DEPTH - 4;
  const open = "<N>".repeat(depth);
  const close = "</N>".repeat(depth);
  const parts = [head];
  for (let i = 1; i <= hosts; i++) parts.push(`<HOST><ID>${i}</ID>${open}leaf${close}</HOST>`);
  parts.push(tail);
  return { name: `${hosts} hosts nested ${DEFAULT_MAX_DEPTH} deep`, xml: Buffer.from(parts.join("")), expected: { hosts, resultsLength: 0, depth, attributeChars: 0 } };
}

/** Hosts each with one huge attribute, and hosts with many small ones. */
function attributes(hosts: number, huge: number, many: number): AdversarialPage {
  const parts = [head];
  let chars = 0;
  for (let i = 1; i <= hosts; i++) {
    const value = "v".repeat(huge);
    const small = Array.from({ length: many }, (_, k) => ` a${k}="${k}"`).join("");
    chars += value.length + Array.from({ length: many }, (_, k) => String(k).length).reduce((a, b) => a + b, 0);
    parts.push(`<HOST big="${value}"${small}><ID>${i}</ID></HOST>`);
  }
  parts.push(tail);
  return { name: `${hosts} hosts with a ${huge / 1024} KiB attribute and ${many} more`, xml: Buffer.from(parts.join("")), expected: { hosts, resultsLength: 0, depth: 0, attributeChars: chars } };
}

/** The pages of the adversarial bench, ~8–12 MB each. */
export function adversarialPages(): AdversarialPage[] {
  return [
    splitText("RESULTS split by 400k comments", 400_000, () => "<!-- c -->abcdefghij", 10),
    splitText("RESULTS split into 400k CDATA sections", 400_000, () => "<![CDATA[abcdefghij]]>", 10),
    deep(10_000),
    attributes(8, 1024 * 1024, 5_000),
  ];
}
