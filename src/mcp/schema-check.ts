/**
 * The schema a call's arguments are checked against: the tool's input schema without `format`
 * keywords. Formats stay in what the model reads (they help it write values), but Qualys is the
 * judge of a date's or an address's spelling, and OpenAPI formats such as int64 are unknown to
 * JSON Schema validators.
 */
import type { JsonSchema } from "./tool-spec.js";

const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

export function validationSchema(schema: JsonSchema): JsonSchema {
  return strip(schema) as JsonSchema;
}

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "format" && typeof value === "string") continue;
    if (key === "enum" || key === "const" || key === "default" || key === "examples") out[key] = value;
    // Under properties (and the like) the keys are names, which may well be "format": only their values are schemas.
    else if (SCHEMA_MAPS.has(key) && value && typeof value === "object") out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)]));
    else out[key] = strip(value);
  }
  return out;
}
