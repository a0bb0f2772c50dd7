/** The XML emitter: OpenAPI schemas in the XML convention → TypeScript types and runtime descriptors. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import { parse } from "yaml";
import { buildXmlDescriptors, emitXmlArtifacts, xmlRootNames } from "../../scripts/generate/xml.js";
import { decodeXml, type XmlDecodeStream } from "../../src/runtime/xml/decode.js";
import type { XmlRecordOf, XmlRoot } from "../../src/runtime/xml/descriptor.js";
import * as H from "./generated/hosts.descriptors.js";
import type * as HT from "./generated/hosts.types.js";
import * as S from "./generated/scans-reports.descriptors.js";
import type * as ST from "./generated/scans-reports.types.js";
import { generateTestArtifacts, generatedDir, schemasDir } from "./regenerate.js";

const yamlDoc = (name: string) => parse(readFileSync(join(schemasDir, `${name}.yaml`), "utf8")) as Record<string, unknown>;

/** A small document exercising each convention rule once. */
const small = () => ({
  openapi: "3.1.0",
  paths: {
    "/a": { post: { "x-xml-schema": "#/components/schemas/Root", responses: { "200": { description: "x" } } } },
    "/b": { get: { responses: { "200": { description: "x", "x-xml-schema": { $ref: "#/components/schemas/Other" } } } } },
    "/c": { post: { "x-actions": [{ function: "c", xmlSchema: "#/components/schemas/Third" }] } },
    // `xmlSchema` outside x-actions is not a link.
    "/d": { post: { xmlSchema: "#/components/schemas/NotARoot" } },
  },
  components: {
    schemas: {
      Root: {
        type: "object",
        xml: { name: "ROOT" },
        description: "The root.",
        properties: {
          when: { type: "string", format: "date-time", xml: { name: "WHEN" } },
          day: { type: "string", format: "date", xml: { name: "DAY" } },
          items: { type: "array", xml: { name: "ITEMS", wrapped: true }, "x-xml-record": true, items: { $ref: "#/components/schemas/Item" } },
          flags: { type: "array", items: { type: "boolean", xml: { name: "FLAG" } } },
          notes: { type: "array", xml: { name: "NOTE" }, items: { type: "string" } },
          plain: { type: "integer" },
          kind: { type: ["string", "null"], enum: ["A", "B"], xml: { name: "KIND" } },
          score: { allOf: [{ $ref: "#/components/schemas/Score" }], description: "Overrides the score's description." },
        },
      },
      Item: {
        type: "object",
        xml: { name: "ITEM" },
        properties: {
          id: { type: "integer", xml: { name: "id", attribute: true } },
          label: { type: "string", "x-xml-text": true },
        },
      },
      Score: { type: "object", xml: { name: "SCORE" }, description: "A score.", properties: { value: { type: "number", "x-xml-text": true } } },
      Other: { type: "object", xml: { name: "OTHER" }, properties: { any: { type: "object", xml: { name: "ANY" } } } },
      Third: { type: "object", xml: { name: "THIRD" }, properties: { n: { type: "number", xml: { name: "N" } } } },
      NotARoot: { type: "object", properties: {} },
    },
  },
});

