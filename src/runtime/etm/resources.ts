/**
 * The records of a completed report read resource by resource (`getReportResource`), in the order
 * the status answer lists them: an alternative to the ZIP download, one JSON part per request.
 */
import { InvalidResponseError } from "../errors/invalid-response-error.js";
import { ReportDownloadError } from "../errors/report-download-error.js";
import { checkedRecords } from "./part-records.js";

export async function* resourceRecords(
  reportId: string,
  names: unknown,
  getResource: (name: string) => Promise<unknown>,
): AsyncGenerator<unknown, void, undefined> {
  if (!Array.isArray(names) || !names.every((n): n is string => typeof n === "string")) {
    // Reading nothing here would pass for an empty report.
    throw new ReportDownloadError(reportId, undefined, "the COMPLETED report lists no `resources` to read");
  }
  for (const name of names) {
    let json: unknown;
    try {
      json = await getResource(name);
    } catch (err) {
      if (err instanceof InvalidResponseError) throw new ReportDownloadError(reportId, name, "not valid JSON", { cause: err });
      throw err;
    }
    yield* checkedRecords(reportId, name, json);
  }
}
