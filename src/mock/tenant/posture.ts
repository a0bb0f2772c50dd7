/**
 * The subscription's Policy Compliance data as PCRS serves it: policies (Linux and Windows in
 * turn), their controls, and a posture per host × policy × control × instance, replayed from the
 * host's first compliance scan through every step (each rescan flips some statuses). Pure: the
 * same options and steps always give the same records, so tests know what an export must hold.
 */
import { hostId, hostIdentity, type HostIdentity } from "./hosts.js";
import { hostScanTimes, timeInStep } from "./host-scans.js";
import { MTag, type ModuleSizes } from "./module-keys.js";
import { POLICY_TITLES, TAGS, technologyOf, type Family } from "./modules-catalog.js";
import { controlOf, evidenceOf, expectedValue } from "./pc-controls.js";
import { hash, Rng, unit } from "./random.js";
import type { TenantStep } from "./steps.js";
import { DAY_MS, qualysDate } from "./time.js";

/** What the posture model needs of the tenant: its hosts and its steps. */
export interface HostSource {
  readonly seed: number;
  readonly start: number;
  readonly steps: readonly TenantStep[];
  hostIds(): readonly number[];
  /** The step a live host was born in (0: initial), or undefined when it is not live. */
  hostBirth(id: number): number | undefined;
  now(): number;
}

export type PostureStatus = "Passed" | "Failed" | "Error";

export interface PcControl {
  readonly id: number;
  readonly statement: string;
  readonly rationale: string;
  readonly remediation: string;
  readonly reference: string;
  readonly criticality: { readonly label: string; readonly value: number };
  /** A custom control: the only kind whose evaluation can end in Error. */
  readonly custom: boolean;
  readonly instances: readonly string[];
}

export interface PcPolicyDef {
  readonly id: number;
  readonly family: Family;
  readonly title: string;
  readonly status: "active" | "inactive";
  readonly locked: 0 | 1;
  readonly created: number;
  readonly modified: number;
  readonly controls: readonly PcControl[];
  readonly includeTags: readonly { id: number; name: string }[];
  readonly excludeTags: readonly { id: number; name: string }[];
}

/** A policy as the policy list sends it. */
export type PcPolicyRecord = Record<string, unknown> & { readonly id: number; readonly lastEvaluatedDate: string; readonly status: string };

/** One posture record as postureInfo sends it (key order too). */
export type PostureRow = Record<string, unknown> & {
  readonly id: number;
  readonly policyId: number;
  readonly hostId: number;
  readonly controlId: number;
  readonly instance: string;
  readonly status: PostureStatus;
};

export interface PostureFlags {
  readonly evidence?: boolean;
  readonly extendedEvidence?: boolean;
}

const POLICY_BASE = 4_677_689;
const CONTROL_POOL = 100;
const POSTURE_ID_BASE = 23_000_000_000;

export class PcModel {
  readonly subscriptionId: number;
  readonly customerUuid: string;
  private readonly defs: PcPolicyDef[];
  private cache: { steps: number; hosts: Map<number, number[]>; evaluated: Map<number, number> } | undefined;

  constructor(
    private readonly tenant: HostSource,
    private readonly sizes: ModuleSizes,
  ) {
    this.subscriptionId = 700_000 + (tenant.seed % 100_000);
    const rng = new Rng(hash(tenant.seed, MTag.policyControls, 0));
    const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join("");
    this.customerUuid = `${hex(8)}-${hex(4)}-4${hex(3)}-9${hex(3)}-${hex(12)}`;
    this.defs = Array.from({ length: sizes.policies }, (_, p) => this.makePolicy(p));
  }

  /** Every policy, in id order. */
  policyDefs(): readonly PcPolicyDef[] {
    return this.defs;
  }

