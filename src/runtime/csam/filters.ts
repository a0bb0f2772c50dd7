/**
 * CSAM search filters: `FIELD:OPERATOR:VALUE` as the CLI takes them, and the "changed since"
 * filter of an incremental pull. The filter tokens for the two asset dates are inferred (see
 * `x-incremental` on searchAssets in specs/csam.yaml): `asset.lastUpdated` follows
 * lastModifiedDate (any change), `inventory.lastUpdated` sensorLastUpdatedDate (sensor updates).
 */
import type { components } from "../../generated/csam/types.js";
import { InvalidParameterError } from "../errors/invalid-parameter-error.js";
import { sinceTimestamp } from "../since.js";

export type CsamFilter = components["schemas"]["Filter"];
type Operator = CsamFilter["operator"];

export const CSAM_OPERATORS: readonly Operator[] = ["EQUALS", "NOT_EQUALS", "IN", "CONTAINS", "GREATER", "LESSER", "GREATER_THAN_EQUAL", "LESS_THAN_EQUAL"];

/** Which asset date a `since` filters on. */
export const CSAM_SINCE_FIELDS = { modified: "asset.lastUpdated", sensor: "inventory.lastUpdated" } as const;
export type CsamSinceField = keyof typeof CSAM_SINCE_FIELDS;

/** `asset.name:CONTAINS:web`; the value may hold colons (dates, IPv6), the field and operator may not. */
export function parseCsamFilter(text: string): CsamFilter {
  const first = text.indexOf(":");
  const second = first < 0 ? -1 : text.indexOf(":", first + 1);
  const field = text.slice(0, first).trim();
  const operator = text.slice(first + 1, second).trim().toUpperCase();
  if (first <= 0 || second < 0 || field === "") {
    throw new InvalidParameterError(`must be FIELD:OPERATOR:VALUE, e.g. asset.name:CONTAINS:web, not ${JSON.stringify(text)}`, { parameter: "filter" });
  }
  if (!(CSAM_OPERATORS as readonly string[]).includes(operator)) {
    throw new InvalidParameterError(`has operator ${JSON.stringify(operator)}; CSAM knows ${CSAM_OPERATORS.join(", ")}`, { parameter: "filter" });
  }
  return { field, operator: operator as Operator, value: text.slice(second + 1) };
}

/** The filter of an incremental pull: assets whose chosen date is after `since`. */
export function csamSinceFilter(since: string | Date, field: CsamSinceField = "modified", now?: () => number): CsamFilter {
  if (!(field in CSAM_SINCE_FIELDS)) {
    throw new InvalidParameterError(`must be ${Object.keys(CSAM_SINCE_FIELDS).join(" or ")}, not ${JSON.stringify(field)}`, { parameter: "sinceField" });
  }
  return { field: CSAM_SINCE_FIELDS[field], operator: "GREATER", value: sinceTimestamp(since, now) };
}
