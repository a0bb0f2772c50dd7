/** Report options as users give them (`--since 2024-01-01`), checked and normalized to UTC. */
import { InvalidParameterError } from "../runtime/errors/invalid-parameter-error.js";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A date (`2024-05-01`, midnight UTC) or a date-time with its zone (`2024-05-01T12:00:00Z`,
 * `…+02:00`) or a Date, as `YYYY-MM-DDTHH:MM:SSZ` (fractions of a second dropped).
 */
export function normalizeTime(value: string | Date, parameter: string): string {
  let date: Date;
  if (value instanceof Date) {
    date = value;
  } else {
    const text = value.trim();
    const day = DATE.exec(text);
    if (day) {
      date = new Date(`${text}T00:00:00Z`);
      // Date rolls 2024-02-31 over to March; a typo must not become another day.
      if (!Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) !== text) date = new Date(NaN);
    } else if (DATE_TIME.test(text)) {
      date = new Date(text);
    } else {
      throw new InvalidParameterError(`must be a date (YYYY-MM-DD) or a date-time with a zone (YYYY-MM-DDTHH:MM:SSZ), got "${text}"`, { parameter });
    }
  }
  if (Number.isNaN(date.getTime())) throw new InvalidParameterError(`is not a valid date: "${String(value)}"`, { parameter });
  const year = date.getUTCFullYear();
  if (year < 1970 || year > 9999) throw new InvalidParameterError(`must be between 1970 and 9999, got ${date.toISOString()}`, { parameter });
  return `${date.toISOString().slice(0, 19)}Z`;
}