  private makePolicy(p: number): PcPolicyDef {
    const family: Family = p % 2 === 0 ? "Linux" : "Windows";
    const titles = POLICY_TITLES[family];
    const title = titles[Math.floor(p / 2) % titles.length]! + (p >= 2 * titles.length ? ` (${p + 1})` : "");
    const created = this.tenant.start - (500 - 3 * p) * DAY_MS;
    const poolRng = new Rng(hash(this.tenant.seed, MTag.policyControls, p + 1));
    const picked = new Set<number>();
    while (picked.size < Math.min(this.sizes.controlsPerPolicy, CONTROL_POOL)) picked.add(poolRng.int(0, CONTROL_POOL - 1));
    const controls = [...picked].sort((a, b) => a - b).map((k) => controlOf(family, k));
    const tag = (i: number) => ({ id: TAGS[i % TAGS.length]!.id, name: TAGS[i % TAGS.length]!.name });
    return {
      id: POLICY_BASE + p,
      family,
      title,
      status: this.sizes.policies >= 3 && p === this.sizes.policies - 1 ? "inactive" : "active",
      locked: p % 4 === 3 ? 1 : 0,
      created,
      modified: created + (20 + p) * DAY_MS,
      controls,
      includeTags: [tag(p)],
      excludeTags: p % 3 === 2 ? [{ id: TAGS[6].id, name: TAGS[6].name }] : [],
    };
  }

  policy(id: number): PcPolicyDef | undefined {
    return this.defs[id - POLICY_BASE];
  }

  /** A host with PC posture: a Windows or Linux host, in the PC share. */
  isPcHost(c: number, identity: HostIdentity = hostIdentity(this.tenant.seed, c)): boolean {
    return technologyOf(identity.os) !== undefined && unit(this.tenant.seed, MTag.pcHost, c) < this.sizes.pcHostShare;
  }

  /** Live hosts a policy evaluates (PC hosts of its OS family), ascending id. */
  hostIdsOf(policyId: number): readonly number[] {
    return this.current().hosts.get(policyId) ?? [];
  }

  /** Compliance scans of a live host (epoch ms, ascending): its first VM scan, then PC rescans of steps. */
  complianceScans(id: number): number[] {
    const born = this.tenant.hostBirth(id);
    if (born === undefined) return [];
    const c = id - hostId(0);
    const first = hostScanTimes(this.tenant.seed, this.tenant.start, this.tenant.steps, c, born)[0]!.at;
    const scans = [first];
    for (const step of this.tenant.steps.slice(born)) {
      if (unit(this.tenant.seed, MTag.pcScan, c, step.index) < step.changeFraction) scans.push(timeInStep(step, this.tenant.seed, MTag.pcScanTime, c, step.index));
    }
    return scans;
  }

  /** The policy list: every policy with its latest evaluation, tags when asked (2.0 requireTagInfo=1). */
  policies(withTags = false): PcPolicyRecord[] {
    const evaluated = this.current().evaluated;
    return this.defs.map((d) => ({
      id: d.id,
      title: d.title,
      createdBy: "tenant_admin",
      createdDate: qualysDate(d.created),
      modifiedBy: "tenant_admin",
      modifiedDate: qualysDate(d.modified),
      lastEvaluatedDate: qualysDate(evaluated.get(d.id) ?? d.modified),
      status: d.status,
      locked: d.locked,
      ...(withTags
        ? {
            includeTags: d.includeTags.map((t) => ({ ...t })),
            includeTagsScope: "ANY",
            ...(d.excludeTags.length ? { excludeTags: d.excludeTags.map((t) => ({ ...t })), excludeTagsScope: "ALL" } : {}),
          }
        : {}),
    }));
  }

  /** The posture records of one live host under one policy, in control then instance order. */
  posture(policyId: number, id: number, flags: PostureFlags = {}): PostureRow[] {
    const def = this.policy(policyId);
    const c = id - hostId(0);
    if (!def || this.tenant.hostBirth(id) === undefined) return [];
    const identity = hostIdentity(this.tenant.seed, c);
    const tech = technologyOf(identity.os);
    if (!tech || tech.family !== def.family || !this.isPcHost(c, identity)) return [];
    const scans = this.complianceScans(id);
    const steps = this.scanSteps(id);
    const host = this.hostFields(identity, scans.at(-1)!);
    const rows: PostureRow[] = [];
    def.controls.forEach((control, k) => {
      control.instances.forEach((instance, i) => {
        const history = evaluate(this.tenant.seed, c, def.id, k, i, control.custom, scans, steps);
        rows.push({
          id: POSTURE_ID_BASE + (c * 128 + (def.id - POLICY_BASE)) * 512 + k * 4 + i,
          instance,
          policyId: def.id,
          policyTitle: def.title,
          controlId: control.id,
          controlStatement: control.statement,
          rationale: control.rationale,
          remediation: control.remediation,
          controlReference: control.reference,
          technologyId: tech.id,
          technology: { id: tech.id, name: tech.name },
          criticality: { ...control.criticality },
          status: history.status,
          previousStatus: history.previousStatus,
          firstFailDate: date(history.firstFail),
          lastFailDate: date(history.lastFail),
          firstPassDate: date(history.firstPass),
          lastPassDate: date(history.lastPass),
          postureModifiedDate: qualysDate(history.modified),
          lastEvaluatedDate: qualysDate(scans.at(-1)!),
          created: qualysDate(scans[0]!),
          ...host,
          causeOfFailure: history.status === "Failed" ? { missing: [], unexpected: [expectedValue(control)] } : null,
          ...(flags.evidence || flags.extendedEvidence ? { evidence: evidenceOf(control, history.status, flags.extendedEvidence === true) } : {}),
        });
      });
    });
    return rows;
  }

