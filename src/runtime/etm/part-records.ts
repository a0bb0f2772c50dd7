/** One report part (a `part_*.json` of the ZIP, a resource, or a plain JSON download) as records. */
import { ReportDownloadError } from "../errors/report-download-error.js";

/** A part is a JSON list of findings, or `{data: [...]}` (gateway-apis.md §3). */
export function recordsOf(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json;
  const data = json !== null && typeof json === "object" ? (json as { data?: unknown }).data : undefined;
  return Array.isArray(data) ? data : undefined;
}

/** Throws the decoder's or the parser's error, for the caller to name the part. */
export function parseJson(bytes: Uint8Array): unknown {
  // fatal: a part cut or garbled mid-character is corrupt, not something to patch with U+FFFD.
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}

export const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200);

export function partRecords(reportId: string, part: string | undefined, bytes: Uint8Array): unknown[] {
  let json: unknown;
  try {
    json = parseJson(bytes);
  } catch (err) {
    throw new ReportDownloadError(reportId, part, `not valid JSON (${reasonOf(err)})`);
  }
  return checkedRecords(reportId, part, json);
}

export function checkedRecords(reportId: string, part: string | undefined, json: unknown): unknown[] {
  const records = recordsOf(json);
  if (!records) throw new ReportDownloadError(reportId, part, "the JSON is neither a list nor {data: [...]}");
  return records;
}
