/**
 * A 127.0.0.1 stand-in for the VM API's paged answers: host detections in truncated pages whose
 * WARNING points at the next page (id_min), QPS pages with hasMoreRecords / lastId, faults.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedVmRequest {
  readonly path: string;
  readonly form: URLSearchParams;
  readonly body: string;
}

export type VmRoute = (req: RecordedVmRequest, res: ServerResponse, origin: string) => void;

export async function startVmServer(route: VmRoute) {
  const requests: RecordedVmRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://x");
    const form = new URLSearchParams(req.method === "GET" ? url.search : body);
    const recorded = { path: url.pathname, form, body };
    requests.push(recorded);
    route(recorded, res, origin);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const hostXml = (id: number) =>
  `      <HOST>\n        <ID>${id}</ID>\n        <IP>10.1.${Math.floor(id / 250)}.${id % 250}</IP>\n        <DETECTION_LIST>\n          <DETECTION><QID>${90000 + id}</QID><TYPE>Confirmed</TYPE><SEVERITY>${(id % 5) + 1}</SEVERITY><RESULTS><![CDATA[host ${id}]]></RESULTS></DETECTION>\n        </DETECTION_LIST>\n      </HOST>\n`;

/** One detection-list page; `next` adds the truncation WARNING with its URL. */
export function detectionPage(ids: number[], next?: string): string {
  const warning = next
    ? `    <WARNING>\n      <CODE>1980</CODE>\n      <TEXT>${ids.length} record limit exceeded. Use URL to get next batch of results.</TEXT>\n      <URL><![CDATA[${next}]]></URL>\n    </WARNING>\n`
    : "";
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/dtd/output.dtd">\n<HOST_LIST_VM_DETECTION_OUTPUT>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n    <HOST_LIST>\n${ids.map(hostXml).join("")}    </HOST_LIST>\n${warning}  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n`;
}
