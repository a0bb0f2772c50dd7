/**
 * The schema a call's arguments are checked against: the tool's input schema without `format`
 * keywords. Formats stay in what the model reads (they help it write values), but Qualys is the
 * judge of a date's or an address's spelling, and OpenAPI formats such as int64 are unknown to
 * JSON Schema validators. The checks run on the MCP SDK's own Ajv (bundled in its server package).
 */
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/ajv";
import type { JsonSchema } from "./tool-spec.js";

export type ArgumentCheck = (args: unknown) => { valid: boolean; errorMessage?: string };

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

/**
 * Each tool's argument check, compiled on its first call: the SDK's Ajv validator (JSON Schema
 * 2020-12, the dialect of the OpenAPI 3.1 specs the schemas come from) on the schema without formats.
 */
export function argumentChecks(): (tool: { readonly name: string; readonly inputSchema: JsonSchema }) => ArgumentCheck {
  const validator = new AjvJsonSchemaValidator();
  const compiled = new Map<string, ArgumentCheck>();
  return (tool) => {
    let check = compiled.get(tool.name);
    if (!check) {
      check = validator.getValidator(validationSchema(tool.inputSchema) as never);
      compiled.set(tool.name, check);
    }
    return check;
  };
}
