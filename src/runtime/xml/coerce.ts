import { XmlParseError } from "../errors/xml-parse-error.js";
import type { XmlScalar } from "./descriptor.js";

/** Turns element text into the schema's type; a value that does not fit is an error, never a guess. */
export function coerce(text: string, type: XmlScalar, element: string, where: { line: number; column: number }): unknown {
  switch (type) {
    case "string":
      return text;
    case "integer":
    case "number": {
      const n = Number(text);
      if (text === "" || !Number.isFinite(n) || (type === "integer" && !Number.isInteger(n))) {
        throw new XmlParseError(`<${element}> should hold ${type === "integer" ? "an integer" : "a number"}`, { ...where, excerpt: text.slice(0, 80) });
      }
      return n;
    }
    case "boolean":
      if (text === "1" || text === "true") return true;
      if (text === "0" || text === "false") return false;
      throw new XmlParseError(`<${element}> should hold 0/1 or true/false`, { ...where, excerpt: text.slice(0, 80) });
    case "date-time":
    case "date": {
      const d = new Date(text);
      if (Number.isNaN(d.getTime())) throw new XmlParseError(`<${element}> should hold a date`, { ...where, excerpt: text.slice(0, 80) });
      return d;
    }
  }
}
