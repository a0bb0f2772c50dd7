/** QPS searches take a `<ServiceRequest>` body; this builds it from typed filters. */
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
