/**
 * Deterministic synthetic contents for an export database (hosts, KB, detections, runs and run
 * stats), shaped like a tenant: skewed QID popularity, a few removed hosts, detections in every
 * status, some QIDs missing from the KB, some open detections without a first-found time, and a
 * KB title full of HTML metacharacters; CSAM assets and WAS web apps and findings beside them.
 * Rows are handed to `sink` table by table, so a bench can write half a million detections
 * without holding them all.
 */

export interface ExportDataOptions {
  readonly hosts: number;
  /** Mean detections per host (each host gets 0.5×–1.5× this many, distinct QIDs). */
  readonly detectionsPerHost: number;
  readonly qids: number;
  readonly runs: number;
  /** Ages are spread back from this instant (`YYYY-MM-DDTHH:MM:SSZ`). */
  readonly asOf: string;
  readonly seed?: number;
  /** Characters of scanner output per detection (the `results` column), for realistic row sizes. */
  readonly resultsChars?: number;
  /** CSAM assets without a VM host, besides one per host. Default hosts / 10. */
  readonly extraAssets?: number;
  /** WAS web apps. Default 15. */
  readonly webApps?: number;
  /** Mean WAS findings per web app (skewed: some have many). Default 12. */
  readonly findingsPerWebApp?: number;
}

export type Value = string | number | boolean | null;
export type TableRows = { readonly table: string; readonly columns: readonly string[]; readonly rows: Value[][] };
export type Sink = (batch: TableRows) => void | Promise<void>;

const DAY = 86_400_000;
const STATUSES = ["New", "Active", "Active", "Active", "Active", "Active", "Re-Opened", "Fixed", "Fixed", "Fixed"] as const;
const OSES = ["Windows Server 2019", "Windows Server 2022", "Windows 11", "Ubuntu 22.04", "Red Hat Enterprise Linux 8", "Debian 12", "macOS 14", "Cisco IOS 15"];
const PRODUCTS = ["OpenSSL", "Apache HTTP Server", "Microsoft Windows", "OpenSSH", "Google Chrome", "Oracle Java SE", "Mozilla Firefox", "nginx", "PHP", "Microsoft Office"];
const KINDS = ["Remote Code Execution", "Privilege Escalation", "Information Disclosure", "Denial of Service", "Security Update Missing", "Cross-Site Scripting"];
/** A KB title that would break a page that forgot to escape it. */
export const HOSTILE_TITLE = `<script>alert("x")</script> & 'Quoted' <b>Title</b>`;

/** mulberry32: tiny, fast, deterministic. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export const HOST_COLUMNS = ["host_id", "asset_id", "ip", "tracking_method", "dns", "netbios", "os", "last_scan_datetime", "first_seen_run", "last_seen_run", "removed_at"];
export const KB_COLUMNS = ["qid", "vuln_type", "severity_level", "title", "category", "patchable", "published_datetime", "cvss3_base"];
export const DETECTION_COLUMNS = [
  "host_id", "qid", "port", "protocol", "fqdn", "ssl", "unique_vuln_id", "type", "severity", "status",
  "first_found_datetime", "last_found_datetime", "last_fixed_datetime", "times_found", "is_ignored", "is_disabled", "results", "run_id",
  "latest_detection_source", "mitre_tactic_id", "mitre_tactic_name",
];
export const RUN_COLUMNS = ["id", "started_at", "finished_at", "status", "mode", "what", "hosts", "detections", "kb"];
export const RUN_STAT_COLUMNS = ["run_id", "severity", "open_detections"];
export const ASSET_COLUMNS = ["asset_id", "host_id", "name", "os", "os_category", "agent_last_checked_in", "sensor_last_updated_date", "first_seen_run", "last_seen_run", "removed_at"];
export const WEBAPP_COLUMNS = ["webapp_id", "name", "url", "first_seen_run", "last_seen_run", "removed_at"];
export const FINDING_COLUMNS = ["finding_id", "qid", "type", "severity", "status", "webapp_id", "first_detected_date", "last_detected_date", "first_seen_run", "last_seen_run", "removed_at"];
/** A web app name that would break a page that forgot to escape it. */
export const HOSTILE_WEBAPP = `<img src=x onerror="alert(1)"> Shop & 'Co'`;
const ASSET_OSES: readonly (readonly [string | null, string | null])[] = [
  ["Microsoft Windows Server 2019 Datacenter", "Windows"], ["Microsoft Windows Server 2022 Standard", "Windows"], ["Microsoft Windows 11 Enterprise", "Windows"],
  ["Ubuntu Linux 22.04", "Linux"], ["Red Hat Enterprise Linux 8.9", "Linux"], ["Debian GNU/Linux 12.5", "Linux"], ["Apple macOS 14", "Mac"], ["Cisco IOS 15", "Network"], [null, null],
];
const WAS_STATUSES = ["NEW", "ACTIVE", "ACTIVE", "ACTIVE", "REOPENED", "FIXED", "FIXED", "PROTECTED", null] as const;
export const PC_POLICY_COLUMNS = ["policy_id", "title", "status", "locked", "last_seen_run"];
export const PC_CONTROL_COLUMNS = ["policy_id", "control_id", "technology_id", "statement", "criticality_label", "criticality_value"];
export const PC_POSTURE_COLUMNS = ["host_id", "policy_id", "control_id", "instance", "posture_id", "technology_id", "status", "last_evaluated_date", "run_id"];

