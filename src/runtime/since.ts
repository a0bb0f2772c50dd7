/**
 * "Since when" for incremental pulls: an ISO date or date-time, or `<n>d` / `<n>h` back from now,
 * as the UTC `YYYY-MM-DDTHH:MM:SSZ` that CSAM and WAS filters take (WAS documents that format;
 * CSAM clients send the same). Anything else is refused before a request goes out.
 */
import { InvalidParameterError } from "./errors/invalid-parameter-error.js";

export function sinceTimestamp(input: string | Date, now: () => number = Date.now): string {
  let ms: number;
  if (input instanceof Date) ms = input.getTime();
  else {
    const text = input.trim();
    const back = /^(\d+)([dh])$/.exec(text);
    if (back) ms = now() - Number(back[1]) * (back[2] === "d" ? 86_400_000 : 3_600_000);
    else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) ms = Date.parse(`${text}T00:00:00Z`);
    else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) ms = Date.parse(text);
    else ms = NaN;
  }
  if (!Number.isFinite(ms)) {
    throw new InvalidParameterError(`must be a date (2025-07-01), a date-time with a zone (2025-07-01T12:00:00Z) or a span back from now (7d, 12h), not ${JSON.stringify(String(input))}`, { parameter: "since" });
  }
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
