/**
 * WAS as the tenant serves it: web applications (more may be added by steps) and their findings,
 * whose QIDs are the tenant's KnowledgeBase QIDs. Each step rescans some web apps: open findings
 * are found again or fixed, fixed ones may come back, new ones appear. Findings carry the verbose
 * payload results (resultList, base64 request/response, Qualys's `payloadResponce` spelling).
 * Pure: a function of the options and the steps.
 */
import type { KbVuln } from "./kb.js";
import { timeInStep } from "./host-scans.js";
import { MTag, type ModuleSizes } from "./module-keys.js";
import { TAGS, WEB_PARAMS, WEB_PATHS, WEBAPP_NAMES } from "./modules-catalog.js";
import { resultListOf } from "./was-payloads.js";
import { hash, Rng, unit } from "./random.js";
import type { TenantStep } from "./steps.js";
import { DAY_MS, HOUR_MS, qualysDate, toSecond } from "./time.js";

/** What the WAS model needs of the tenant: its steps and its KnowledgeBase. */
export interface KbSource {
  readonly seed: number;
  readonly start: number;
  readonly steps: readonly TenantStep[];
  /** KB size before any step. */
  readonly initialKbSize: number;
  vulns(): readonly KbVuln[];
}

export type FindingStatus = "NEW" | "ACTIVE" | "REOPENED" | "FIXED";
type FindingType = "VULNERABILITY" | "SENSITIVE_CONTENT" | "INFORMATION_GATHERED";

/** A finding's state, as the model keeps it (epoch ms, whole seconds). */
export interface WasFindingState {
  readonly id: number;
  readonly webAppId: number;
  readonly qid: number;
  readonly type: FindingType;
  /** Absent on information-gathered findings. */
  status?: FindingStatus;
  firstDetected: number;
  lastDetected: number;
  lastTested: number;
  updated: number;
  fixed?: number;
  timesDetected: number;
  readonly slot: number;
}

/** A web app's state. */
export interface WasWebAppState {
  readonly id: number;
  readonly index: number;
  readonly created: number;
  updated: number;
  tagStep: number;
  lastScan?: { readonly id: number; readonly at: number };
}

const WEBAPP_BASE = 238_483_000;
const FINDING_BASE = 18_000_000;
const OWNER = { id: 1_170_483, username: "tenant_admin", firstName: "Tenant", lastName: "Admin" };
const CWES = [79, 89, 352, 200, 601, 22, 918, 614];

export class WasModel {
  private cache: { steps: number; apps: WasWebAppState[]; findings: WasFindingState[] } | undefined;

  constructor(
    private readonly tenant: KbSource,
    private readonly sizes: ModuleSizes,
  ) {}

  /** Every web app's state, ascending id. */
  webAppStates(): readonly WasWebAppState[] {
    return this.current().apps;
  }

  /** Every finding's state, ascending id. */
  findingStates(): readonly WasFindingState[] {
    return this.current().findings;
  }

  /** Web apps as search sends them (verbose adds owner names, tag list, scan facts). */
  webApps(verbose = false): Record<string, unknown>[] {
    return this.webAppStates().map((a) => this.renderWebApp(a, verbose));
  }

  /** Findings as search sends them, ascending id. */
  findings(verbose = false): Record<string, unknown>[] {
    const apps = new Map(this.webAppStates().map((a) => [a.id, a]));
    return this.findingStates().map((f) => this.renderFinding(f, apps.get(f.webAppId)!, verbose));
  }

  renderWebApp(a: WasWebAppState, verbose: boolean): Record<string, unknown> {
    const tags = this.appTags(a);
    return {
      id: a.id,
      name: this.appName(a.index),
      url: `https://app${a.index}.example.com`,
      owner: verbose ? { ...OWNER } : { id: OWNER.id },
      tags: verbose ? { count: tags.length, list: tags.map((t) => ({ Tag: t })) } : { count: tags.length },
      createdDate: qualysDate(a.created),
      updatedDate: qualysDate(a.updated),
      ...(verbose
        ? {
            isScheduled: a.index % 3 === 0 ? "true" : "false",
            isScanned: a.lastScan ? "true" : "false",
            scope: "DOMAINS",
            defaultScanner: { type: "EXTERNAL" },
            ...(a.lastScan ? { lastScan: { id: a.lastScan.id, name: `${this.appName(a.index)} scan`, summary: { resultsStatus: "SUCCESSFUL", authStatus: "NONE" } } } : {}),
          }
        : {}),
    };
  }