/** ATT&CK tactics the synthetic QIDs map to. */
const TACTICS = [["TA0001", "Initial Access"], ["TA0002", "Execution"], ["TA0004", "Privilege Escalation"], ["TA0006", "Credential Access"], ["TA0008", "Lateral Movement"], ["TA0040", "Impact"]] as const;
/** Latest detection sources, joined by ", " when several (as the export stores HLD 5.0 repeats); null: exported before HLD 5.0. */
const SOURCES = ["Cloud Agent", "Cloud Agent", "Scanner", "Scanner", "Scanner", "Cloud Agent, Scanner", "Passive Sensor", null] as const;
const PC_POLICIES = ["CIS Benchmark for Ubuntu 22.04", "Windows Server 2022 Baseline", "PCI DSS Linux Hardening", HOSTILE_TITLE, "Policy missing from the list"] as const;

/** Writes every table through `sink`, in batches of at most `batchSize` rows. */
export async function generateExportData(options: ExportDataOptions, sink: Sink, batchSize = 5000): Promise<void> {
  const rand = random(options.seed ?? 1);
  const asOf = Date.parse(options.asOf);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const flush = async (table: string, columns: readonly string[], rows: Value[][]) => {
    for (let i = 0; i < rows.length; i += batchSize) await sink({ table, columns, rows: rows.slice(i, i + batchSize) });
  };

  // KB: QIDs 10000, 10007, … ; every 50th is left out of the KB (detections may name QIDs the KB export lacks).
  const qids: { qid: number; severity: number }[] = [];
  const kb: Value[][] = [];
  for (let k = 0; k < options.qids; k++) {
    const qid = 10_000 + k * 7;
    const severity = 1 + Math.min(4, Math.floor(rand() * rand() * 6 + rand() * 2));
    qids.push({ qid, severity });
    if (k % 50 === 49) continue;
    const title = k === 3 ? HOSTILE_TITLE : `${pick(PRODUCTS)} ${pick(KINDS)} Vulnerability (QID ${qid})`;
    kb.push([qid, "Vulnerability", severity, title, pick(["Windows", "Local", "Web server", "General remote services"]), rand() < 0.8, iso(asOf - Math.floor(rand() * 2000) * DAY), Math.round(rand() * 100) / 10]);
  }
  await flush("kb_vulns", KB_COLUMNS, kb);

  const hosts: Value[][] = [];
  const removed = new Set<number>();
  for (let h = 0; h < options.hosts; h++) {
    const hostId = 100_000 + h;
    const gone = h % 37 === 36;
    if (gone) removed.add(hostId);
    const dns = h % 11 === 10 ? null : `host-${String(h).padStart(5, "0")}.corp.example`;
    hosts.push([hostId, 500_000 + h, `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`, "IP", dns, dns ? dns.split(".")[0]!.toUpperCase() : null, pick(OSES), iso(asOf - Math.floor(rand() * 14) * DAY), 1, options.runs, gone ? iso(asOf - 3 * DAY) : null]);
  }
  await flush("hosts", HOST_COLUMNS, hosts);

  const results = "x".repeat(options.resultsChars ?? 120);
  // HLD 5.0 fields from their own random stream: the detections' other values stay what they were.
  const rand5 = random((options.seed ?? 1) + 0x5eed);
  const tacticsOf = new Map<number, { ids: string | null; names: string | null }>();
  const mitre = (qid: number) => {
    let m = tacticsOf.get(qid);
    if (!m) {
      const roll = rand5();
      const first = Math.floor(rand5() * TACTICS.length);
      const picked = roll < 0.2 ? [] : roll < 0.7 ? [TACTICS[first]!] : [TACTICS[first]!, TACTICS[(first + 1 + Math.floor(rand5() * (TACTICS.length - 1))) % TACTICS.length]!];
      m = picked.length ? { ids: picked.map((t) => t[0]).join(", "), names: picked.map((t) => t[1]).join(", ") } : { ids: null, names: null };
      tacticsOf.set(qid, m);
    }
    return m;
  };
  let batch: Value[][] = [];
  let uniqueVulnId = 1;
  const openBySeverityNow = [0, 0, 0, 0, 0, 0];
  for (let h = 0; h < options.hosts; h++) {
    const hostId = 100_000 + h;
    const count = Math.max(0, Math.round(options.detectionsPerHost * (0.5 + rand())));
    const seen = new Set<number>();
    for (let d = 0; d < count && seen.size < qids.length; d++) {
      // Skewed popularity: low QID indexes are common, so the top-20 ranking has clear leaders.
      let index = Math.floor(qids.length * rand() ** 2.2);
      while (seen.has(index)) index = (index + 1) % qids.length;
      seen.add(index);
      const { qid, severity } = qids[index]!;
      const status = pick(STATUSES);
      const firstFound = asOf - Math.floor(rand() * 720 * 24) * 3_600_000 - Math.floor(rand() * 3600) * 1000;
      const noFirstFound = status !== "Fixed" && rand() < 0.004;
      // Urgent findings get fixed sooner: a mean of 10 days at severity 5, 90 at severity 1.
      const fixedAfter = Math.floor(-Math.log(1 - rand()) * (110 - severity * 20) * DAY);
      const fixed = status === "Fixed" ? Math.min(asOf - 3_600_000, firstFound + fixedAfter) : null;
      if (status !== "Fixed" && !removed.has(hostId)) openBySeverityNow[severity]!++;
      batch.push([
        hostId, qid, d % 4 === 0 ? 443 : 0, d % 4 === 0 ? "tcp" : "", "", d % 4 === 0, uniqueVulnId++, "Confirmed", severity, status,
        noFirstFound ? null : iso(firstFound), iso(asOf - Math.floor(rand() * 7) * DAY), fixed === null ? null : iso(Math.max(firstFound, fixed)),
        1 + Math.floor(rand() * 40), false, false, results, options.runs,
        SOURCES[Math.floor(rand5() * SOURCES.length)]!, mitre(qid).ids, mitre(qid).names,
      ]);
      if (batch.length >= batchSize) {
        await sink({ table: "detections", columns: DETECTION_COLUMNS, rows: batch });
        batch = [];
      }
    }
  }
  if (batch.length) await sink({ table: "detections", columns: DETECTION_COLUMNS, rows: batch });

  // Weekly runs, the last one ending just before asOf; one failed run in the middle has no stats.
  const runs: Value[][] = [];
  const stats: Value[][] = [];
  for (let r = 1; r <= options.runs; r++) {
    const finished = asOf - (options.runs - r) * 7 * DAY - 2 * 3_600_000;
    const failed = options.runs > 3 && r === Math.floor(options.runs / 2);
    runs.push([r, iso(finished - 40 * 60_000), failed ? null : iso(finished), failed ? "failed" : "succeeded", r === 1 ? "full" : "incremental", "hosts,detections,kb", options.hosts, 0, 0]);
    if (failed) continue;
    // Earlier runs had more open findings; the last run's stats are today's open counts.
    const factor = 1 + (options.runs - r) * 0.04;
    for (let s = 1; s <= 5; s++) stats.push([r, s, r === options.runs ? openBySeverityNow[s]! : Math.round(openBySeverityNow[s]! * factor * (0.97 + rand() * 0.06))]);
  }
  await flush("export_runs", RUN_COLUMNS, runs);
  await flush("export_run_stats", RUN_STAT_COLUMNS, stats);
  await generateModuleData(options, qids.map((q) => q.qid), flush);
  await generatePosture(options, flush);
}

