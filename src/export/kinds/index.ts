/** Every kind `qualys export` knows, in the order a run lists them. */
import type { ExportKindDef } from "./kind.js";
import { assetsKind } from "./csam.js";
import { postureKind } from "./posture.js";
import { detectionsKind, hostsKind, kbKind } from "./vm.js";
import { findingsKind, webAppsKind } from "./was.js";

export const KIND_DEFS: readonly ExportKindDef[] = [hostsKind, detectionsKind, kbKind, postureKind, assetsKind, webAppsKind, findingsKind];

export function kindDef(name: string): ExportKindDef {
  const def = KIND_DEFS.find((k) => k.name === name);
  if (!def) throw new TypeError(`no export kind "${name}"`);
  return def;
}
