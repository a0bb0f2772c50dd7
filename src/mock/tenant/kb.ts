/**
 * The synthetic KnowledgeBase: QID k of the tenant is a pure function of (seed, k, the steps
 * so far). QIDs rise with k; steps publish new QIDs and touch the service-modification date of
 * some old ones, so `last_modified_after` has something to return.
 */
import { CATEGORIES, FLAWS, IG_TITLES, PRODUCTS, VENDOR_PREFIXES } from "./catalog.js";
import { patchPublishedOf } from "./current-fields.js";
import { hash, Rng, Tag, unit } from "./random.js";
import { DAY_MS, HOUR_MS, toSecond } from "./time.js";

export type VulnType = "Vulnerability" | "Potential Vulnerability" | "Information Gathered";

export interface KbVuln {
  readonly qid: number;
  readonly vulnType: VulnType;
  readonly severity: 1 | 2 | 3 | 4 | 5;
  readonly title: string;
  readonly category: string;
  /** Epoch ms, whole seconds. */
  readonly published: number;
  readonly lastServiceModification: number;
  readonly patchable: boolean;
  /** KB 3.0+ PATCH_PUBLISHED_DATE (patchable QIDs only). */
  readonly patchPublished?: number;
  readonly cves: readonly string[];
  readonly vendorReferences: readonly string[];
  readonly diagnosis: string;
  readonly consequence: string;
  readonly solution: string;
  /** CVSS v2 and v3.1 base scores, one decimal. */
  readonly cvssBase: number;
  readonly cvss3Base: number;
  readonly product: string;
}

/** What a KB step needs to know: when it happened and how much changed. */
export interface KbStep {
  readonly at: number;
  readonly previousAt: number;
  readonly changeFraction: number;
  /** QIDs published by this step: indexes [firstIndex, firstIndex + count). */
  readonly firstNewIndex: number;
  readonly newCount: number;
}

const QID_BASE = 10_000;
const QID_STRIDE = 5;

/** The QID of KB index k: strictly rising, with small irregular gaps as real QIDs have. */
export function qidAt(seed: number, k: number): number {
  return QID_BASE + k * QID_STRIDE + (hash(seed, Tag.kbGap, k) % QID_STRIDE);
}

/** The KB index of a QID, or undefined when no index has it. */
export function indexOfQid(seed: number, qid: number): number | undefined {
  const k = Math.floor((qid - QID_BASE) / QID_STRIDE);
  return k >= 0 && qidAt(seed, k) === qid ? k : undefined;
}

/** KB index k as of `now`, after `steps` (in order). `birth` is the step that published it (0: initial). */
export function vulnAt(seed: number, k: number, now: number, birth: number, steps: readonly KbStep[]): KbVuln {
  const rng = new Rng(hash(seed, Tag.vuln, k));
  const qid = qidAt(seed, k);
  const roll = rng.next();
  const vulnType: VulnType = roll < 0.7 ? "Vulnerability" : roll < 0.9 ? "Potential Vulnerability" : "Information Gathered";
  const ig = vulnType === "Information Gathered";
  const severity = (ig ? rng.int(1, 3) : weightedSeverity(rng.next())) as KbVuln["severity"];
  const product = rng.pick(PRODUCTS);
  const reference = vendorRef(rng, qid);
  const title = ig ? rng.pick(IG_TITLES) : `${product} ${rng.pick(FLAWS)} (${reference})`;
  const category = rng.pick(CATEGORIES);
  const bornAt = birth === 0 ? now : steps[birth - 1]!.at;
  // The initial KB spans ten years; a QID published by a step came out just before it.
  const published = toSecond(birth === 0 ? bornAt - rng.int(30, 3650) * DAY_MS - rng.int(0, 86_399) * 1000 : bornAt - rng.int(1, 20) * HOUR_MS);
  let lastServiceModification = toSecond(birth === 0 ? Math.min(bornAt - DAY_MS, published + rng.int(0, 400) * DAY_MS) : published + HOUR_MS);
  for (let s = birth; s < steps.length; s++) {
    const step = steps[s]!;
    if (unit(seed, Tag.kbChange, k, s + 1) < step.changeFraction * 0.05) {
      lastServiceModification = toSecond(step.previousAt + (step.at - step.previousAt) * (0.1 + 0.8 * unit(seed, Tag.kbChange, k, s + 1, 1)));
    }
  }
  const cvss3Base = Math.round(Math.min(10, Math.max(0.1, severity * 2 - 0.5 + rng.next() * 1.8)) * 10) / 10;
  const cvssBase = Math.round(Math.min(10, Math.max(0.1, cvss3Base - 0.8 + rng.next())) * 10) / 10;
  const year = new Date(published).getUTCFullYear();
  const cves = ig ? [] : Array.from({ length: rng.int(1, 3) }, () => `CVE-${year}-${rng.int(1000, 49_999)}`);
  const vendorReferences = ig ? [] : [reference];
  const patchable = !ig && rng.chance(0.8);
  const patchPublished = patchPublishedOf(seed, k, published, patchable);
  return {
    qid,
    vulnType,
    severity,
    title,
    category,
    published,
    lastServiceModification,
    patchable,
    ...(patchPublished === undefined ? {} : { patchPublished }),
    cves: [...new Set(cves)],
    vendorReferences,
    diagnosis: ig ? `The host answered the ${category} probe.` : `${product} before the fixed release is affected. <P>A crafted request can trigger the flaw &amp; the check compares versions (affected &lt; fixed).`,
    consequence: ig ? "N/A" : `Successful exploitation allows an attacker to compromise the ${product} service.`,
    solution: ig ? "N/A" : `Customers are advised to apply the vendor update for ${product}. <A HREF="https://vendor.example/${qid}" TARGET="_blank">Advisory</A>`,
    cvssBase,
    cvss3Base,
    product,
  };
}

function weightedSeverity(u: number): number {
  // Real KBs hold mostly 2–4.
  return u < 0.08 ? 1 : u < 0.3 ? 2 : u < 0.65 ? 3 : u < 0.88 ? 4 : 5;
}

function vendorRef(rng: Rng, qid: number): string {
  const prefix = VENDOR_PREFIXES[qid % VENDOR_PREFIXES.length]!;
  return `${prefix}-${2015 + (qid % 11)}-${String(rng.int(1, 9999)).padStart(4, "0")}`;
}
