/**
 * Generated hostile inputs for the XML decoder, deterministic for a seed: truncation at every
 * offset of real Qualys captures, byte flips, garbage inserts, deep nesting, long and fragmented
 * texts, huge attributes, entity tricks, invalid UTF-8, BOMs, UTF-16 and declared 8-bit encodings.
 * Each case says which descriptor decodes it and, where the right answer is known, what the
 * records must be (a truncated capture may only yield a prefix of the original's records; a
 * re-encoded capture, if accepted, must yield exactly the original's).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type DescriptorName = "HostListVmDetectionOutput" | "KnowledgeBaseVulnListOutput";

export interface XmlCase {
  readonly index: number;
  readonly kind: string;
  readonly descriptor: DescriptorName;
  readonly bytes: Uint8Array;
  /** The source capture, when the case is derived from one: its records are the reference. */
  readonly source?: string;
  /** "prefix": records must be a prefix of the source's; "exact": if accepted, equal to them. */
  readonly expect?: "prefix" | "exact";
}

export type Scale = "small" | "large";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "qualys-xml");
export const SOURCES: Record<string, { file: string; descriptor: DescriptorName }> = {
  hld: { file: "j1_fixture_detections.xml", descriptor: "HostListVmDetectionOutput" },
  qds: { file: "own_hld_qds_truncated_warning.xml", descriptor: "HostListVmDetectionOutput" },
  kb: { file: "j1_kb_vuln_list_42_vulns.xml", descriptor: "KnowledgeBaseVulnListOutput" },
};

export function sourceBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, SOURCES[name]!.file)));
}

/** The fuzz's own seeded PRNG is the test data generator's (mulberry32): same seed, same cases. */
export { random } from "../support/export-data.js";
import { random } from "../support/export-data.js";