/**
 * PC posture, from its own random stream: policies (one titled with HTML metacharacters, one with
 * postures but missing from the policy list), 15 controls each (one without control text), and
 * every third host evaluated by one or two policies, some controls on two instances.
 */
async function generatePosture(options: ExportDataOptions, flush: (table: string, columns: readonly string[], rows: Value[][]) => Promise<void>): Promise<void> {
  const rand = random((options.seed ?? 1) + 0x9c);
  const policies = PC_POLICIES.map((title, p) => ({ id: 4_677_689 + p, title }));
  await flush("pc_policies", PC_POLICY_COLUMNS, policies.slice(0, -1).map((p, i) => [p.id, p.title, i === 2 ? "inactive" : "active", i % 2 === 1, options.runs]));
  const controls: Value[][] = [];
  const labels = ["MINIMAL", "MEDIUM", "SERIOUS", "CRITICAL", "URGENT"];
  for (const p of policies) {
    for (let k = 0; k < 15; k++) {
      if (p.id === policies[1]!.id && k === 4) continue;
      // Controls 2000–2009 belong to several policies: the section counts a control across them.
      const control = k < 10 ? 2000 + k : 1000 + (p.id - policies[0]!.id) * 100 + k;
      const level = 1 + ((control * 7) % 5);
      controls.push([p.id, control, 10 + (p.id % 3), `Status of setting ${control}${k === 3 ? " (password length, complexity, history and reuse limits across every local account)" : ""}`, labels[level - 1]!, level]);
    }
  }
  await flush("pc_controls", PC_CONTROL_COLUMNS, controls);
  const posture: Value[][] = [];
  const at = iso(Date.parse(options.asOf) - 86_400_000);
  let id = 0;
  for (let h = 0; h < options.hosts; h += 3) {
    const hostId = 100_000 + h;
    const mine = [policies[h % policies.length]!, ...(h % 2 === 0 ? [policies[(h + 2) % policies.length]!] : [])];
    for (const p of mine) {
      for (let k = 0; k < 15; k++) {
        const control = k < 10 ? 2000 + k : 1000 + (p.id - policies[0]!.id) * 100 + k;
        // Some controls fail far more often than others, so the ranking has leaders.
        const failShare = 0.1 + (k % 5) * 0.12;
        for (const instance of k % 7 === 6 ? ["oracle:1521", "oracle:1522"] : ["os"]) {
          const roll = rand();
          const status = roll < failShare ? "Failed" : roll < failShare + 0.03 ? "Error" : "Passed";
          posture.push([hostId, p.id, control, instance, `${9_007_199_254_740_993n + BigInt(id++)}`, 10 + (p.id % 3), status, at, options.runs]);
        }
      }
    }
  }
  await flush("pc_posture", PC_POSTURE_COLUMNS, posture);
}

