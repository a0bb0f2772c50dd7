/**
 * The three ways of reading the page that bench/xml.ts compares, each run in its own process so
 * its peak RSS is its own: (a) the bare saxes tokenizer with a streaming TextDecoder and no
 * building (the floor of any saxes-based decoder), (b) this SDK's schema-driven decoder,
 * (c) fast-xml-parser on the whole body as one string (a DOM), mapped to the same totals.
 */
import { createReadStream, readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { SaxesParser } from "saxes";
import { buildXmlDescriptors } from "../../scripts/generate/xml.js";
import { decodeXml } from "../../src/runtime/xml/decode.js";
import type { XmlRoot } from "../../src/runtime/xml/descriptor.js";
import type { Expected } from "./generate.js";

export const CHUNK = 64 * 1024;

export type Totals = Partial<Expected>;

export const contenders = {
  /** Baseline for RSS: a process that loads the same modules and reads nothing. */
  async idle(): Promise<Totals> {
    return {};
  },

  async bare(path: string): Promise<Totals> {
    const parser = new SaxesParser();
    const decoder = new TextDecoder();
    const totals = { hosts: 0, detections: 0, qidSum: 0 };
    let inQid = false;
    parser.on("opentag", (tag) => {
      if (tag.name === "HOST") totals.hosts++;
      else if (tag.name === "DETECTION") totals.detections++;
      inQid = tag.name === "QID";
    });
    parser.on("text", (text) => {
      if (inQid) totals.qidSum += Number(text);
    });
    parser.on("closetag", () => (inQid = false));
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    parser.write(decoder.decode());
    parser.close();
    return totals;
  },

  async adapter(path: string): Promise<Totals> {
    const stream = decodeXml(createReadStream(path, { highWaterMark: CHUNK }), hldRoot());
    const totals = { hosts: 0, detections: 0, qidSum: 0, severitySum: 0, portSum: 0, sslTrue: 0, resultsLength: 0, warningUrl: "" };
    for await (const host of stream) {
      totals.hosts++;
      for (const d of host.detectionList ?? []) {
        totals.detections++;
        totals.qidSum += d.qid!;
        totals.severitySum += d.severity!;
        totals.portSum += d.port ?? 0;
        if (d.ssl) totals.sslTrue++;
        totals.resultsLength += d.results?.length ?? 0;
      }
    }
    totals.warningUrl = (await stream.document).response?.warning?.url ?? "";
    return totals;
  },

  async dom(path: string): Promise<Totals> {
    const parser = new XMLParser({
      ignoreAttributes: false,
      parseTagValue: false,
      // Numeric character references (&#39;) need htmlEntities (xml-perf.md §4).
      htmlEntities: true,
      isArray: (name) => name === "HOST" || name === "DETECTION",
    });
    const doc = parser.parse(readFileSync(path, "utf8"));
    const response = doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE;
    const totals = { hosts: 0, detections: 0, qidSum: 0, severitySum: 0, portSum: 0, sslTrue: 0, resultsLength: 0, warningUrl: String(response.WARNING.URL) };
    for (const host of response.HOST_LIST.HOST as { DETECTION_LIST: { DETECTION: Record<string, string>[] } }[]) {
      totals.hosts++;
      for (const d of host.DETECTION_LIST.DETECTION) {
        totals.detections++;
        totals.qidSum += Number(d.QID);
        totals.severitySum += Number(d.SEVERITY);
        totals.portSum += d.PORT === undefined ? 0 : Number(d.PORT);
        if (d.SSL === "1") totals.sslTrue++;
        totals.resultsLength += d.RESULTS === undefined ? 0 : String(d.RESULTS).length;
      }
    }
    return totals;
  },
} satisfies Record<string, (path: string) => Promise<Totals>>;

export type ContenderName = keyof typeof contenders;

interface Detection {
  qid?: number;
  severity?: number;
  port?: number;
  ssl?: boolean;
  results?: string;
}
interface Host {
  id?: number;
  detectionList?: Detection[];
}
interface Page {
  response?: { warning?: { url?: string } };
}

/** The page's descriptor, built by the project's emitter from a schema in the spec convention. */
function hldRoot(): XmlRoot<Host, Page> {
  const string = (name: string) => ({ type: "string", xml: { name } });
  const integer = (name: string) => ({ type: "integer", xml: { name } });
  const dateTime = (name: string) => ({ type: "string", format: "date-time", xml: { name } });
  const boolean = (name: string) => ({ type: "boolean", xml: { name } });
  const doc = {
    paths: { "/api/2.0/fo/asset/host/vm/detection/": { post: { "x-xml-schema": "#/components/schemas/Hld" } } },
    components: {
      schemas: {
        Hld: {
          type: "object",
          xml: { name: "HOST_LIST_VM_DETECTION_OUTPUT" },
          properties: {
            response: {
              type: "object",
              xml: { name: "RESPONSE" },
              properties: {
                datetime: dateTime("DATETIME"),
                hostList: { type: "array", xml: { name: "HOST_LIST", wrapped: true }, "x-xml-record": true, items: { $ref: "#/components/schemas/Host" } },
                warning: { type: "object", xml: { name: "WARNING" }, properties: { code: string("CODE"), text: string("TEXT"), url: string("URL") } },
              },
            },
          },
        },
        Host: {
          type: "object",
          xml: { name: "HOST" },
          properties: {
            id: integer("ID"),
            ip: string("IP"),
            trackingMethod: string("TRACKING_METHOD"),
            os: string("OS"),
            dns: string("DNS"),
            netbios: string("NETBIOS"),
            lastScanDatetime: dateTime("LAST_SCAN_DATETIME"),
            lastVmScannedDate: dateTime("LAST_VM_SCANNED_DATE"),
            detectionList: { type: "array", xml: { name: "DETECTION_LIST", wrapped: true }, items: { $ref: "#/components/schemas/Detection" } },
          },
        },
        Detection: {
          type: "object",
          xml: { name: "DETECTION" },
          properties: {
            qid: integer("QID"),
            type: string("TYPE"),
            severity: integer("SEVERITY"),
            port: integer("PORT"),
            protocol: string("PROTOCOL"),
            ssl: boolean("SSL"),
            results: string("RESULTS"),
            status: string("STATUS"),
            firstFoundDatetime: dateTime("FIRST_FOUND_DATETIME"),
            lastFoundDatetime: dateTime("LAST_FOUND_DATETIME"),
            timesFound: integer("TIMES_FOUND"),
            lastTestDatetime: dateTime("LAST_TEST_DATETIME"),
            lastUpdateDatetime: dateTime("LAST_UPDATE_DATETIME"),
            isIgnored: boolean("IS_IGNORED"),
            isDisabled: boolean("IS_DISABLED"),
            lastProcessedDatetime: dateTime("LAST_PROCESSED_DATETIME"),
          },
        },
      },
    },
  };
  return buildXmlDescriptors(doc).Hld as XmlRoot<Host, Page>;
}
