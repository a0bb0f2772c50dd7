/**
 * A host's scan history and detections, replayed from its birth through every step: the initial
 * state spreads first-found dates over ~400 days with a New/Active/Fixed/Re-Opened mix; each step
 * rescans a share of the hosts, fixing, re-opening and adding detections at that scan's time.
 * Pure: the same (seed, candidate, steps) always gives the same records.
 */
import { SERVICES } from "./catalog.js";
import { detectionAdditions, mitreOf, type MitreMapping } from "./current-fields.js";
import type { KbVuln } from "./kb.js";
import { hash, Rng, Tag, unit } from "./random.js";
import type { TenantStep } from "./steps.js";
import { DAY_MS, MINUTE_MS, toSecond } from "./time.js";

export type DetectionStatus = "New" | "Active" | "Fixed" | "Re-Opened";
export type DetectionType = "Confirmed" | "Potential" | "Info";

export interface TenantDetection {
  uniqueVulnId: number;
  qid: number;
  type: DetectionType;
  severity: number;
  port?: number;
  protocol?: string;
  ssl: boolean;
  results: string;
  status: DetectionStatus;
  /** Epoch ms, whole seconds. */
  firstFound: number;
  lastFound: number;
  qds: number;
  qdsSeverity: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
  timesFound: number;
  lastTest: number;
  lastUpdate: number;
  lastFixed?: number;
  firstReopened?: number;
  lastReopened?: number;
  timesReopened?: number;
  lastProcessed: number;
  /** HLD 5.0 (current-fields.ts): the QID's CVEs, the sensors that found it, its ATT&CK mapping, its TruRisk Eliminate status. */
  cves: readonly string[];
  detectionSources: readonly string[];
  latestDetectionSource: string;
  mitre: readonly MitreMapping[];
  truriskEliminationStatus: string;
}

export interface HostScans {
  /** LAST_VM_SCANNED_DATE: when the last VM scan ran. */
  lastVmScanned: number;
  /** LAST_SCAN_DATETIME: when its results were processed (what vm_processed_after filters on). */
  lastProcessed: number;
  lastVmScannedDuration: number;
  lastVmAuthScanned?: number;
}

export interface SimulatedHost {
  readonly scans: HostScans;
  readonly detections: readonly TenantDetection[];
}

export interface SimulationContext {
  readonly seed: number;
  readonly detectionsPerHost: number;
  /** Model time before any step. */
  readonly start: number;
  readonly steps: readonly TenantStep[];
  /** KB size before any step (the initial detections draw from it). */
  readonly kbSize: number;
  vuln(index: number): KbVuln;
}

/** Slots per host in UNIQUE_VULN_ID: candidate * SLOTS + slot. */
const SLOTS = 4096;
const TYPE_OF: Record<KbVuln["vulnType"], DetectionType> = { Vulnerability: "Confirmed", "Potential Vulnerability": "Potential", "Information Gathered": "Info" };

/** How many detections a host starts with: exponential around the average (a few heavy hosts, ~2 % with none). */
export function initialDetectionCount(seed: number, c: number, average: number): number {
  const u = unit(seed, Tag.detectionCount, c);
  return Math.min(SLOTS / 2, Math.round(average * Math.min(8, -Math.log(1 - u))));
}

