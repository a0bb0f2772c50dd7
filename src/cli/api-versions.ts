/**
 * Per-action API versions from the command line (`--api-versions listVulns=3.0,…`, or
 * QUALYS_API_VERSIONS) and the config file (`"apiVersions": {"listVulns": "3.0"}`), checked
 * against the versions the spec knows, so a typo is a usage error before anything is sent.
 */
import { InvalidArgumentError } from "commander";
import { vmActions } from "../generated/vm/index.js";

type Versioned = { readonly version?: string; readonly versions?: Readonly<Record<string, unknown>> };

/** Why `action` cannot take `version`, or undefined when it can. */
export function apiVersionProblem(action: string, version: unknown): string | undefined {
  const meta = (vmActions as Record<string, Versioned | undefined>)[action];
  const versioned = Object.entries(vmActions as Record<string, Versioned>).filter(([, m]) => m.versions).map(([name]) => name);
  if (!meta?.versions) return `"${action}" is not a VM action with API versions (those are: ${versioned.join(", ")})`;
  if (typeof version !== "string" || !(version in meta.versions)) return `${action} has API versions ${Object.keys(meta.versions).join(", ")} (current ${meta.version}), not ${JSON.stringify(version)}`;
  return undefined;
}

/** `listVulns=3.0,listHostDetections=2.0` → { listVulns: "3.0", listHostDetections: "2.0" }. */
export function parseApiVersions(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]\w*)=(\S+)$/.exec(part);
    if (!m) throw new InvalidArgumentError(`"${part}" is not action=version (e.g. listVulns=3.0).`);
    const problem = apiVersionProblem(m[1]!, m[2]!);
    if (problem) throw new InvalidArgumentError(`${problem}.`);
    out[m[1]!] = m[2]!;
  }
  return out;
}
