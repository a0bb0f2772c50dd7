/**
 * What the current versions add to the answers, as data: HLD 5.0's detection sources, MITRE
 * ATT&CK mapping, TruRisk Eliminate status and Alibaba Cloud metadata, and KB 3.0+'s patch
 * publication date (api-versions.md §2.4). No captured 5.0 answer is public: the element names
 * are Qualys's (elastic/integrations PR #16436), the values are invented here — plausible sensor
 * names, real ATT&CK tactic/technique pairs, a made-up TruRisk status set — and drawn from their
 * own hashes, so the 2.0-era data of every host and QID is unchanged by them.
 */
import { hash, Rng, Tag } from "./random.js";
import { DAY_MS, toSecond } from "./time.js";

export interface MitreMapping {
  readonly tacticId: string;
  readonly tacticName: string;
  readonly techniqueId: string;
  readonly techniqueName: string;
}

/** Real ATT&CK tactic/technique pairs that vulnerabilities map to. */
const MITRE: readonly MitreMapping[] = [
  { tacticId: "TA0001", tacticName: "Initial Access", techniqueId: "T1190", techniqueName: "Exploit Public-Facing Application" },
  { tacticId: "TA0002", tacticName: "Execution", techniqueId: "T1203", techniqueName: "Exploitation for Client Execution" },
  { tacticId: "TA0004", tacticName: "Privilege Escalation", techniqueId: "T1068", techniqueName: "Exploitation for Privilege Escalation" },
  { tacticId: "TA0005", tacticName: "Defense Evasion", techniqueId: "T1211", techniqueName: "Exploitation for Defense Evasion" },
  { tacticId: "TA0006", tacticName: "Credential Access", techniqueId: "T1212", techniqueName: "Exploitation for Credential Access" },
  { tacticId: "TA0008", tacticName: "Lateral Movement", techniqueId: "T1210", techniqueName: "Exploitation of Remote Services" },
  { tacticId: "TA0040", tacticName: "Impact", techniqueId: "T1499", techniqueName: "Endpoint Denial of Service" },
];

/** Sensor names (invented: Qualys's value set is not published). */
const SOURCES = [["Scanner"], ["Scanner"], ["Scanner"], ["Cloud Agent"], ["Cloud Agent"], ["Cloud Agent", "Scanner"]] as const;
/** TruRisk Eliminate statuses (invented). */
const TRURISK = ["Not Applicable", "Not Applicable", "Not Applicable", "Not Applicable", "Not Applicable", "Not Applicable", "Eligible", "Mitigated"] as const;

export interface DetectionAdditions {
  readonly detectionSources: readonly string[];
  readonly latestDetectionSource: string;
  readonly truriskEliminationStatus: string;
}

/** HLD 5.0's per-detection additions of host candidate c's detection in `slot`. */
export function detectionAdditions(seed: number, c: number, slot: number): DetectionAdditions {
  const rng = new Rng(hash(seed, Tag.hld5, c, slot));
  const detectionSources = rng.pick(SOURCES);
  return { detectionSources, latestDetectionSource: rng.pick(detectionSources), truriskEliminationStatus: rng.pick(TRURISK) };
}

/** The ATT&CK mapping of a QID: none for information gathered, else one or two pairs. */
export function mitreOf(seed: number, qid: number, informationGathered: boolean): readonly MitreMapping[] {
  if (informationGathered) return [];
  const rng = new Rng(hash(seed, Tag.hld5, qid, -1));
  const first = rng.int(0, MITRE.length - 1);
  if (!rng.chance(0.3)) return [MITRE[first]!];
  return [MITRE[first]!, MITRE[(first + rng.int(1, MITRE.length - 1)) % MITRE.length]!];
}

export interface AliCloudInstance {
  readonly instanceId: string;
  readonly regionId: string;
  readonly instanceType: string;
}

const REGIONS = ["cn-hangzhou", "cn-shanghai", "ap-southeast-1", "eu-central-1"] as const;
const TYPES = ["ecs.g7.large", "ecs.c7.xlarge", "ecs.r7.2xlarge"] as const;

/** About one host in twenty runs on Alibaba Cloud (METADATA/ALICLOUD in HLD 5.0). */
export function aliCloudOf(seed: number, c: number): AliCloudInstance | undefined {
  const rng = new Rng(hash(seed, Tag.cloud, c));
  if (!rng.chance(0.05)) return undefined;
  const hex = Array.from({ length: 20 }, () => rng.int(0, 35).toString(36)).join("");
  return { instanceId: `i-${hex}`, regionId: rng.pick(REGIONS), instanceType: rng.pick(TYPES) };
}

/** KB 3.0+: when the vendor published the patch of a patchable QID (a day to two months after the QID). */
export function patchPublishedOf(seed: number, k: number, published: number, patchable: boolean): number | undefined {
  if (!patchable) return undefined;
  return toSecond(published + (1 + (hash(seed, Tag.patch, k) % 60)) * DAY_MS);
}
