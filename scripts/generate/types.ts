import openapiTS, { astToString } from "openapi-typescript";

/** The `paths` / `components` / `operations` types of one bundled spec. */
export async function emitTypes(doc: unknown): Promise<string> {
  const ast = await openapiTS(doc as Parameters<typeof openapiTS>[0], {
    // Qualys sends properties the docs never list; closed types would make them unreachable.
    additionalProperties: false,
    alphabetize: false,
    exportType: false,
    // A default is what Qualys assumes when the field is absent, so callers may omit it.
    defaultNonNullable: false,
  });
  return astToString(ast);
}