/** Replays host candidate c, born at step `born` (0: in the initial population), through ctx.steps. */
export function simulateHost(ctx: SimulationContext, c: number, born: number, authenticated: boolean): SimulatedHost {
  const hostRng = new Rng(hash(ctx.seed, Tag.scan, c));
  const bornAt = born === 0 ? ctx.start : ctx.steps[born - 1]!.at;
  const bornFrom = born === 0 ? ctx.start - 7 * DAY_MS : ctx.steps[born - 1]!.previousAt;
  // The host's latest scan before (or in) its birth step.
  const firstScan = toSecond(bornFrom + (bornAt - bornFrom) * (0.1 + 0.8 * hostRng.next()));
  const scans: HostScans = scanAt(hostRng, firstScan, bornAt, authenticated);
  const detections: TenantDetection[] = [];
  const used = new Set<number>();
  const kbSizeAtBirth = born === 0 ? ctx.kbSize : kbSizeAfter(ctx, born);
  // A host has each QID at most once: never more detections than QIDs.
  const count = Math.min(kbSizeAtBirth, initialDetectionCount(ctx.seed, c, ctx.detectionsPerHost));
  for (let slot = 0; slot < count; slot++) {
    const vuln = ctx.vuln(pickIndex(ctx.seed, c, slot, kbSizeAtBirth, used));
    detections.push(born === 0 ? initialDetection(ctx, c, slot, vuln, scans) : newDetection(ctx, c, slot, vuln, scans));
  }
  let nextSlot = count;
  for (let s = born; s < ctx.steps.length; s++) {
    const step = ctx.steps[s]!;
    if (unit(ctx.seed, Tag.scan, c, step.index) >= step.changeFraction) continue;
    const rng = new Rng(hash(ctx.seed, Tag.change, c, step.index));
    const scanned = toSecond(step.previousAt + (step.at - step.previousAt) * (0.1 + 0.8 * rng.next()));
    Object.assign(scans, scanAt(rng, scanned, step.at, authenticated));
    for (const d of detections) rescan(d, rng, scans);
    const added = Math.round(rng.next() * Math.max(1, ctx.detectionsPerHost * 0.08));
    const kbSize = kbSizeAfter(ctx, step.index);
    for (let i = 0; i < added && nextSlot < SLOTS && used.size < kbSize; i++, nextSlot++) {
      const vuln = ctx.vuln(pickIndex(ctx.seed, c, nextSlot, kbSize, used));
      detections.push(newDetection(ctx, c, nextSlot, vuln, scans));
    }
  }
  return { scans, detections };
}

function kbSizeAfter(ctx: SimulationContext, stepIndex: number): number {
  const step = ctx.steps[stepIndex - 1]!;
  return step.firstNewIndex + step.newCount;
}

/** A KB index for this slot, distinct from the host's other detections. */
function pickIndex(seed: number, c: number, slot: number, kbSize: number, used: Set<number>): number {
  let k = hash(seed, Tag.detection, c, slot) % kbSize;
  while (used.has(k)) k = (k + 1) % kbSize;
  used.add(k);
  return k;
}

function scanAt(rng: Rng, scanned: number, limit: number, authenticated: boolean): HostScans {
  const duration = rng.int(60, 1800);
  const processed = toSecond(Math.min(limit, scanned + duration * 1000 + rng.int(2, 30) * MINUTE_MS));
  return { lastVmScanned: scanned, lastProcessed: Math.max(processed, scanned), lastVmScannedDuration: duration, ...(authenticated ? { lastVmAuthScanned: scanned } : {}) };
}

function base(ctx: SimulationContext, c: number, slot: number, vuln: KbVuln, rng: Rng): Omit<TenantDetection, "status" | "firstFound" | "lastFound" | "timesFound" | "lastTest" | "lastUpdate" | "lastProcessed"> {
  // Drawn from their own hashes: the 2.0-era fields below come out as they always did.
  const additions = { cves: vuln.cves, ...detectionAdditions(ctx.seed, c, slot), mitre: mitreOf(ctx.seed, vuln.qid, vuln.vulnType === "Information Gathered") };
  const service = rng.chance(0.4) ? rng.pick(SERVICES) : undefined;
  const qds = Math.max(1, Math.min(100, Math.round(vuln.cvss3Base * 10 + rng.int(-8, 8))));
  return {
    uniqueVulnId: c * SLOTS + slot + 1,
    qid: vuln.qid,
    type: TYPE_OF[vuln.vulnType],
    severity: vuln.severity,
    ...(service ? { port: service.port, protocol: service.protocol } : {}),
    ssl: service?.ssl ?? false,
    results: resultsText(rng, vuln, service?.port),
    qds,
    qdsSeverity: qds >= 90 ? "CRITICAL" : qds >= 70 ? "HIGH" : qds >= 40 ? "MEDIUM" : "LOW",
    ...additions,
  };
}

