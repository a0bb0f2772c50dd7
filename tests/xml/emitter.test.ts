/** The XML emitter turns OpenAPI schemas with `xml` objects into descriptors the decoder runs. */
import { describe, expect, it } from "vitest";
import { emitXmlArtifacts } from "../../scripts/generate/xml.js";
import type { XmlRoot } from "../../src/runtime/xml/descriptor.js";
import { fixture, records } from "./support.js";

/** ASSET_DATA_REPORT (report fetch with output_format=xml), written in the spec convention. */
const doc = {
  paths: { "/r": { post: { "x-xml-schema": "#/components/schemas/AssetDataReport" } } },
  components: {
    schemas: {
      AssetDataReport: {
        type: "object",
        xml: { name: "ASSET_DATA_REPORT" },
        properties: {
          header: {
            type: "object",
            xml: { name: "HEADER" },
            properties: {
              company: { type: "string", xml: { name: "COMPANY" } },
              generated: { type: "string", format: "date-time", xml: { name: "GENERATION_DATETIME" } },
            },
          },
          hostList: { type: "array", xml: { name: "HOST_LIST", wrapped: true }, "x-xml-record": true, items: { $ref: "#/components/schemas/ReportHost" } },
        },
      },
      ReportHost: {
        type: "object",
        xml: { name: "HOST" },
        properties: {
          ip: { type: "string", xml: { name: "IP" } },
          vulns: { type: "array", xml: { name: "VULN_INFO_LIST", wrapped: true }, items: { $ref: "#/components/schemas/VulnInfo" } },
        },
      },
      VulnInfo: {
        type: "object",
        xml: { name: "VULN_INFO" },
        properties: {
          qid: { $ref: "#/components/schemas/Qid" },
          port: { type: "integer", xml: { name: "PORT" } },
          ssl: { type: "boolean", xml: { name: "SSL" } },
          firstFound: { type: "string", format: "date-time", xml: { name: "FIRST_FOUND" } },
        },
      },
      Qid: {
        type: "object",
        xml: { name: "QID" },
        properties: { ref: { type: "string", xml: { name: "id", attribute: true } }, value: { type: "integer", "x-xml-text": true } },
      },
    },
  },
};

function load(descriptors: string): Record<string, XmlRoot> {
  // The descriptors module is one import line and JSON constants: evaluate the constants.
  const out: Record<string, XmlRoot> = {};
  for (const m of descriptors.matchAll(/export const (\w+): XmlRoot = (.*);\n/g)) out[m[1]!] = JSON.parse(m[2]!);
  return out;
}

describe("emitXmlArtifacts", () => {
  it("emits types and descriptors, deterministically", () => {
    const a = emitXmlArtifacts(doc);
    expect(emitXmlArtifacts(JSON.parse(JSON.stringify(doc)))).toEqual(a);
    expect(a.types).toContain("export interface AssetDataReport {");
    expect(a.types).toMatch(/hostList\?: ReportHost\[\];/);
    expect(a.types).toMatch(/firstFound\?: Date;/);
    expect(a.types).toMatch(/extra\?: Record<string, unknown>;/);
    expect(Object.keys(load(a.descriptors))).toEqual(["AssetDataReport"]);
  });

  it("drives the decoder over a real ASSET_DATA_REPORT", async () => {
    const root = load(emitXmlArtifacts(doc).descriptors).AssetDataReport!;
    type Host = { ip: string; vulns: { qid: { ref: string; value: number }; port?: number; ssl?: boolean; firstFound?: Date }[] };
    const { records: hosts, document } = await records<Host, { header: { company: string; generated: Date } }>(fixture("rq_report_fetch_asset_data_report.xml"), root, 13);
    expect(hosts).toHaveLength(1);
    expect(hosts[0]!.ip).toBe("47.69.112.62");
    expect(hosts[0]!.vulns).toHaveLength(16);
    expect(hosts[0]!.vulns[0]).toMatchObject({ qid: { ref: "qid_38173", value: 38173 }, port: 25, ssl: true, firstFound: new Date("2017-12-07T08:12:19Z") });
    expect(document.header).toMatchObject({ company: "ACME", generated: new Date("2017-12-18T13:18:08Z") });
  });

  it("refuses a root schema without an element name", () => {
    const bad = structuredClone(doc) as { components: { schemas: { AssetDataReport: { xml?: unknown } } } };
    delete bad.components.schemas.AssetDataReport.xml;
    expect(() => emitXmlArtifacts(bad as Parameters<typeof emitXmlArtifacts>[0])).toThrow(/needs xml.name/);
  });
});