  renderFinding(f: WasFindingState, app: WasWebAppState, verbose: boolean): Record<string, unknown> {
    const vuln = this.vulnOf(f.qid);
    const rng = new Rng(hash(this.tenant.seed, MTag.finding, f.id));
    const uuid = [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join("")).join("-");
    const path = WEB_PATHS[f.slot % WEB_PATHS.length]!;
    const param = WEB_PARAMS[(f.id >> 3) % WEB_PARAMS.length]!;
    const base = `https://app${app.index}.example.com`;
    const record: Record<string, unknown> = {
      id: f.id,
      uniqueId: uuid,
      qid: f.qid,
      name: vuln?.title ?? `QID ${f.qid}`,
      type: f.type,
      potential: vuln?.vulnType === "Potential Vulnerability" ? "true" : "false",
      findingType: "QUALYS",
      severity: String(vuln?.severity ?? 3),
      firstDetectedDate: qualysDate(f.firstDetected),
      lastDetectedDate: qualysDate(f.lastDetected),
      lastTestedDate: qualysDate(f.lastTested),
      webApp: { id: app.id, name: this.appName(app.index), url: base },
    };
    if (!verbose) return record;
    const cvss = vuln?.cvss3Base ?? 5;
    return {
      ...record,
      ...(f.status ? { status: f.status } : {}),
      url: `${base}${path}`,
      ...(f.type === "INFORMATION_GATHERED" ? {} : { param }),
      timesDetected: f.timesDetected,
      isIgnored: "false",
      cwe: { count: 1, list: [CWES[f.qid % CWES.length]!] },
      cvssV3: { base: cvss, temporal: Math.round(Math.max(0, cvss - 0.4) * 10) / 10, attackVector: "Network" },
      resultList: resultListOf(f, app.index, path, param),
      updatedDate: qualysDate(f.updated),
      ...(f.status === "FIXED" && f.fixed !== undefined ? { fixedDate: qualysDate(f.fixed) } : {}),
    };
  }

  private appName(index: number): string {
    return `${WEBAPP_NAMES[index % WEBAPP_NAMES.length]}${index >= WEBAPP_NAMES.length ? ` ${Math.floor(index / WEBAPP_NAMES.length) + 1}` : ""}`;
  }

  private appTags(a: WasWebAppState): { id: number; name: string }[] {
    const rng = new Rng(hash(this.tenant.seed, MTag.webApp, a.index, a.tagStep));
    const picked = new Set<number>([rng.int(0, 3)]);
    if (rng.chance(0.5)) picked.add(rng.int(0, TAGS.length - 1));
    return [...picked].sort((x, y) => x - y).map((i) => ({ id: TAGS[i]!.id, name: TAGS[i]!.name }));
  }