function initialDetection(ctx: SimulationContext, c: number, slot: number, vuln: KbVuln, scans: HostScans): TenantDetection {
  const rng = new Rng(hash(ctx.seed, Tag.detection, c, slot, 1));
  const last = scans.lastVmScanned;
  const processed = scans.lastProcessed;
  const firstFound = toSecond(last - rng.int(1, 400) * DAY_MS - rng.int(0, 86_399) * 1000);
  const timesBetween = (from: number, to: number) => 1 + Math.floor((to - from) / (7 * DAY_MS));
  const roll = rng.next();
  const d = { ...base(ctx, c, slot, vuln, rng), lastTest: last, lastProcessed: processed } as TenantDetection;
  if (roll < 0.08) return { ...d, status: "New", firstFound: last, lastFound: last, timesFound: 1, lastUpdate: processed };
  if (roll < 0.7) return { ...d, status: "Active", firstFound, lastFound: last, timesFound: 1 + timesBetween(firstFound, last), lastUpdate: processed };
  // Fixed (or fixed and found again): fixed some time between first found and the last scan.
  const fixed = toSecond(firstFound + (last - firstFound) * (0.2 + 0.75 * rng.next()));
  const lastFound = toSecond(Math.max(firstFound, fixed - rng.int(1, 14) * DAY_MS));
  if (roll < 0.92) {
    return { ...d, status: "Fixed", firstFound, lastFound, timesFound: timesBetween(firstFound, lastFound), lastFixed: fixed, lastUpdate: toSecond(fixed + 10 * MINUTE_MS) };
  }
  const reopened = toSecond(fixed + (last - fixed) * rng.next());
  return {
    ...d,
    status: "Re-Opened",
    firstFound,
    lastFound: last,
    timesFound: timesBetween(firstFound, lastFound) + timesBetween(reopened, last),
    lastFixed: fixed,
    firstReopened: reopened,
    lastReopened: reopened,
    timesReopened: 1,
    lastUpdate: processed,
  };
}

function newDetection(ctx: SimulationContext, c: number, slot: number, vuln: KbVuln, scans: HostScans): TenantDetection {
  const rng = new Rng(hash(ctx.seed, Tag.detection, c, slot, 1));
  const at = scans.lastVmScanned;
  return { ...base(ctx, c, slot, vuln, rng), status: "New", firstFound: at, lastFound: at, timesFound: 1, lastTest: at, lastUpdate: scans.lastProcessed, lastProcessed: scans.lastProcessed };
}

/** One rescan of a detection: open ones are found again or fixed, fixed ones may come back. */
function rescan(d: TenantDetection, rng: Rng, scans: HostScans): void {
  const at = scans.lastVmScanned;
  const roll = rng.next();
  d.lastTest = at;
  d.lastProcessed = scans.lastProcessed;
  if (d.status === "Fixed") {
    if (roll >= 0.05) return;
    d.status = "Re-Opened";
    d.firstReopened ??= at;
    d.lastReopened = at;
    d.timesReopened = (d.timesReopened ?? 0) + 1;
  } else if (roll < 0.25) {
    d.status = "Fixed";
    d.lastFixed = at;
    d.lastUpdate = scans.lastProcessed;
    return;
  } else {
    d.status = "Active";
  }
  d.lastFound = at;
  d.timesFound += 1;
  d.lastUpdate = scans.lastProcessed;
}

function resultsText(rng: Rng, vuln: KbVuln, port: number | undefined): string {
  if (vuln.vulnType === "Information Gathered") {
    return Array.from({ length: rng.int(1, 6) }, () => `${rng.int(1, 65535)}\t${rng.pick(["tcp", "udp"])}\tunknown service`).join("\n");
  }
  const version = `${rng.int(1, 12)}.${rng.int(0, 20)}.${rng.int(0, 99)}`;
  switch (rng.int(0, 3)) {
    case 0:
      return `KB${rng.int(5_000_000, 5_099_999)} is not installed\n%windir%\\system32\\${vuln.product.split(" ").pop()!.toLowerCase()}.dll  Version is  ${version}`;
    case 1:
      return `${vuln.product} ${version} detected${port ? ` on port ${port}` : ""} & fixed version > installed version`;
    case 2:
      return `Vulnerable package\tInstalled Version\tRequired Version\n${vuln.product.toLowerCase().replace(/ /g, "-")}\t${version}\t${version}-${rng.int(1, 9)}`;
    default:
      return `TLSv1.0 is supported & "enabled" < TLSv1.2 ${"]]>"}at ${rng.int(1, 9)}`;
  }
}