  /** Every posture record of the policy (or of all), host by host: what a full export holds. */
  *rows(flags: PostureFlags = {}, policyIds?: readonly number[]): Generator<PostureRow> {
    for (const def of this.defs) {
      if (policyIds && !policyIds.includes(def.id)) continue;
      for (const id of this.hostIdsOf(def.id)) yield* this.posture(def.id, id, flags);
    }
  }

  private scanSteps(id: number): number[] {
    const born = this.tenant.hostBirth(id) ?? 0;
    const c = id - hostId(0);
    const steps = [born];
    for (const step of this.tenant.steps.slice(born)) if (unit(this.tenant.seed, MTag.pcScan, c, step.index) < step.changeFraction) steps.push(step.index);
    return steps;
  }

  private hostFields(h: HostIdentity, lastScan: number): Record<string, unknown> & { hostId: number } {
    return {
      hostId: h.id,
      ip: h.ip,
      trackingMethod: h.trackingMethod,
      os: h.os,
      osCpe: `cpe:/o:${h.os.toLowerCase().replace(/[^a-z0-9.]+/g, "_")}`,
      domainName: h.domain,
      dns: h.dns,
      netBios: h.netbios || null,
      qgHostid: h.qgHostId ?? null,
      networkId: 0,
      networkName: "Global Default Network",
      complianceLastScanDate: qualysDate(lastScan),
      customerUuid: this.customerUuid,
      customerId: this.subscriptionId,
      assetId: h.assetId,
    };
  }

  /** Hosts per policy and each policy's latest evaluation, for the current steps. */
  private current() {
    const steps = this.tenant.steps.length;
    if (this.cache?.steps === steps) return this.cache;
    const hosts = new Map<number, number[]>(this.defs.map((d) => [d.id, []]));
    const evaluated = new Map<number, number>();
    for (const id of this.tenant.hostIds()) {
      const c = id - hostId(0);
      const identity = hostIdentity(this.tenant.seed, c);
      const tech = technologyOf(identity.os);
      if (!tech || !this.isPcHost(c, identity)) continue;
      let last: number | undefined;
      for (const d of this.defs) {
        if (d.family !== tech.family) continue;
        hosts.get(d.id)!.push(id);
        last ??= this.complianceScans(id).at(-1)!;
        evaluated.set(d.id, Math.max(evaluated.get(d.id) ?? 0, last));
      }
    }
    this.cache = { steps, hosts, evaluated };
    return this.cache;
  }
}

interface History {
  status: PostureStatus;
  previousStatus: PostureStatus | null;
  firstFail?: number;
  lastFail?: number;
  firstPass?: number;
  lastPass?: number;
  modified: number;
}

/** A posture's statuses over the host's compliance scans: drawn at the first, flipping now and then at each rescan. */
function evaluate(seed: number, c: number, policyId: number, k: number, i: number, custom: boolean, scans: readonly number[], steps: readonly number[]): History {
  const roll = unit(seed, MTag.posture, c, policyId, k, i);
  const h: History = { status: custom && roll < 0.1 ? "Error" : roll < 0.7 ? "Passed" : "Failed", previousStatus: null, modified: scans[0]! };
  scans.forEach((at, n) => {
    if (n > 0 && unit(seed, MTag.postureFlip, c, policyId, k, i, steps[n]!) < 0.12) {
      h.previousStatus = h.status;
      h.status = h.status === "Passed" ? "Failed" : "Passed";
      h.modified = at;
    }
    if (h.status === "Passed") {
      h.firstPass ??= at;
      h.lastPass = at;
    } else if (h.status === "Failed") {
      h.firstFail ??= at;
      h.lastFail = at;
    }
  });
  return h;
}

const date = (ms: number | undefined) => (ms === undefined ? "" : qualysDate(ms));