const enc = new TextEncoder();
const HLD_HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2026-11-30T00:00:00Z</DATETIME><HOST_LIST>`;
const HLD_TAIL = `</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>\n`;
const hostWith = (inner: string, id = 1) => `${HLD_HEAD}<HOST><ID>${id}</ID>${inner}<DETECTION_LIST><DETECTION><QID>38170</QID><TYPE>Confirmed</TYPE><SEVERITY>2</SEVERITY></DETECTION></DETECTION_LIST></HOST>${HLD_TAIL}`;

/** The number of cases at a scale, without building them. */
export function caseCount(scale: Scale): number {
  let n = 0;
  for (const _ of plan(scale, 1)) n++;
  return n;
}

/** Every case of a scale, built lazily (a 33 MB text is made only when its turn comes). */
export function* xmlCases(scale: Scale, seed: number): Generator<XmlCase> {
  let index = 0;
  for (const make of plan(scale, seed)) yield { index: index++, ...make() };
}

type Make = () => Omit<XmlCase, "index">;

function* plan(scale: Scale, seed: number): Generator<Make> {
  const large = scale === "large";
  const rnd = random(seed);

  // 1. Truncation at every offset (large) or a stride of offsets (small) of each capture.
  const strides: Record<string, number> = large ? { hld: 1, qds: 1, kb: 41 } : { hld: 23, qds: 29, kb: 997 };
  for (const [name, stride] of Object.entries(strides)) {
    const bytes = sourceBytes(name);
    for (let cut = 0; cut < bytes.length; cut += stride) {
      yield () => ({ kind: "truncation", descriptor: SOURCES[name]!.descriptor, bytes: bytes.subarray(0, cut), source: name, expect: "prefix" });
    }
  }

  // 2. Byte flips and garbage inserts at random places.
  const names = Object.keys(SOURCES);
  const HOSTILE = [0x00, 0x3c, 0x3e, 0x26, 0x22, 0x5d, 0xff, 0xc3, 0x80, 0x0b, 0x1b, 0x7f];
  for (let i = 0; i < (large ? 2600 : 120); i++) {
    const name = names[Math.floor(rnd() * names.length)]!;
    const pos = rnd();
    const value = rnd() < 0.5 ? HOSTILE[Math.floor(rnd() * HOSTILE.length)]! : Math.floor(rnd() * 256);
    yield () => {
      const bytes = sourceBytes(name).slice();
      bytes[Math.floor(pos * bytes.length)] = value;
      return { kind: "byte-flip", descriptor: SOURCES[name]!.descriptor, bytes };
    };
  }
  const GARBAGE = ["<", "</HOST>", "<HOST>", "]]>", "<![CDATA[", "<!--", "&", "&#", "\u0000", "<?xml version='1.0'?>", "<HOST><HOST>", "</RESPONSE>", "<!DOCTYPE x>"];
  for (let i = 0; i < (large ? 600 : 40); i++) {
    const name = names[Math.floor(rnd() * names.length)]!;
    const pos = rnd();
    const junk = GARBAGE[Math.floor(rnd() * GARBAGE.length)]!;
    yield () => {
      const bytes = sourceBytes(name);
      const at = Math.floor(pos * bytes.length);
      return { kind: "insert", descriptor: SOURCES[name]!.descriptor, bytes: concat(bytes.subarray(0, at), enc.encode(junk), bytes.subarray(at)) };
    };
  }

  // 3. Deep nesting of unknown elements inside a record.
  for (const depth of large ? [10, 100, 255, 256, 257, 300, 1000, 10_000, 100_000] : [10, 256, 257, 10_000]) {
    yield () => ({ kind: "deep-nesting", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(hostWith(`${"<X>".repeat(depth)}v${"</X>".repeat(depth)}`)) });
  }
  for (const depth of large ? [1000, 100_000] : [1000]) {
    yield () => ({ kind: "deep-nesting-unclosed", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(`${HLD_HEAD}<HOST><ID>1</ID>${"<X>".repeat(depth)}`) });
  }

  // 4. Long and fragmented texts, huge and many attributes.
  const fragments = large ? 20_000 : 2_000;
  yield () => ({ kind: "long-text", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(hostWith(`<OS>${"a".repeat(1 << 20)}</OS>`)) });
  if (large) yield () => ({ kind: "long-text-over-limit", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(hostWith(`<OS>${"a".repeat(33 << 20)}</OS>`)) });
  yield () => ({ kind: "comment-split-text", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(hostWith(`<OS>${"x".repeat(100_000)}${"ab<!-- c -->".repeat(fragments)}</OS>`)) });
  yield () => ({ kind: "cdata-split-text", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(hostWith(`<OS>${"x".repeat(100_000)}${"<![CDATA[ab]]>".repeat(fragments)}</OS>`)) });
  yield () => ({ kind: "entity-split-text", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(hostWith(`<OS>${"a&amp;".repeat(fragments)}</OS>`)) });
  yield () => ({ kind: "huge-attribute", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(hostWith(`<OS a="${"v".repeat(1 << 20)}">x</OS>`)) });
  yield () => ({ kind: "many-attributes", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(hostWith(`<OS ${Array.from({ length: large ? 20_000 : 2_000 }, (_, i) => `a${i}="${i}"`).join(" ")}>x</OS>`)) });
  yield () => ({ kind: "many-records", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(`${HLD_HEAD}${Array.from({ length: large ? 20_000 : 2_000 }, (_, i) => `<HOST><ID>${i + 1}</ID></HOST>`).join("")}${HLD_TAIL}`) });

  // 5. Entity tricks: DTD-declared entities (XXE, billion laughs), unknown and out-of-range references.
  const ENTITY_TRICKS = [
    `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>1</ID><OS>&x;</OS></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`,
    `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>1</ID><OS>&d;&d;&d;&d;</OS></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`,
    `<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:1/evil.dtd"><HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>1</ID><OS>&ext;</OS></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`,
    `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p"> %p;]><HOST_LIST_VM_DETECTION_OUTPUT/>`,
    hostWith("<OS>&unknown;</OS>"),
    hostWith("<OS>&#x110000;</OS>"),
    hostWith("<OS>&#0;</OS>"),
    hostWith("<OS>&#xD800;</OS>"),
    hostWith("<OS>&#xFFFE;</OS>"),
    hostWith("<OS>&#99999999999999999999;</OS>"),
    hostWith("<OS>&amp</OS>"),
    hostWith('<OS a="&unknown;">x</OS>'),
    hostWith('<OS a="<">x</OS>'),
    hostWith("<OS>&amp;amp;&lt;&gt;&quot;&apos;&#65;&#x42;</OS>"),
    hostWith("<OS><![CDATA[ ]]]]><![CDATA[> ]]></OS>"),
    hostWith("<OS>]]></OS>"),
    hostWith("<OS><!-- -- --></OS>"),
    hostWith("<?pi x?><OS>x</OS>"),
  ];
  for (const text of ENTITY_TRICKS) yield () => ({ kind: "entity-trick", descriptor: "HostListVmDetectionOutput", bytes: enc.encode(text) });

  // 6. Invalid UTF-8 at random places: stray continuation, truncated, overlong, surrogate, > U+10FFFF.
  const BAD_UTF8 = [[0x80], [0xc3], [0xc3, 0x28], [0xe2, 0x82], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe], [0xff, 0xfe]];
  for (let i = 0; i < (large ? 900 : 60); i++) {
    const name = names[Math.floor(rnd() * names.length)]!;
    const pos = rnd();
    const bad = BAD_UTF8[Math.floor(rnd() * BAD_UTF8.length)]!;
    yield () => {
      const bytes = sourceBytes(name);
      const at = Math.floor(pos * bytes.length);
      return { kind: "invalid-utf8", descriptor: SOURCES[name]!.descriptor, bytes: concat(bytes.subarray(0, at), Uint8Array.from(bad), bytes.subarray(at)) };
    };
  }

  // 7. BOMs and other encodings of the same capture: if accepted, the records must be the original's.
  for (const name of names) {
    const text = new TextDecoder().decode(sourceBytes(name));
    const declared = (label: string) => text.replace(/^(<\?xml[^>]*?)encoding="[^"]*"/i, `$1encoding="${label}"`);
    yield () => ({ kind: "utf8-bom", descriptor: SOURCES[name]!.descriptor, bytes: concat(Uint8Array.of(0xef, 0xbb, 0xbf), sourceBytes(name)), source: name, expect: "exact" });
    yield () => ({ kind: "utf16le-bom", descriptor: SOURCES[name]!.descriptor, bytes: concat(Uint8Array.of(0xff, 0xfe), utf16(declared("UTF-16"), "le")), source: name, expect: "exact" });
    yield () => ({ kind: "utf16be-bom", descriptor: SOURCES[name]!.descriptor, bytes: concat(Uint8Array.of(0xfe, 0xff), utf16(declared("UTF-16"), "be")), source: name, expect: "exact" });
    yield () => ({ kind: "utf16le-no-bom", descriptor: SOURCES[name]!.descriptor, bytes: utf16(declared("UTF-16"), "le"), source: name, expect: "exact" });
    if (/^[\x00-\xff]*$/.test(text)) {
      yield () => ({ kind: "latin1-declared", descriptor: SOURCES[name]!.descriptor, bytes: Uint8Array.from(Buffer.from(declared("ISO-8859-1"), "latin1")), source: name, expect: "exact" });
    }
  }
  const accented = hostWith("<OS>Windows Serveur édition café ñ ü</OS><DNS>hôte-é.example</DNS>");
  yield () => ({ kind: "latin1-declared-accents", descriptor: "HostListVmDetectionOutput", bytes: Uint8Array.from(Buffer.from(accented.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), "latin1")), source: `inline:${accented}`, expect: "exact" });
  yield () => ({ kind: "windows1252-declared-accents", descriptor: "HostListVmDetectionOutput", bytes: Uint8Array.from(Buffer.from(accented.replace('encoding="UTF-8"', 'encoding="windows-1252"'), "latin1")), source: `inline:${accented}`, expect: "exact" });
  yield () => ({ kind: "utf8-declared-latin1-bytes", descriptor: "HostListVmDetectionOutput", bytes: Uint8Array.from(Buffer.from(accented, "latin1")) });
}

function utf16(text: string, order: "le" | "be"): Uint8Array {
  const le = Buffer.from(text, "utf16le");
  if (order === "le") return new Uint8Array(le);
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return new Uint8Array(be);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
