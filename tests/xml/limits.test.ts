/** The decoder stays linear and bounded on hostile input: split text, deep nesting, huge attributes. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { XmlParseError } from "../../src/runtime/errors/xml-parse-error.js";
import { decodeXml, DEFAULT_MAX_DEPTH } from "../../src/runtime/xml/decode.js";
import { drain } from "../support/drain.js";
import * as H from "./generated/hosts.descriptors.js";
import { documentOf, records } from "./support.js";

const head = `<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST>`;
const tail = `</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`;
const page = (hosts: string) => `${head}${hosts}${tail}`;
const streamError = async (body: string, options = {}) => (await drain(decodeXml([body], H.HostListVmDetectionOutput, options))).error;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("text split into many fragments", () => {
  it.each([
    ["comments", "<!-- keep-alive -->abcdefghij"],
    ["CDATA sections", "<![CDATA[abcdefghij]]>"],
  ])("measures the text once per fragment, not once per fragment over the whole text (%s)", async (_, fragment) => {
    // Near the limit the byte length must be counted; counting the whole text again after each
    // fragment made 12 MB bodies take minutes. Count what Buffer.byteLength is asked to measure.
    const lead = "x".repeat(400_000);
    const count = 2000;
    const body = page(`<HOST><ID>1</ID><OS>${lead}${fragment.repeat(count)}</OS></HOST>`);
    let measured = 0;
    const byteLength = Buffer.byteLength.bind(Buffer);
    vi.spyOn(Buffer, "byteLength").mockImplementation(((value: string, encoding?: BufferEncoding) => {
      if (typeof value === "string") measured += value.length;
      return byteLength(value, encoding);
    }) as typeof Buffer.byteLength);
    const { records: hosts } = await records(body, H.HostListVmDetectionOutput, 64 * 1024, { maxTextBytes: 1_000_000 });
    vi.restoreAllMocks();
    expect(hosts[0]!.os).toBe(lead + "abcdefghij".repeat(count));
    // Pieces are measured once for offsets, the text at most a few times: linear in the body.
    expect(measured).toBeLessThan(4 * body.length);
  });

  it("still stops at maxTextBytes when fragments add up past it, counting UTF-8 bytes", async () => {
    const fragments = "<!---->日日日日日日日日日日".repeat(200); // 2000 × 3 bytes
    const err = await streamError(page(`<HOST><ID>1</ID><OS>${fragments}</OS></HOST>`), { maxTextBytes: 5000 });
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as Error).message).toMatch(/^<OS> holds more than 5000 bytes of text/);
    const fits = "<![CDATA[日日日日日日日日日日]]>".repeat(150); // 4500 bytes
    const { records: hosts } = await records(page(`<HOST><ID>1</ID><OS>${fits}</OS></HOST>`), H.HostListVmDetectionOutput, 7, { maxTextBytes: 5000 });
    expect(hosts[0]!.os).toBe("日".repeat(1500));
  });
});

describe("nesting depth", () => {
  const nested = (depth: number) => `${"<N>".repeat(depth)}leaf${"</N>".repeat(depth)}`;

  it(`refuses elements nested deeper than maxDepth (default ${DEFAULT_MAX_DEPTH}) with the position`, async () => {
    expect(DEFAULT_MAX_DEPTH).toBe(256);
    // The root, RESPONSE, HOST_LIST and HOST are 4 levels.
    const deep = page(`<HOST><ID>1</ID>${nested(100_000)}</HOST>`);
    const err = (await streamError(deep)) as XmlParseError;
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err.message).toMatch(/^Elements nested deeper than 256 levels \(maxDepth\)/);
    expect(err).toMatchObject({ line: 1, element: "N" });
    expect(err.offset).toBe(deep.indexOf("<N>") + 253 * 3);
  });

  it("keeps nesting up to the limit, and the result serialises to JSON", async () => {
    const { records: hosts } = await records(page(`<HOST><ID>1</ID>${nested(DEFAULT_MAX_DEPTH - 4)}</HOST>`), H.HostListVmDetectionOutput);
    let node = hosts[0]!.extra as Record<string, unknown>;
    let depth = 0;
    while (typeof node.N === "object") {
      node = node.N as Record<string, unknown>;
      depth++;
    }
    expect(depth + 1).toBe(DEFAULT_MAX_DEPTH - 4);
    expect(JSON.stringify(hosts[0])).toContain('{"N":"leaf"}');
    expect(await streamError(page(`<HOST><ID>1</ID>${nested(DEFAULT_MAX_DEPTH - 3)}</HOST>`))).toBeInstanceOf(XmlParseError);
  });

  it("takes another limit from maxDepth", async () => {
    const body = page(`<HOST><ID>1</ID>${nested(6)}</HOST>`);
    expect(await streamError(body, { maxDepth: 9 })).toBeInstanceOf(XmlParseError);
    expect((await documentOf(body, H.HostListVmDetectionOutput, { maxDepth: 10 })).response?.hostList).toHaveLength(1);
    expect(() => decodeXml(body, H.HostListVmDetectionOutput, { maxDepth: 0 })).toThrow(RangeError);
  });
});

describe("attributes", () => {
  it("counts an attribute value against maxTextBytes, naming the element and attribute", async () => {
    const err = (await streamError(page(`<HOST note="${"é".repeat(3000)}"><ID>1</ID></HOST>`), { maxTextBytes: 5000 })) as XmlParseError;
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err.message).toMatch(/^Attribute note of <HOST> holds more than 5000 bytes \(maxTextBytes\)/);
    expect(err.line).toBe(1);
  });

  it("counts all attributes of one element together", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ` a${i}="value"`).join("");
    const err = (await streamError(page(`<HOST${many}><ID>1</ID></HOST>`), { maxTextBytes: 5000 })) as XmlParseError;
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err.message).toMatch(/^The attributes of <HOST> hold more than 5000 bytes \(maxTextBytes\)/);
    const few = Array.from({ length: 50 }, (_, i) => ` a${i}="value"`).join("");
    const { records: hosts } = await records(page(`<HOST${few}><ID>1</ID></HOST>`), H.HostListVmDetectionOutput, 64, { maxTextBytes: 5000 });
    expect(Object.keys(hosts[0]!.extra!)).toHaveLength(50);
  });
});
