/**
 * The synthetic subscription as data: which hosts exist now, what each one looks like and what
 * it has, and the KnowledgeBase, as a pure function of the options and the steps taken so far.
 * The server renders this model; tests build the same model to know what an export must hold.
 */
import { CsamModel } from "./assets.js";
import { simulateHost, type HostScans, type SimulatedHost, type TenantDetection } from "./detections.js";
import { candidateOf, hostId, hostIdentity, isHostCandidate, type HostIdentity } from "./hosts.js";
import { indexOfQid, vulnAt, type KbVuln } from "./kb.js";
import { moduleSizes, type ModuleDataOptions } from "./module-keys.js";
import { PcModel } from "./posture.js";
import { Tag, unit } from "./random.js";
import type { AdvanceOptions, TenantStep } from "./steps.js";
import { DAY_MS, toSecond } from "./time.js";
import { WasModel } from "./webapps.js";

export interface TenantDataOptions extends ModuleDataOptions {
  /** Hosts at the start. Default 1000. */
  readonly hosts?: number;
  /** Average detections per host (exponential spread, a few hosts with none). Default 25. */
  readonly detectionsPerHost?: number;
  /** QIDs in the KnowledgeBase at the start. Default 2000. */
  readonly kbSize?: number;
  /** Same seed, same data. Default 1. */
  readonly seed?: number;
  /** The tenant's time at the start (DATETIME of answers, scan dates end here). Default 2026-11-30T00:00:00Z. */
  readonly now?: Date | string | number;
}

export type TenantHost = Omit<HostIdentity, "authenticated"> & HostScans;

export interface TenantHostRecord {
  readonly host: TenantHost;
  readonly detections: readonly TenantDetection[];
}

const DEFAULT_NOW = Date.UTC(2026, 10, 30);

export class TenantModel {
  readonly seed: number;
  readonly detectionsPerHost: number;
  readonly initialKbSize: number;
  readonly start: number;
  private readonly steps_: TenantStep[] = [];
  /** Live host candidates, ascending (so IDs ascend too). */
  private live: number[] = [];
  private readonly born = new Map<number, number>();
  private readonly removed = new Map<number, number>();
  private nextCandidate = 0;
  private kb: KbVuln[] | undefined;
  private ids: number[] | undefined;
  /** CSAM assets: the live hosts and assets without one. */
  readonly csam: CsamModel;
  /** WAS web apps and findings (QIDs from this KB). */
  readonly was: WasModel;
  /** PC policies, controls and posture of the live hosts. */
  readonly pc: PcModel;

  constructor(options: TenantDataOptions = {}) {
    const hosts = checkCount("hosts", options.hosts ?? 1000, 0, 16_000_000);
    this.detectionsPerHost = checkCount("detectionsPerHost", options.detectionsPerHost ?? 25, 0, 1000, true);
    this.initialKbSize = checkCount("kbSize", options.kbSize ?? 2000, 1, 1_000_000);
    this.seed = checkCount("seed", options.seed ?? 1, 0, 0xffff_ffff);
    const now = options.now === undefined ? DEFAULT_NOW : new Date(options.now).getTime();
    if (!Number.isFinite(now)) throw new TypeError(`tenant: now is not a date: ${String(options.now)}`);
    this.start = toSecond(now);
    this.live = this.takeCandidates(hosts);
    const sizes = moduleSizes(options, hosts);
    this.pc = new PcModel(this, sizes);
    this.csam = new CsamModel(this, this.pc, sizes.extraAssets);
    this.was = new WasModel(this, sizes);
  }

  get steps(): readonly TenantStep[] {
    return this.steps_;
  }

  /** The tenant's current time (epoch ms). */
  now(): number {
    return this.steps_.at(-1)?.at ?? this.start;
  }

  kbSize(): number {
    const last = this.steps_.at(-1);
    return last ? last.firstNewIndex + last.newCount : this.initialKbSize;
  }

  /** IDs of the live hosts, ascending. */
  hostIds(): readonly number[] {
    return (this.ids ??= this.live.map(hostId));
  }

  /** IDs purged by steps, with the step that purged them. */
  removedHostIds(): Map<number, number> {
    return new Map([...this.removed].map(([c, step]) => [hostId(c), step]));
  }

