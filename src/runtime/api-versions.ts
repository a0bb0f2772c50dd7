/**
 * The version table: for every Qualys endpoint whose version matters, the version the SDK calls
 * by default (the newest Qualys documents) and the older ones, with Qualys's End-of-Support (no
 * new features; it may go on working) and End-of-Life (retired) dates. Generated from the specs
 * into src/generated/versions.ts; read here to tell a version's status on a given day.
 *
 * Dates are months (`YYYY-MM`, as Qualys announces them): a date counts from the first day of its
 * month, UTC, so "end of life June 2026" is past from 2026-06-01.
 */

/** One version of an endpoint. */
export interface ApiVersionInfo {
  readonly version: string;
  readonly path: string;
  /** Where the fact comes from (a Qualys release note, a client's migration). */
  readonly source: string;
  readonly endOfSupport?: string;
  readonly endOfLife?: string;
  /** Why a date is not given: no source has it. */
  readonly unverified?: string;
  /** The SDK function that calls this version when it is a separate operation (CAR `createScriptV1`). */
  readonly operation?: string;
}

/** One endpoint (or a whole API) of the table. */
export interface ApiVersionRow {
  /** What it is, for people ("Host List Detection", "CSAM asset inventory"). */
  readonly api: string;
  /** The SDK module that calls it; absent when the SDK does not call it (yet). */
  readonly module?: string;
  /** The SDK function (VM action, gateway operationId) on the current version; absent for whole-API rows. */
  readonly operation?: string;
  readonly method?: string;
  /** The `action=` of a VM action. */
  readonly action?: string;
  readonly current: ApiVersionInfo;
  readonly older: readonly ApiVersionInfo[];
  readonly note?: string;
}

export type VersionState =
  /** The version the SDK calls by default. */
  | "current"
  /** Older, with an end of support still ahead. */
  | "supported"
  /** Older, with no end-of-support date known to qualys-ts. */
  | "superseded"
  /** Past its end of support: may still work, gets no fixes. */
  | "end-of-support"
  /** Past its end of life: retired by Qualys. */
  | "end-of-life";

export interface VersionStatus {
  readonly state: VersionState;
  /** One line, e.g. "end of life 2026-06 (past)". */
  readonly text: string;
}

/** The version segment of a path: "5.0" of "/api/5.0/fo/…", "v5" of "/sm/v5/script", "2.0" of "/rest/2.0/…". */
export function pathVersion(path: string): string | undefined {
  return /\/(v\d+(?:\.\d+)?|\d+\.\d+)(?:\/|$)/.exec(path)?.[1];
}

/** The first instant of a `YYYY-MM` month, UTC, in ms. */
export function monthStart(month: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new RangeError(`not a YYYY-MM month: ${month}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
}

/** Where a version stands on `now` (ms since the epoch; default the wall clock). */
export function versionStatus(info: ApiVersionInfo, current: boolean, now: number = Date.now()): VersionStatus {
  if (current) return { state: "current", text: "current" };
  const eos = info.endOfSupport;
  const eol = info.endOfLife;
  const dates = [eos && `end of support ${eos}${now >= monthStart(eos) ? " (past)" : ""}`, eol && `end of life ${eol}${now >= monthStart(eol) ? " (past)" : ""}`].filter(Boolean).join(", ");
  if (eol && now >= monthStart(eol)) return { state: "end-of-life", text: dates };
  if (eos && now >= monthStart(eos)) return { state: "end-of-support", text: dates };
  if (eos || eol) return { state: "supported", text: dates };
  return { state: "superseded", text: "superseded; no end-of-support date known" };
}

/** The version of a row a function calls, by version label (current or older). */
export function versionOfRow(row: ApiVersionRow, version: string): { info: ApiVersionInfo; current: boolean } | undefined {
  if (row.current.version === version) return { info: row.current, current: true };
  const info = row.older.find((o) => o.version === version);
  return info ? { info, current: false } : undefined;
}
