/**
 * Qualys moves endpoints to new API versions (`/api/3.0`, `/api/5.0`…) and retires the old ones
 * on dates it announces, so the version is chosen per action (the spec's `x-qualys-versions`), not
 * fixed for the client: per call (`apiVersion`), else per client, else the path the spec documents.
 */
import { InvalidParameterError } from "../errors/invalid-parameter-error.js";

/** "2.0" from "/api/2.0/fo/…"; undefined for paths without one (/msp, /qps). */
export function versionOf(path: string): string | undefined {
  return /^\/api\/(\d+\.\d+)\//.exec(path)?.[1];
}

export function pathFor(
  operation: string,
  documented: string,
  versions: Readonly<Record<string, string>> | undefined,
  version: string | undefined,
): string {
  if (version === undefined || version === versionOf(documented)) return documented;
  const path = versions?.[version];
  if (path) return path;
  const known = Object.keys(versions ?? {});
  throw new InvalidParameterError(
    `is "${version}", but this action is known at ${known.length ? `versions ${known.join(", ")}` : `${versionOf(documented) ?? "one version"} only`}`,
    { operation, parameter: "apiVersion" },
  );
}