describe("emitXmlArtifacts", () => {
  it("finds roots linked from operations, responses and x-actions items", () => {
    expect(xmlRootNames(small())).toEqual(["Other", "Root", "Third"]);
  });

  it("builds descriptors following each convention rule", () => {
    const d = buildXmlDescriptors(small());
    expect(d.Root).toEqual({
      name: "ROOT",
      element: {
        field: "root",
        children: {
          WHEN: { field: "when", type: "date-time" },
          DAY: { field: "day", type: "date" },
          ITEMS: {
            field: "items",
            list: "wrapped",
            record: true,
            item: { name: "ITEM", element: { field: "item", attributes: { id: { field: "id", type: "integer" } }, text: { field: "label", type: "string" } } },
          },
          FLAG: { field: "flags", type: "boolean", list: "repeat" },
          NOTE: { field: "notes", type: "string", list: "repeat" },
          plain: { field: "plain", type: "integer" },
          KIND: { field: "kind", type: "string" },
          SCORE: { field: "score", text: { field: "value", type: "number" } },
        },
      },
    } satisfies XmlRoot);
    expect(d.Other).toEqual({ name: "OTHER", element: { field: "root", children: { ANY: { field: "any" } } } });
  });

  it("emits types with Dates, arrays, enums open to new values, and extra", () => {
    const { types, descriptors } = emitXmlArtifacts(small());
    expect(types).toContain("/** The root. */\nexport interface Root {");
    expect(types).toContain("  when?: Date;\n");
    expect(types).toContain("  /** Streamed record by record: absent from the rest-of-document object. */\n  items?: Item[];\n");
    expect(types).toContain("  flags?: boolean[];\n");
    expect(types).toContain('  kind?: "A" | "B" | (string & {});\n');
    expect(types).toContain("  /** Overrides the score's description. */\n  score?: Score;\n");
    expect(types).toContain("/** A score. */\nexport interface Score {\n  /** The element's text. */\n  value?: number;\n");
    expect(types).toContain("  /** Attribute `id`. */\n  id?: number;\n");
    expect(types.match(/extra\?: Record<string, unknown>;/g)).toHaveLength(6);
    expect(types).not.toContain("NotARoot");
    expect(descriptors).toContain('import type { XmlElement, XmlRoot } from "../../runtime/xml/descriptor.js";\nimport type * as T from "./xml-types.js";\n');
    expect(descriptors).toContain("/** Decodes <ROOT> into Root (streams items record by record). */\nexport const Root: XmlRoot<T.Item, T.Root> = ");
    expect(descriptors).toContain("export const Third: XmlRoot<never, T.Third> = ");
  });

  it("is deterministic: the same output whatever the order of components, and no timestamps", () => {
    const doc = yamlDoc("hosts");
    const shuffled = structuredClone(doc) as { components: { schemas: Record<string, unknown> } };
    shuffled.components.schemas = Object.fromEntries(Object.entries(shuffled.components.schemas).reverse());
    expect(emitXmlArtifacts(shuffled)).toEqual(emitXmlArtifacts(doc));
    expect(JSON.stringify(emitXmlArtifacts(doc))).not.toMatch(/20\d\d-\d\d-\d\dT/);
  });

  it("matches the checked-in tests/xml/generated (run `npx tsx tests/xml/regenerate.ts` after changing the emitter or a schema)", () => {
    const files = generateTestArtifacts();
    expect(files.size).toBe(8);
    for (const [file, content] of files) expect(readFileSync(join(generatedDir, file), "utf8"), file).toBe(content);
  });

  it("emits descriptor modules that evaluate to exactly the built descriptors, shared parts defined once", () => {
    const built = buildXmlDescriptors(yamlDoc("hosts"));
    expect({ HostListOutput: H.HostListOutput, HostListVmDetectionOutput: H.HostListVmDetectionOutput, IpListOutput: H.IpListOutput }).toEqual(built);
    // REQUEST is shared by all three roots: one object, referenced three times.
    const request = H.HostListOutput.element.children!.REQUEST;
    expect(H.IpListOutput.element.children!.REQUEST).toBe(request);
    expect(H.HostListVmDetectionOutput.element.children!.REQUEST).toBe(request);
    const source = readFileSync(join(generatedDir, "hosts.descriptors.ts"), "utf8");
    expect(source.match(/"USER_LOGIN"/g)).toHaveLength(2); // REQUEST and the glossary's USER, once each
    expect(buildXmlDescriptors(yamlDoc("scans-reports"))).toEqual({ ...S });
  });

  it("types decode results through the descriptors (checked by tsc)", () => {
    expectTypeOf<XmlRecordOf<typeof H.HostListVmDetectionOutput>>().toEqualTypeOf<HT.DetectionHost>();
    expectTypeOf(decodeXml([], H.HostListVmDetectionOutput)).toEqualTypeOf<XmlDecodeStream<HT.DetectionHost, HT.HostListVmDetectionOutput>>();
    expectTypeOf<HT.Detection["qid"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<HT.Detection["lastFoundDatetime"]>().toEqualTypeOf<Date | undefined>();
    expectTypeOf<HT.Detection["ssl"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<HT.Qds>().toHaveProperty("severity");
    expectTypeOf<NonNullable<HT.HostListVmDetectionOutput["response"]>["hostList"]>().toEqualTypeOf<HT.DetectionHost[] | undefined>();
    expectTypeOf<NonNullable<ST.ReportHost["ip"]>["networkId"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf(S.ReportTemplateList).toEqualTypeOf<XmlRoot<ST.ReportTemplate, ST.ReportTemplateList>>();
    expect(true).toBe(true);
  });

  it.each([
    ["a root without xml.name", (d: Doc) => delete d.components.schemas.Root!.xml, /Root needs xml.name/],
    ["x-xml-record on a non-array", (d: Doc) => (d.components.schemas.Third!.properties!.n!["x-xml-record"] = true), /x-xml-record belongs on an array/],
    ["wrapped items without an element name", (d: Doc) => (d.components.schemas.Root!.properties!.items!.items = { type: "object", properties: {} }), /need xml.name/],
    ["an attribute that is not a scalar", (d: Doc) => (d.components.schemas.Item!.properties!.id = { type: "object", properties: {}, xml: { name: "id", attribute: true } }), /needs a scalar type/],
    ["two properties on one element", (d: Doc) => (d.components.schemas.Third!.properties!.m = { type: "string", xml: { name: "N" } }), /element <N> is mapped twice/],
    ["a property called extra", (d: Doc) => (d.components.schemas.Third!.properties!.extra = { type: "string" }), /"extra" is reserved/],
    ["a $ref to a missing schema", (d: Doc) => (d.components.schemas.Third!.properties!.n = { $ref: "#/components/schemas/Missing" }), /unknown schema #\/components\/schemas\/Missing/],
    ["a $ref cycle", (d: Doc) => (d.components.schemas.Item!.properties!.self = { $ref: "#/components/schemas/Item" }), /too deep/],
    ["two streamed lists in one root", (d: Doc) => (d.components.schemas.Root!.properties!.notes!["x-xml-record"] = true), /marks 2 lists with x-xml-record \(items, notes\); one at most/],
  ])("refuses %s, naming it", (_, breakIt, message) => {
    const doc = small() as unknown as Doc;
    breakIt(doc);
    expect(() => emitXmlArtifacts(doc)).toThrow(message);
  });
});

interface Doc {
  components: { schemas: Record<string, { xml?: unknown; properties?: Record<string, Record<string, unknown>> & { items?: { items?: unknown } } }> };
}
