/**
 * What `qualys doctor` says about a client's setup, as data: one line per endpoint of the version
 * table the SDK calls — the version it will use (configured or current), its End-of-Support /
 * End-of-Life status on `now`, and the auth it goes with. Pure, so it is tested on any date.
 */
import type { ClientSetup } from "../client.js";
import { apiVersionTable } from "../generated/versions.js";
import { versionOfRow, versionStatus, type ApiVersionRow, type VersionState } from "../runtime/api-versions.js";

export interface DoctorLine {
  /** "ok", "warn" (an older version past its end of support, or with no date known), "end-of-life" (retired). */
  readonly status: "ok" | "warn" | "end-of-life";
  /** `vm.listHostDetections`, `car.createScript`, `csam`. */
  readonly name: string;
  readonly version: string;
  /** `POST /api/5.0/fo/asset/host/vm/detection/ action=list`, or the API's path prefix. */
  readonly call: string;
  readonly auth: string;
  readonly state: VersionState;
  /** Set with `apiVersions` / `--api-versions` / the config file rather than the default. */
  readonly configured: boolean;
  readonly detail: string;
}

/** Modules on the API server (qualysapi), which take the VM API's auth. */
const API_SERVER_MODULES = new Set(["vm", "was"]);

function authOf(module: string, setup: ClientSetup): string {
  const jwt = setup.gatewayToken === "static token" ? "jwt (static token)" : `jwt from ${setup.gatewayToken}`;
  if (!API_SERVER_MODULES.has(module)) return jwt;
  return setup.vmAuth === "jwt" ? jwt : setup.vmAuth;
}

function line(row: ApiVersionRow & { module: string }, setup: ClientSetup, now: number): DoctorLine {
  const name = row.operation ? `${row.module}.${row.operation}` : row.module;
  const auth = authOf(row.module, setup);
  const configured = row.module === "vm" && row.operation !== undefined && setup.configuredVmApiVersions[row.operation] !== undefined;
  const version = (row.module === "vm" && row.operation && setup.vmApiVersions[row.operation]) || row.current.version;
  const chosen = versionOfRow(row, version) ?? { info: row.current, current: true };
  const status = versionStatus(chosen.info, chosen.current, now);
  const call = `${row.method ? `${row.method} ` : ""}${chosen.info.path}${row.action ? ` action=${row.action}` : ""}`;
  let detail: string;
  if (chosen.current) {
    // A gateway operation's older versions are other operations: called only by name, never by default.
    const older = row.older.map((o) => `${o.operation ?? o.version} (${versionStatus(o, false, now).text})`);
    detail = older.length && row.older[0]!.operation ? `current; older: ${older.join(", ")}, never a default` : row.operation ? "current" : `current (${row.api})`;
  } else {
    detail = `${configured ? "configured" : "older"}; ${status.text}; current ${row.current.version}`;
  }
  const level = status.state === "end-of-life" ? "end-of-life" : status.state === "end-of-support" || status.state === "superseded" ? "warn" : "ok";
  return { status: level, name, version, call, auth, state: status.state, configured, detail };
}

/** One line per row of the version table the SDK calls (rows of APIs it does not call are left out). */
export function doctorLines(setup: ClientSetup, now: number = Date.now(), table: readonly ApiVersionRow[] = apiVersionTable): DoctorLine[] {
  return table.filter((r): r is ApiVersionRow & { module: string } => r.module !== undefined).map((r) => line(r, setup, now));
}

/** The lines as aligned text, one per endpoint. */
export function formatDoctorLines(lines: readonly DoctorLine[]): string[] {
  const width = (pick: (l: DoctorLine) => string) => Math.max(...lines.map((l) => pick(l).length));
  const w = { status: width((l) => l.status), name: width((l) => l.name), version: width((l) => l.version), call: width((l) => l.call), auth: width((l) => l.auth) };
  return lines.map((l) => [l.status.padEnd(w.status), l.name.padEnd(w.name), l.version.padEnd(w.version), l.call.padEnd(w.call), l.auth.padEnd(w.auth), l.detail].join("  "));
}