/**
 * CSAM assets (one per host, with its host id, and some without a host; some removed; agent and
 * sensor check-ins spread over a year, some never, one after asOf) and WAS web apps and findings
 * (every status, information gathered without one, some removed). Drawn from their own random
 * stream, so the VM rows above stay what they were.
 */
async function generateModuleData(options: ExportDataOptions, qids: readonly number[], flush: (table: string, columns: readonly string[], rows: Value[][]) => Promise<void>): Promise<void> {
  const rand = random((options.seed ?? 1) + 7919);
  const asOf = Date.parse(options.asOf);
  const ago = (maxDays: number) => iso(asOf - Math.floor(rand() * maxDays * 86400) * 1000);
  const assets: Value[][] = [];
  const extra = options.extraAssets ?? Math.round(options.hosts / 10);
  for (let i = 0; i < options.hosts + extra; i++) {
    const [os, category] = ASSET_OSES[Math.floor(rand() ** 1.5 * ASSET_OSES.length)]!;
    const agent = rand() < 0.5;
    const never = i % 53 === 52;
    const checkIn = i === 5 ? iso(asOf + 3_600_000) : never ? null : ago(rand() < 0.7 ? 10 : 400);
    assets.push([
      20_000_000 + i, i < options.hosts ? 100_000 + i : null, `asset-${i}`, os, category,
      agent ? checkIn : null, agent ? ago(400) : checkIn, 1, options.runs, i % 41 === 40 ? iso(asOf - 5 * 86400_000) : null,
    ]);
  }
  await flush("assets", ASSET_COLUMNS, assets);

  const apps: Value[][] = [];
  const findings: Value[][] = [];
  const webApps = options.webApps ?? 15;
  for (let a = 0; a < webApps; a++) {
    const id = 238_480_000 + a * 7;
    apps.push([id, a === 2 ? HOSTILE_WEBAPP : `Web app ${a}`, `https://app${a}.example.com`, 1, options.runs, a % 13 === 12 ? iso(asOf - 86400_000) : null]);
    // The app with the hostile name has many findings, so it is among the top ones.
    const count = Math.round((options.findingsPerWebApp ?? 12) * 2 * (a === 2 ? 1.5 : rand() ** 2));
    for (let f = 0; f < count; f++) {
      const status = WAS_STATUSES[Math.floor(rand() * WAS_STATUSES.length)]!;
      const severity = status === null ? 1 + Math.floor(rand() * 2) : 1 + Math.min(4, Math.floor(rand() * rand() * 6 + rand() * 2));
      const first = asOf - Math.floor(rand() * 300) * 86400_000;
      findings.push([
        18_000_000 + a * 1000 + f, qids[Math.floor(rand() * qids.length)]!, status === null ? "INFORMATION_GATHERED" : "VULNERABILITY", severity, status, id,
        iso(first), iso(first + Math.floor(rand() * 30) * 86400_000), 1, options.runs, (a * 1000 + f) % 37 === 36 ? iso(asOf - 86400_000) : null,
      ]);
    }
  }
  await flush("was_webapps", WEBAPP_COLUMNS, apps);
  await flush("was_findings", FINDING_COLUMNS, findings);
}
