/**
 * WAS web apps and findings (QPS REST 3.0 JSON, verbose) → rows of `was_webapps`,
 * `was_webapp_tags`, `was_findings` and `was_finding_results` (schema v3). QPS wraps list items in
 * their type (`{"Tag": {…}}`, `{"Result": {…}}`), sends booleans and severities as strings, and
 * spells the payload's response position `payloadResponce`. Whatever has no column stays in
 * `extra`; nested objects partly read into columns (owner, lastScan, cvssV3) are kept there whole.
 */
import { at, Fields, isObject, listOf, numberCell, textCell } from "./record-cells.js";
import type { Cell, Row } from "./rows.js";

type Json = Record<string, unknown>;

export const WEBAPP_COLUMNS = [
  "webapp_id", "name", "url", "owner_id", "owner_username", "is_scheduled", "is_scanned", "scope", "risk_score",
  "created_date", "updated_date", "last_scan_id", "last_scan_results_status", "run_id", "extra",
] as const;
export const WEBAPP_TAG_COLUMNS = ["webapp_id", "seq", "tag_id", "tag_name"] as const;

export const FINDING_COLUMNS = [
  "finding_id", "unique_id", "qid", "name", "type", "finding_type", "potential", "severity", "status", "webapp_id", "url", "param",
  "cwe", "cvss3_base", "cvss3_temporal", "times_detected", "is_ignored",
  "first_detected_date", "last_detected_date", "last_tested_date", "updated_date", "fixed_date", "run_id", "extra",
] as const;
export const FINDING_RESULT_COLUMNS = [
  "finding_id", "result_seq", "payload_seq", "access_path", "payload", "request_method", "request_link", "request_headers", "request_body",
  "response", "response_offset", "response_length", "extra",
] as const;

/** The items of a QPS list object (`{count, list: [{"<Type>": item}]}`), unwrapped. */
function qpsList(value: unknown, type: string): Json[] {
  if (!isObject(value)) return [];
  return listOf(value.list).map((item) => (isObject(item[type]) ? (item[type] as Json) : item));
}

/** `value` without `keys`, or undefined when nothing else is left. */
function without(value: unknown, keys: readonly string[]): Json | undefined {
  if (!isObject(value)) return undefined;
  const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
  return Object.keys(rest).length ? rest : undefined;
}

/** A copy of `record` with `key` replaced by what is left of it (or dropped). */
function trimmed(record: Json, key: string, keep: readonly string[]): Json {
  if (!(key in record)) return record;
  const out = { ...record };
  const rest = without(record[key], keep);
  if (rest) out[key] = rest;
  else delete out[key];
  return out;
}

export interface WebAppRows {
  readonly webapp: Row;
  readonly tags: Row[];
}

export function webAppRows(app: Json, runId: number): WebAppRows | undefined {
  const id = new Fields(app).id("id");
  if (id === null) return undefined;
  // The tag list goes to was_webapp_tags (its count with it); a tags object without a list stays.
  const record = isObject(app.tags) && "list" in app.tags ? trimmed(app, "tags", ["count", "list"]) : app;
  const f = new Fields(record);
  f.id("id");
  const webapp: Row = [
    id, f.text("name"), f.text("url"), numberCell(at(record, "owner", "id")), textCell(at(record, "owner", "username")),
    f.bool("isScheduled"), f.bool("isScanned"), f.text("scope"), f.number("riskScore"), f.time("createdDate"), f.time("updatedDate"),
    numberCell(at(record, "lastScan", "id")), textCell(at(record, "lastScan", "summary", "resultsStatus")), runId,
  ];
  webapp.push(f.extra());
  const tags = qpsList(app.tags, "Tag").map((t, seq): Row => [id, seq, numberCell(t.id), textCell(t.name)]);
  return { webapp, tags };
}

export interface FindingRows {
  readonly finding: Row;
  readonly results: Row[];
}

export function findingRows(finding: Json, runId: number): FindingRows | undefined {
  const id = new Fields(finding).id("id");
  if (id === null) return undefined;
  let record = trimmed(finding, "resultList", ["count", "list"]);
  record = trimmed(record, "cwe", ["count", "list"]);
  // The web app is its own row; its id, name and url here add nothing.
  record = trimmed(record, "webApp", ["id", "name", "url"]);
  const f = new Fields(record);
  f.id("id");
  // cwe.list: numbers (one number alone when there is one).
  const cwe = isObject(finding.cwe) ? [finding.cwe.list ?? []].flat() : [];
  const row: Row = [
    id, f.text("uniqueId"), f.id("qid"), f.text("name"), f.text("type"), f.text("findingType"), f.bool("potential"), f.number("severity"), f.text("status"),
    numberCell(at(finding, "webApp", "id")), f.text("url"), f.text("param"),
    cwe.length ? cwe.map((c) => textCell(c)).join(",") : null, numberCell(at(record, "cvssV3", "base")), numberCell(at(record, "cvssV3", "temporal")),
    f.number("timesDetected"), f.bool("isIgnored"),
    f.time("firstDetectedDate"), f.time("lastDetectedDate"), f.time("lastTestedDate"), f.time("updatedDate"), f.time("fixedDate"), runId,
  ];
  row.push(f.extra());
  return { finding: row, results: resultRows(id, finding.resultList) };
}

/** One row per payload of each result; a result without payloads gives one row with the payload columns empty. */
function resultRows(findingId: Cell, resultList: unknown): Row[] {
  const rows: Row[] = [];
  qpsList(resultList, "Result").forEach((result, r) => {
    // accessPath.list: [{"Url": "…"}]: the URLs, in order, as a JSON list.
    const urls = isObject(result.accessPath) ? [result.accessPath.list ?? []].flat().map((u) => (isObject(u) && typeof u.Url === "string" ? u.Url : u)) : undefined;
    const accessPath = urls ? JSON.stringify(urls) : null;
    const resultRest = without(result, ["accessPath", "payloads"]);
    const payloads = qpsList(result.payloads, "PayloadInstance");
    if (payloads.length === 0) {
      rows.push([findingId, r, 0, accessPath, null, null, null, null, null, null, null, null, resultRest ? JSON.stringify({ result: resultRest }) : null]);
      return;
    }
    payloads.forEach((p, seq) => {
      const position = isObject(p.payloadResponce) ? p.payloadResponce : isObject(p.payloadResponse) ? p.payloadResponse : undefined;
      const payloadRest = without(p, ["payload", "response", "payloadResponce", "payloadResponse"]) ?? {};
      const request = isObject(p.request) ? p.request : undefined;
      const requestRest = without(request, ["method", "link", "headers", "body"]);
      const positionRest = without(position, ["offset", "length"]);
      const extra: Json = { ...payloadRest };
      if (request) {
        if (requestRest) extra.request = requestRest;
        else delete extra.request;
      }
      if (positionRest) extra.payloadResponce = positionRest;
      if (resultRest) extra.result = resultRest;
      rows.push([
        findingId, r, seq, accessPath, textCell(p.payload), textCell(request?.method), textCell(request?.link), textCell(request?.headers), textCell(request?.body),
        textCell(p.response), numberCell(position?.offset), numberCell(position?.length), Object.keys(extra).length ? JSON.stringify(extra) : null,
      ]);
    });
  });
  return rows;
}