  /** The step a live host was added in (0: there from the start), or undefined when it is not live. */
  hostBirth(id: number): number | undefined {
    return this.isLive(candidateOf(id)) ? (this.born.get(candidateOf(id)) ?? 0) : undefined;
  }

  hasHost(id: number): boolean {
    const c = candidateOf(id);
    return this.isLive(c);
  }

  /** A live host and every detection it has (Fixed included), or undefined. */
  record(id: number): TenantHostRecord | undefined {
    const c = candidateOf(id);
    if (!this.isLive(c)) return undefined;
    const identity = hostIdentity(this.seed, c);
    const simulated: SimulatedHost = simulateHost(this.context(), c, this.born.get(c) ?? 0, identity.authenticated);
    const { authenticated: _, ...rest } = identity;
    return { host: { ...rest, ...simulated.scans }, detections: simulated.detections };
  }

  /** Every KB entry as of now, ascending QID. */
  vulns(): readonly KbVuln[] {
    if (!this.kb) {
      const births = this.kbBirths();
      this.kb = Array.from({ length: this.kbSize() }, (_, k) => vulnAt(this.seed, k, this.start, births(k), this.steps_));
    }
    return this.kb;
  }

  vuln(qid: number): KbVuln | undefined {
    const k = indexOfQid(this.seed, qid);
    return k === undefined ? undefined : this.vulns()[k];
  }

  /** Moves the clock on: some hosts rescanned (detections fixed, re-opened, new), some purged, some added, some QIDs published or revised. */
  advance(options: AdvanceOptions = {}): TenantStep {
    const days = options.days ?? 1;
    if (!(days > 0) || !Number.isFinite(days)) throw new RangeError(`tenant.advance: days must be a positive number, not ${String(days)}`);
    const changeFraction = checkFraction("changeFraction", options.changeFraction ?? 0.1);
    const hostChurn = checkFraction("hostChurn", options.hostChurn ?? changeFraction / 10);
    const previousAt = this.now();
    const kbSize = this.kbSize();
    const step: TenantStep = {
      index: this.steps_.length + 1,
      at: toSecond(previousAt + days * DAY_MS),
      previousAt,
      changeFraction,
      hostChurn,
      firstNewIndex: kbSize,
      newCount: Math.ceil(kbSize * changeFraction * 0.01),
    };
    const before = this.live.length;
    this.live = this.live.filter((c) => {
      const keep = unit(this.seed, Tag.remove, c, step.index) >= hostChurn;
      if (!keep) this.removed.set(c, step.index);
      return keep;
    });
    for (const c of this.takeCandidates(Math.round(before * hostChurn))) {
      this.live.push(c);
      this.born.set(c, step.index);
    }
    this.steps_.push(step);
    this.kb = undefined;
    this.ids = undefined;
    return step;
  }

  private isLive(c: number): boolean {
    if (c < 0 || c >= this.nextCandidate || !isHostCandidate(this.seed, c) || this.removed.has(c)) return false;
    return true;
  }

  private takeCandidates(count: number): number[] {
    const out: number[] = [];
    while (out.length < count) {
      if (isHostCandidate(this.seed, this.nextCandidate)) out.push(this.nextCandidate);
      this.nextCandidate += 1;
    }
    return out;
  }

  private kbBirths(): (k: number) => number {
    const steps = this.steps_;
    return (k) => {
      if (k < this.initialKbSize) return 0;
      const step = steps.find((s) => k >= s.firstNewIndex && k < s.firstNewIndex + s.newCount);
      return step?.index ?? 0;
    };
  }

  private context() {
    const vulns = this.vulns();
    return {
      seed: this.seed,
      detectionsPerHost: this.detectionsPerHost,
      start: this.start,
      steps: this.steps_,
      kbSize: this.initialKbSize,
      vuln: (k: number) => vulns[k]!,
    };
  }
}

function checkCount(name: string, value: number, min: number, max: number, fractional = false): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max || (!fractional && !Number.isInteger(value))) {
    throw new RangeError(`tenant: ${name} must be ${fractional ? "a number" : "an integer"} from ${min} to ${max}, not ${String(value)}`);
  }
  return value;
}

function checkFraction(name: string, value: number): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new RangeError(`tenant.advance: ${name} must be from 0 to 1, not ${String(value)}`);
  return value;
}
