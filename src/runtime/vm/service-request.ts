/** QPS searches take a `<ServiceRequest>` body; this builds it from typed filters. */
import { InvalidParameterError } from "../errors/invalid-parameter-error.js";

export interface QpsFilter {
  readonly field: string;
  readonly operator: string;
  readonly value: string | number;
}

export interface QpsSearch {
  readonly filters?: readonly QpsFilter[];
  readonly limitResults?: number;
}

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Refuses a search that would build a wrong ServiceRequest (JS callers, or `as never` casts). */
export function checkQpsSearch(search: unknown, operation?: string): QpsSearch {
  if (search === undefined || search === null) return {};
  const fail = (why: string, parameter?: string) => new InvalidParameterError(why, { operation, parameter });
  if (typeof search !== "object" || Array.isArray(search)) throw fail("takes {filters?, limitResults?}");
  const { filters, limitResults } = search as { filters?: unknown; limitResults?: unknown };
  if (limitResults !== undefined && (!Number.isInteger(limitResults) || (limitResults as number) < 1 || (limitResults as number) > 1000)) {
    throw fail(`is ${String(limitResults)}; QPS takes 1 to 1000 records per page`, "limitResults");
  }
  if (filters !== undefined) {
    if (!Array.isArray(filters)) throw fail("is not a list of {field, operator, value}", "filters");
    filters.forEach((f: unknown, i) => {
      const c = f as Partial<QpsFilter> | null;
      const valueOk = typeof c?.value === "string" || (typeof c?.value === "number" && Number.isFinite(c.value));
      if (!c || typeof c.field !== "string" || !c.field || typeof c.operator !== "string" || !c.operator || !valueOk) {
        throw fail("needs a non-empty field and operator and a string or finite number value", `filters[${i}]`);
      }
    });
  }
  return search as QpsSearch;
}

export function serviceRequest(search: QpsSearch, afterId?: number): string {
  const filters = [...(search.filters ?? [])];
  // QPS pages by asking again for ids above the last one seen (hasMoreRecords / lastId).
  if (afterId !== undefined) filters.push({ field: "id", operator: "GREATER", value: afterId });
  const criteria = filters
    .map((f) => `<Criteria field="${escape(f.field)}" operator="${escape(f.operator)}">${escape(String(f.value))}</Criteria>`)
    .join("");
  const prefs = search.limitResults !== undefined ? `<preferences><limitResults>${search.limitResults}</limitResults></preferences>` : "";
  return `<ServiceRequest>${criteria ? `<filters>${criteria}</filters>` : ""}${prefs}</ServiceRequest>`;
}
