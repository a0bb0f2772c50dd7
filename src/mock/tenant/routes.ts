/**
 * Which VM path the tenant answers, in which API version, from the SDK's version table: the
 * current version and the older ones Qualys documented. A version past its End-of-Life on the
 * tenant's clock is refused by default, as Qualys does once it retires a version; what Qualys
 * sends then is not published (api-versions.md §3 item 1), so the tenant answers as for a path
 * it does not have: HTTP 404 with an HTML "Not Found" page (x-unverified). `retiredVersions:
 * "serve"` answers them in their old shape instead, for testing code that still calls them.
 */
import { apiVersionTable } from "../../generated/versions.js";
import { monthStart } from "../../runtime/api-versions.js";
import { hostDetections, hostList, knowledgeBase, type Endpoint } from "./endpoints.js";

export type RetiredVersions = "refuse" | "serve";

interface Known {
  readonly endpoint: Endpoint;
  readonly version: string;
  readonly endOfLife?: string;
}

const ENDPOINTS: readonly [operation: string, endpoint: Endpoint][] = [
  ["listHostDetections", hostDetections],
  ["listHosts", hostList],
  ["listVulns", knowledgeBase],
];

/** Every path of the three endpoints, in every version the table knows. */
const PATHS: ReadonlyMap<string, Known> = new Map(
  ENDPOINTS.flatMap(([operation, endpoint]) => {
    const row = apiVersionTable.find((r) => r.module === "vm" && r.operation === operation);
    if (!row) throw new Error(`tenant: the version table has no row for ${operation}`);
    return [row.current, ...row.older].map((v) => [v.path, { endpoint, version: v.version, ...(v.endOfLife ? { endOfLife: v.endOfLife } : {}) }] as const);
  }),
);

export type Route = { readonly kind: "serve"; readonly endpoint: Endpoint; readonly version: string } | { readonly kind: "retired"; readonly version: string };

/** The route of a path on the tenant's day `now`; undefined for a path the tenant does not have. */
export function routeOf(path: string, now: number, retired: RetiredVersions): Route | undefined {
  const known = PATHS.get(path);
  if (!known) return undefined;
  if (retired === "refuse" && known.endOfLife && now >= monthStart(known.endOfLife)) return { kind: "retired", version: known.version };
  return { kind: "serve", endpoint: known.endpoint, version: known.version };
}

export const NOT_FOUND_HTML = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n";
