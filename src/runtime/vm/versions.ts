/**
 * Qualys moves endpoints to new API versions (`/api/3.0`, `/api/5.0`…) and retires the old ones
 * on dates it announces, so the version is chosen per action: per call (`apiVersion`), else per
 * client (`apiVersions`), else the action's path in the spec, which is the current version. An
 * older version is sent where asked (with a warning once per process), never chosen on its own.
 */
import { InvalidParameterError } from "../errors/invalid-parameter-error.js";

/** "2.0" from "/api/2.0/fo/…"; undefined for paths without one (/msp, /qps). */
export function versionOf(path: string): string | undefined {
  return /^\/api\/(\d+\.\d+)\//.exec(path)?.[1];
}

/** One version of a VM action, as the generated action table carries it. */
export interface VmVersion {
  readonly path: string;
  readonly endOfSupport?: string;
  readonly endOfLife?: string;
}

/** What a VM action needs to know of its versions. */
export interface VersionedAction {
  readonly function: string;
  /** The current version's path (the default). */
  readonly path: string;
  /** The current version, when the spec gives the action a version history. */
  readonly version?: string;
  /** Every version known for the action, the current one included: version → where and until when. */
  readonly versions?: Readonly<Record<string, VmVersion>>;
}

export interface ChosenVersion {
  /** The version label, when the action has one ("5.0"). */
  readonly version: string | undefined;
  readonly path: string;
  /** The current version (the default) was chosen. */
  readonly current: boolean;
  readonly info: VmVersion | undefined;
}

/** The version and path a call goes to; an unknown version is refused before anything is sent. */
export function chooseVersion(meta: VersionedAction, requested: string | undefined): ChosenVersion {
  const current = meta.version ?? versionOf(meta.path);
  if (requested === undefined || requested === current) return { version: current, path: meta.path, current: true, info: meta.versions?.[current ?? ""] };
  const info = meta.versions?.[requested];
  if (info) return { version: requested, path: info.path, current: false, info };
  const known = Object.keys(meta.versions ?? {});
  throw new InvalidParameterError(
    `is "${requested}", but this action is known at ${known.length ? `versions ${known.join(", ")} (current ${current})` : `${current ?? "one version"} only`}`,
    { operation: meta.function, parameter: "apiVersion" },
  );
}

/** The versions of an action other than `version`, newest first. */
export function otherVersions(meta: VersionedAction, version: string | undefined): string[] {
  return Object.keys(meta.versions ?? {})
    .filter((v) => v !== version)
    .sort((a, b) => Number(b) - Number(a));
}
