/**
 * The three VM answers the tenant streams: host detections (HLD), the host list (records or
 * ID_SET) and the KnowledgeBase, each in the API version asked for (HLD 5.0 adds its detection
 * elements and ALICLOUD metadata, KB 3.0+ PATCH_PUBLISHED_DATE). Truncated answers end with
 * WARNING 1980 whose URL repeats the request's parameters with id_min moved past the last host,
 * as Qualys's does. DOCTYPE URLs carry the version asked for: the 5.0/4.0 ones were never seen
 * (api-versions.md §2.4), and a client must not fetch them anyway.
 */
import type { TenantModel } from "./model.js";
import { detectionQuery, hostListQuery, kbQuery, selectHostDetections, selectHosts, selectVulns, filteredHostIds } from "./select.js";
import type { RecordWriter } from "./stream.js";
import { qualysDate } from "./time.js";
import { detectionHostXml, idSetXml, listHostXml, vulnXml, warningXml, xmlHead, xmlTail } from "./xml.js";

export interface EndpointCall {
  readonly model: TenantModel;
  readonly writer: RecordWriter;
  /** Query and form parameters together, in the order they came. */
  readonly params: URLSearchParams;
  /** `http://127.0.0.1:port/api/5.0/…/` of this call, for the next-page URL. */
  readonly url: string;
  /** The API version of the path called ("5.0"). */
  readonly version: string;
  /** Told how many detections went out. */
  countDetections(n: number): void;
}

export type Endpoint = (call: EndpointCall) => Promise<void>;

const HLD_ROOT = "HOST_LIST_VM_DETECTION_OUTPUT";
const HOST_ROOT = "HOST_LIST_OUTPUT";
const KB_ROOT = "KNOWLEDGE_BASE_VULN_LIST_OUTPUT";

/** The next-page URL: the same parameters, id_min moved (and put last, as Qualys does). */
export function nextPageUrl(url: string, params: URLSearchParams, idMin: number): string {
  const next = new URLSearchParams([...params].filter(([k]) => k !== "id_min"));
  next.append("id_min", String(idMin));
  return `${url}?${next.toString()}`;
}

const datetime = (model: TenantModel) => `    <DATETIME>${qualysDate(model.now())}</DATETIME>\n`;

/** Writes records from `items` under `listOpen`/`listClose` (omitted when there are none), truncating at `limit` (0: none). */
async function writeList<T>(
  call: EndpointCall,
  items: Iterator<T>,
  render: (item: T) => string,
  idOf: (item: T) => number,
  list: { open: string; close: string; limit: number },
): Promise<{ warningUrl?: string; count: number; complete: boolean }> {
  let count = 0;
  let lastId = 0;
  for (let next = items.next(); !next.done; next = items.next()) {
    if (list.limit > 0 && count === list.limit) {
      if (!(await call.writer.write(list.close))) return { count, complete: false };
      return { count, complete: true, warningUrl: nextPageUrl(call.url, call.params, lastId + 1) };
    }
    if (!(await call.writer.beforeRecord())) return { count, complete: false };
    if (count === 0 && !(await call.writer.write(list.open))) return { count, complete: false };
    if (!(await call.writer.record(render(next.value)))) return { count, complete: false };
    lastId = idOf(next.value);
    count += 1;
  }
  if (count > 0 && !(await call.writer.write(list.close))) return { count, complete: false };
  return { count, complete: true };
}

async function finish(call: EndpointCall, root: string, result: { warningUrl?: string; count: number; complete: boolean }, limit: number): Promise<void> {
  if (!result.complete || !(await call.writer.beforeEnd())) return;
  const warning = result.warningUrl ? warningXml(limit, result.warningUrl) : "";
  await call.writer.write(warning + xmlTail(root));
}

export const hostDetections: Endpoint = async (call) => {
  const query = detectionQuery(call.params);
  const out = { ...query, current: Number(call.version) >= 5 };
  const dtd = new URL(`/api/${call.version}/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd`, call.url).href;
  if (!(await call.writer.write(xmlHead(HLD_ROOT, dtd) + datetime(call.model)))) return;
  const result = await writeList(
    call,
    selectHostDetections(call.model, query),
    (r) => {
      call.countDetections(r.detections.length);
      return detectionHostXml(r.host, r.detections, out);
    },
    (r) => r.host.id,
    { open: "    <HOST_LIST>\n", close: "    </HOST_LIST>\n", limit: query.truncationLimit },
  );
  await finish(call, HLD_ROOT, result, query.truncationLimit);
};

export const hostList: Endpoint = async (call) => {
  const query = hostListQuery(call.params);
  const dtd = new URL(`/api/${call.version}/fo/asset/host/host_list_output.dtd`, call.url).href;
  if (!(await call.writer.write(xmlHead(HOST_ROOT, dtd) + datetime(call.model)))) return;
  if (query.details === "None") {
    // IDs only: no per-host data needed unless the scan date filters ask for it.
    const byDate = query.vmProcessedAfter !== undefined || query.vmProcessedBefore !== undefined;
    const all = byDate ? [...selectHosts(call.model, query)].map((r) => r.host.id) : [...filteredHostIds(call.model, query)];
    const limit = query.truncationLimit;
    const ids = limit > 0 ? all.slice(0, limit) : all;
    let body = ids.length ? idSetXml(ids) : "";
    if (limit > 0 && all.length > limit) body += warningXml(limit, nextPageUrl(call.url, call.params, ids.at(-1)! + 1));
    if (!(await call.writer.beforeRecord())) return;
    if (!(await call.writer.record(body))) return;
    if (!(await call.writer.beforeEnd())) return;
    await call.writer.write(xmlTail(HOST_ROOT));
    return;
  }
  const result = await writeList(call, selectHosts(call.model, query), (r) => listHostXml(r.host, query.details === "All", query.showAssetId), (r) => r.host.id, {
    open: "    <HOST_LIST>\n",
    close: "    </HOST_LIST>\n",
    limit: query.truncationLimit,
  });
  await finish(call, HOST_ROOT, result, query.truncationLimit);
};

export const knowledgeBase: Endpoint = async (call) => {
  const query = kbQuery(call.params);
  const dtd = new URL(`/api/${call.version}/fo/knowledge_base/vuln/knowledge_base_vuln_list_output.dtd`, call.url).href;
  if (!(await call.writer.write(xmlHead(KB_ROOT, dtd) + datetime(call.model)))) return;
  const vulns = selectVulns(call.model, query);
  if (query.details === "None") {
    if (!(await call.writer.beforeRecord())) return;
    if (vulns.length && !(await call.writer.record(idSetXml(vulns.map((v) => v.qid))))) return;
    if (!(await call.writer.beforeEnd())) return;
    await call.writer.write(xmlTail(KB_ROOT));
    return;
  }
  // Qualys does not truncate the KB: callers chunk by ids or dates.
  const result = await writeList(call, vulns.values(), (v) => vulnXml(v, query.details === "All", Number(call.version) >= 3), (v) => v.qid, { open: "    <VULN_LIST>\n", close: "    </VULN_LIST>\n", limit: 0 });
  await finish(call, KB_ROOT, result, 0);
};