  /** The KB entry of a QID. */
  vulnOf(qid: number): KbVuln | undefined {
    const vulns = this.tenant.vulns();
    let lo = 0;
    let hi = vulns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const q = vulns[mid]!.qid;
      if (q === qid) return vulns[mid];
      if (q < qid) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private kbSizeAfter(stepIndex: number): number {
    if (stepIndex === 0) return this.tenant.initialKbSize;
    const step = this.tenant.steps[stepIndex - 1]!;
    return step.firstNewIndex + step.newCount;
  }

  /** Replays every web app and finding through the steps (cached until the next step). */
  private current() {
    const steps = this.tenant.steps;
    if (this.cache?.steps === steps.length) return this.cache;
    const seed = this.tenant.seed;
    const vulns = this.tenant.vulns();
    const apps: WasWebAppState[] = [];
    const findings: WasFindingState[] = [];
    const byApp = new Map<number, WasFindingState[]>();

    const addFinding = (app: WasWebAppState, step: number, slot: number, at: number, initial: boolean) => {
      const k = hash(seed, MTag.finding, app.index, step, slot) % this.kbSizeAfter(step);
      const vuln = vulns[k]!;
      const ig = vuln.vulnType === "Information Gathered";
      const type: FindingType = ig ? "INFORMATION_GATHERED" : hash(seed, MTag.finding, app.index, step, slot, 1) % 13 === 0 ? "SENSITIVE_CONTENT" : "VULNERABILITY";
      const rng = new Rng(hash(seed, MTag.finding, app.index, step, slot, 2));
      const f: WasFindingState = {
        id: FINDING_BASE + step * 100_000_000 + app.index * 1000 + slot,
        webAppId: app.id,
        qid: vuln.qid,
        type,
        firstDetected: at,
        lastDetected: at,
        lastTested: at,
        updated: at,
        timesDetected: 1,
        slot,
        ...(ig ? {} : { status: "NEW" as FindingStatus }),
      };
      if (initial) {
        // Found some time before the app's last scan at the start, with a status mix.
        const last = at;
        f.firstDetected = toSecond(last - rng.int(1, 200) * DAY_MS);
        f.timesDetected = 1 + Math.floor((last - f.firstDetected) / (7 * DAY_MS));
        const roll = rng.next();
        if (!ig) {
          if (roll < 0.15) {
            f.status = "NEW";
            f.firstDetected = last;
            f.timesDetected = 1;
          } else if (roll < 0.75) f.status = "ACTIVE";
          else if (roll < 0.92) {
            f.status = "FIXED";
            f.fixed = last;
            f.lastDetected = toSecond(f.firstDetected + (last - f.firstDetected) * 0.6);
          } else f.status = "REOPENED";
        }
      }
      findings.push(f);
      const list = byApp.get(app.id) ?? [];
      list.push(f);
      byApp.set(app.id, list);
    };

    const addApp = (index: number, step: number) => {
      const created = step === 0 ? toSecond(this.tenant.start - (60 + (hash(seed, MTag.webApp, index) % 700)) * DAY_MS) : timeInStep(steps[step - 1]!, seed, MTag.webApp, index, step);
      const app: WasWebAppState = { id: WEBAPP_BASE + index * 11 + (hash(seed, MTag.webApp, index, 1) % 11), index, created, updated: created, tagStep: 0 };
      apps.push(app);
      if (step === 0) {
        const scanAt = toSecond(this.tenant.start - (1 + (hash(seed, MTag.webAppScanTime, index) % 96)) * HOUR_MS);
        app.lastScan = { id: 1_900_000 + index * 1000, at: scanAt };
        const count = Math.min(999, Math.round(this.sizes.findingsPerWebApp * Math.min(6, -Math.log(1 - unit(seed, MTag.findingCount, index)))));
        for (let slot = 0; slot < count; slot++) addFinding(app, 0, slot, scanAt, true);
      }
    };

    for (let i = 0; i < this.sizes.webApps; i++) addApp(i, 0);
    for (const step of steps) {
      const added = Math.round(apps.length * step.hostChurn);
      for (let i = 0; i < added; i++) addApp(apps.length, step.index);
      for (const app of apps) {
        if (unit(seed, MTag.webAppUpdate, app.index, step.index) < step.changeFraction * 0.3 && app.created < step.previousAt) {
          app.tagStep = step.index;
          app.updated = timeInStep(step, seed, MTag.webAppUpdate, app.index, step.index);
        }
        if (unit(seed, MTag.webAppScan, app.index, step.index) >= Math.min(1, step.changeFraction * 3)) continue;
        const at = timeInStep(step, seed, MTag.webAppScanTime, app.index, step.index);
        if (at <= app.created) continue;
        app.lastScan = { id: 1_900_000 + app.index * 1000 + step.index, at };
        for (const f of byApp.get(app.id) ?? []) rescan(f, at, unit(seed, MTag.findingChange, f.id, step.index));
        const fresh = Math.floor(unit(seed, MTag.findingNew, app.index, step.index) * 3);
        for (let slot = 0; slot < fresh; slot++) addFinding(app, step.index, slot, at, false);
      }
    }
    findings.sort((a, b) => a.id - b.id);
    this.cache = { steps: steps.length, apps, findings };
    return this.cache;
  }
}

/** One rescan of a finding: found again (or fixed) or, when fixed, back (or still gone). */
function rescan(f: WasFindingState, at: number, roll: number): void {
  f.lastTested = at;
  if (!f.status) {
    f.lastDetected = at;
    f.timesDetected += 1;
    f.updated = at;
    return;
  }
  if (f.status === "FIXED") {
    if (roll >= 0.05) return;
    f.status = "REOPENED";
    f.fixed = undefined;
  } else if (roll < 0.2) {
    f.status = "FIXED";
    f.fixed = at;
    f.updated = at;
    return;
  } else f.status = "ACTIVE";
  f.lastDetected = at;
  f.timesDetected += 1;
  f.updated = at;
}
