import type { XmlScalar } from "./descriptor.js";

/** Returned when text does not fit its type; the caller raises the error with the position. */
export const INVALID: unique symbol = Symbol("invalid");

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// Qualys writes `2018-04-13T03:49:05Z`; a space separator and a missing zone also occur in
// older outputs. Dates without a zone are read as UTC so results do not depend on the host TZ.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Turns element or attribute text into its schema type; a value that does not fit is INVALID, never a guess. */
export function coerce(text: string, type: XmlScalar): unknown {
  switch (type) {
    case "string":
      return text;
    case "integer": {
      const short = shortInteger(text);
      if (short !== undefined) return short;
      if (!INTEGER.test(text)) return INVALID;
      const n = Number(text);
      // An id past 2^53 would silently change: better an error that says to declare it a string.
      return Number.isSafeInteger(n) ? n : INVALID;
    }
    case "number":
      return DECIMAL.test(text) ? Number(text) : INVALID;
    case "boolean":
      if (text === "1") return true;
      if (text === "0") return false;
      switch (text.toLowerCase()) {
        case "true":
          return true;
        case "false":
          return false;
      }
      return INVALID;
    case "date-time":
    case "date":
      return toDate(text);
  }
}

/**
 * An integer of at most 15 digits (always exact in a double), read digit by digit: the regex and
 * Number() cost several times more for the millions of ids a page holds. Undefined: not one
 * (longer, or not an integer), left to the general path.
 */
function shortInteger(text: string): number | undefined {
  const length = text.length;
  const first = text.charCodeAt(0);
  const start = first === 45 || first === 43 ? 1 : 0;
  if (length === start || length - start > 15) return undefined;
  let n = 0;
  for (let i = start; i < length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return first === 45 ? -n : n;
}

/** Digits of text[from, from + count) as a number, or -1. */
function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), month 1-12. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ`, what Qualys writes nearly always, without the regex and without
 * Date.UTC (a call into the engine's C++ that cost as much as the rest of the decoding of a date).
 */
function canonicalDate(text: string): Date | undefined {
  if (text.length !== 20 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 90) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  // A day past the month's end (Feb 29 outside leap years too) is left to toDate, which refuses it.
  if (day > MONTH_DAYS[month - 1]! && !(month === 2 && day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return undefined;
  return new Date(daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000);
}

function toDate(text: string): Date | typeof INVALID {
  const fast = canonicalDate(text);
  if (fast !== undefined) return fast;
  const m = DATE_TIME.exec(text);
  if (!m) return INVALID;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = frac ? Math.round(Number(frac) * 1000) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(utc);
  // Date.UTC rolls 2020-02-30 over to March 1st: refuse instead of moving the date.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return INVALID;
  }
  if (!zone || zone.toUpperCase() === "Z") return check;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = Number(digits.slice(2));
  // RFC 3339 offsets: hours 00-23, minutes 00-59. `+99:99` would silently move the instant by days.
  if (offsetHours > 23 || offsetMinutes > 59) return INVALID;
  return new Date(utc - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

/** What a value of the type looks like, for error messages. */
export function describeScalar(type: XmlScalar): string {
  switch (type) {
    case "integer":
      return "an integer";
    case "number":
      return "a number";
    case "boolean":
      return "0/1 or true/false";
    case "date-time":
      return "an ISO 8601 date-time";
    case "date":
      return "an ISO 8601 date";
    case "string":
      return "text";
  }
}
