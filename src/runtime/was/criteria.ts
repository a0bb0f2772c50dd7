/**
 * WAS (QPS) criteria for incremental pulls: the date field each listing filters on, with
 * `GREATER` (strict) and the UTC `YYYY-MM-DDTHH:MM:SSZ` the WAS search pages document.
 * Findings: `lastDetectedDate` (graph-qualys, qualysdk) or `lastTestedDate` (elastic);
 * web apps: `updatedDate`; scans: `launchedDate`; catalog: `updatedDate`.
 */
import type { components } from "../../generated/was/types.js";
import { InvalidParameterError } from "../errors/invalid-parameter-error.js";
import { sinceTimestamp } from "../since.js";

export type WasCriterion = components["schemas"]["Criterion"];

export const WAS_SINCE_FIELDS = {
  webapps: ["updatedDate", "createdDate", "lastScan.date"],
  findings: ["lastDetectedDate", "lastTestedDate", "firstDetectedDate", "updatedDate", "fixedDate"],
  scans: ["launchedDate"],
  catalog: ["updatedDate", "createdDate"],
} as const;
export type WasListing = keyof typeof WAS_SINCE_FIELDS;

/** `field GREATER since` for a listing; the field defaults to the listing's first (most used) date. */
export function wasSinceCriterion(listing: WasListing, since: string | Date, field?: string, now?: () => number): WasCriterion {
  const fields: readonly string[] = WAS_SINCE_FIELDS[listing];
  const chosen = field ?? fields[0]!;
  if (!fields.includes(chosen)) {
    throw new InvalidParameterError(`for ${listing} must be one of ${fields.join(", ")}, not ${JSON.stringify(chosen)}`, { parameter: "sinceField" });
  }
  return { field: chosen, operator: "GREATER", value: sinceTimestamp(since, now) };
}
