/**
 * The report's figures computed in plain TypeScript from the generated rows, independent of the
 * report's SQL: what the report must show for a database filled by generateExportData.
 */
import type { TableRows, Value } from "./export-data.js";

type Obj = Record<string, Value>;

export class ExportRows {
  readonly tables = new Map<string, Obj[]>();

  add(batch: TableRows): void {
    const list = this.tables.get(batch.table) ?? [];
    for (const row of batch.rows) list.push(Object.fromEntries(batch.columns.map((c, i) => [c, row[i] ?? null])));
    this.tables.set(batch.table, list);
  }

  rows(table: string): Obj[] {
    return this.tables.get(table) ?? [];
  }
}

const OPEN = new Set(["New", "Active", "Re-Opened"]);
const secs = (iso: Value | undefined) => Date.parse(String(iso)) / 1000;
const byDesc = (a: number, b: number) => b - a;

/** PostgreSQL's percentile_cont: linear interpolation between the nearest ranks. */
export function percentileCont(sorted: readonly number[], p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const frac = pos - lo;
  return frac === 0 ? sorted[lo]! : sorted[lo]! * (1 - frac) + sorted[lo + 1]! * frac;
}

export function oracle(data: ExportRows, asOf: string, since?: string) {
  const hosts = new Map(data.rows("hosts").map((h) => [h.host_id as number, h]));
  const active = [...hosts.values()].filter((h) => h.removed_at === null);
  const open = data.rows("detections").filter((d) => OPEN.has(String(d.status)) && hosts.get(d.host_id as number)?.removed_at === null);
  const kb = new Map(data.rows("kb_vulns").map((k) => [k.qid as number, k]));
  const severities = [...new Set(open.map((d) => d.severity as number))].sort(byDesc);

  const runs = data.rows("export_runs").filter((r) => r.status === "succeeded" && (!since || secs(r.finished_at) >= secs(since)));
  const lastRun = data.rows("export_runs").filter((r) => r.status === "succeeded").sort((a, b) => (b.id as number) - (a.id as number))[0];

  const summary = {
    active_hosts: active.length,
    open_detections: open.length,
    affected_hosts: new Set(open.map((d) => d.host_id)).size,
    open_sev45: open.filter((d) => (d.severity as number) >= 4).length,
    open_qids: new Set(open.map((d) => d.qid)).size,
    last_run_id: lastRun?.id ?? null,
    last_run_finished_at: lastRun?.finished_at ?? null,
  };

  const bySeverity = severities.map((s) => {
    const at = open.filter((d) => d.severity === s);
    return { severity: s, open_detections: at.length, hosts: new Set(at.map((d) => d.host_id)).size };
  });

  const perQid = new Map<number, Obj[]>();
  for (const d of open) perQid.set(d.qid as number, [...(perQid.get(d.qid as number) ?? []), d]);
  const topQids = [...perQid.entries()]
    .map(([qid, list]) => ({
      qid,
      title: kb.get(qid)?.title ?? null,
      severity: Math.max(...list.map((d) => d.severity as number)),
      hosts: new Set(list.map((d) => d.host_id)).size,
      open_detections: list.length,
    }))
    .sort((a, b) => b.hosts - a.hosts || b.open_detections - a.open_detections || a.qid - b.qid)
    .slice(0, 20);

  const asOfSecs = secs(asOf);
  const ageing = severities.map((s) => {
    const ages = open.filter((d) => d.severity === s).map((d) => (d.first_found_datetime === null ? null : asOfSecs - secs(d.first_found_datetime)));
    const count = (f: (a: number) => boolean) => ages.filter((a) => a !== null && f(a)).length;
    return {
      severity: s,
      days_0_30: count((a) => a < 31 * 86400),
      days_31_90: count((a) => a >= 31 * 86400 && a < 91 * 86400),
      days_91_180: count((a) => a >= 91 * 86400 && a < 181 * 86400),
      days_over_180: count((a) => a >= 181 * 86400),
      unknown_age: ages.filter((a) => a === null).length,
      open_detections: ages.length,
    };
  });

  const fixed = data
    .rows("detections")
    .filter((d) => d.status === "Fixed" && d.last_fixed_datetime !== null && d.first_found_datetime !== null && (!since || secs(d.last_fixed_datetime) >= secs(since)));
  const timeToFix = [...new Set(fixed.map((d) => d.severity as number))].sort(byDesc).map((s) => {
    const days = fixed
      .filter((d) => d.severity === s)
      .map((d) => (secs(d.last_fixed_datetime) - secs(d.first_found_datetime)) / 86400)
      .sort((a, b) => a - b);
    return { severity: s, fixed_detections: days.length, median_days: percentileCont(days, 0.5), p90_days: percentileCont(days, 0.9) };
  });

  const stats = data.rows("export_run_stats");
  const trend = runs
    .sort((a, b) => (a.id as number) - (b.id as number))
    .filter((r) => stats.some((s) => s.run_id === r.id))
    .map((r) => {
      const at = (sev: number) => stats.filter((s) => s.run_id === r.id && s.severity === sev).reduce((n, s) => n + (s.open_detections as number), 0);
      return { run_id: r.id, run_at: r.finished_at, sev5: at(5), sev4: at(4), sev3: at(3), sev2: at(2), sev1: at(1), total: at(5) + at(4) + at(3) + at(2) + at(1) };
    });

  const perHost = new Map<number, { sev5: number; sev4: number }>();
  for (const d of open) {
    if ((d.severity as number) < 4) continue;
    const h = perHost.get(d.host_id as number) ?? { sev5: 0, sev4: 0 };
    if (d.severity === 5) h.sev5++;
    else h.sev4++;
    perHost.set(d.host_id as number, h);
  }
  const topHosts = [...perHost.entries()]
    .map(([id, c]) => {
      const h = hosts.get(id)!;
      return { host_id: id, ip: h.ip, dns: h.dns, os: h.os, sev5: c.sev5, sev4: c.sev4, open_sev45: c.sev5 + c.sev4 };
    })
    .sort((a, b) => b.open_sev45 - a.open_sev45 || b.sev5 - a.sev5 || a.host_id - b.host_id)
    .slice(0, 20);

  return {
    summary, "by-severity": bySeverity, "top-qids": topQids, ageing, "time-to-fix": timeToFix, trend, "top-hosts": topHosts,
    "mitre-tactics": mitreTactics(open), "detection-sources": detectionSources(open), ...posture(data), ...moduleFigures(data, asOf),
  } as Record<string, Record<string, unknown>[] | Record<string, unknown>>;
}

/** A detection's cell split into its values (stored joined by ", "); none for NULL or "". */
const values = (cell: Value | undefined): string[] => (typeof cell === "string" && cell ? cell.split(", ") : []);
const textOrder = (a: Value | undefined, b: Value | undefined) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

/** Per value: the open detections holding it (each once per value) and their hosts; the ones with none last. */
function countValues(open: Obj[], split: (d: Obj) => { key: string; name?: string }[]) {
  const per = new Map<string, { names: string[]; detections: number; hosts: Set<unknown> }>();
  const none = { detections: 0, hosts: new Set<unknown>() };
  for (const d of open) {
    const parts = split(d);
    if (!parts.length) {
      none.detections++;
      none.hosts.add(d.host_id);
    }
    for (const { key, name } of parts) {
      const entry = per.get(key) ?? { names: [], detections: 0, hosts: new Set() };
      entry.detections++;
      entry.hosts.add(d.host_id);
      if (name) entry.names.push(name);
      per.set(key, entry);
    }
  }
  const rows = [...per.entries()].sort(([ka, a], [kb, b]) => b.detections - a.detections || textOrder(ka, kb));
  return { rows, none };
}

function mitreTactics(open: Obj[]) {
  const { rows, none } = countValues(open, (d) => {
    const names = values(d.mitre_tactic_name);
    return values(d.mitre_tactic_id).map((key, i) => ({ key, name: names[i] }));
  });
  return [
    ...rows.map(([id, e]) => ({ tactic_id: id, tactic_name: e.names.sort(textOrder).at(-1) ?? null, open_detections: e.detections, hosts: e.hosts.size })),
    ...(none.detections ? [{ tactic_id: null, tactic_name: null, open_detections: none.detections, hosts: none.hosts.size }] : []),
  ];
}

function detectionSources(open: Obj[]) {
  const { rows, none } = countValues(open, (d) => values(d.latest_detection_source).map((key) => ({ key })));
  return [
    ...rows.map(([source, e]) => ({ source, open_detections: e.detections, hosts: e.hosts.size })),
    ...(none.detections ? [{ source: null, open_detections: none.detections, hosts: none.hosts.size }] : []),
  ];
}

/** PC pass rate per policy and the most failed controls, from the generated posture. */
function posture(data: ExportRows) {
  const rows = data.rows("pc_posture");
  const titles = new Map(data.rows("pc_policies").map((p) => [p.policy_id, p.title]));
  const byPolicy = new Map<Value | undefined, Obj[]>();
  for (const r of rows) byPolicy.set(r.policy_id, [...(byPolicy.get(r.policy_id) ?? []), r]);
  const passRate = [...byPolicy.entries()]
    .map(([policyId, list]) => {
      const n = (status: string) => list.filter((r) => r.status === status).length;
      return {
        policy_id: policyId, title: titles.get(policyId) ?? null, hosts: new Set(list.map((r) => r.host_id)).size, postures: list.length,
        passed: n("Passed"), failed: n("Failed"), errors: n("Error"), pass_rate: Math.round((1000 * n("Passed")) / list.length) / 10,
      };
    })
    .sort((a, b) => a.pass_rate - b.pass_rate || (a.policy_id as number) - (b.policy_id as number));

  const controls = new Map(data.rows("pc_controls").map((c) => [`${c.policy_id}|${c.control_id}|${c.technology_id}`, c]));
  const byControl = new Map<number, Obj[]>();
  for (const r of rows) byControl.set(r.control_id as number, [...(byControl.get(r.control_id as number) ?? []), r]);
  const failedControls = [...byControl.entries()]
    .map(([controlId, list]) => {
      const texts = list.map((r) => controls.get(`${r.policy_id}|${r.control_id}|${r.technology_id}`)).filter((c) => c !== undefined);
      const failing = list.filter((r) => r.status === "Failed");
      return {
        control_id: controlId,
        statement: texts.map((c) => c.statement).sort(textOrder).at(-1) ?? null,
        criticality: texts.length ? Math.max(...texts.map((c) => c.criticality_value as number)) : null,
        failing_hosts: new Set(failing.map((r) => r.host_id)).size,
        hosts: new Set(list.map((r) => r.host_id)).size,
        failed_postures: failing.length,
      };
    })
    .filter((c) => c.failed_postures > 0)
    .sort((a, b) => b.failing_hosts - a.failing_hosts || b.failed_postures - a.failed_postures || a.control_id - b.control_id)
    .slice(0, 20);
  return { "pc-pass-rate": passRate, "pc-failed-controls": failedControls };
}

const count = <T>(list: readonly T[], f: (x: T) => boolean) => list.filter(f).length;
/** Byte order, as SQLite and a C-locale PostgreSQL sort text. */
const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The CSAM and WAS sections' figures. */
function moduleFigures(data: ExportRows, asOf: string) {
  const assets = data.rows("assets").filter((a) => a.removed_at === null);
  const byOs = new Map<string, Obj[]>();
  for (const a of assets) byOs.set((a.os as string | null) ?? "(unknown)", [...(byOs.get((a.os as string | null) ?? "(unknown)") ?? []), a]);
  const assetsByOs = [...byOs.entries()]
    .map(([os, list]) => {
      const categories = list.map((a) => a.os_category as string | null).filter((c): c is string => c !== null).sort(text);
      return { os, os_category: categories.at(-1) ?? null, assets: list.length, vm_hosts: count(list, (a) => a.host_id !== null) };
    })
    .sort((a, b) => b.assets - a.assets || text(a.os, b.os))
    .slice(0, 25);

  const day = 86400;
  const byCategory = new Map<string, (number | null)[]>();
  for (const a of assets) {
    const at = a.agent_last_checked_in ?? a.sensor_last_updated_date;
    const key = (a.os_category as string | null) ?? "(unknown)";
    byCategory.set(key, [...(byCategory.get(key) ?? []), at === null ? null : secs(asOf) - secs(at)]);
  }
  const checkIn = [...byCategory.entries()]
    .map(([category, ages]) => {
      const n = (f: (s: number) => boolean) => count(ages, (s) => s !== null && f(s));
      return {
        category, under_1_day: n((s) => s < day), days_1_7: n((s) => s >= day && s < 7 * day), days_7_30: n((s) => s >= 7 * day && s < 30 * day),
        days_30_90: n((s) => s >= 30 * day && s < 90 * day), over_90_days: n((s) => s >= 90 * day), unknown_check_in: count(ages, (s) => s === null), assets: ages.length,
      };
    })
    .sort((a, b) => b.assets - a.assets || text(a.category, b.category));

  const apps = new Map(data.rows("was_webapps").map((w) => [w.webapp_id as number, w]));
  const present = data.rows("was_findings").filter((f) => f.removed_at === null && apps.get(f.webapp_id as number)?.removed_at === null);
  const withStatus = present.filter((f) => f.status !== null);
  const isOpen = (f: Obj) => ["NEW", "ACTIVE", "REOPENED"].includes(f.status as string);
  const wasBySeverity = [...new Set(withStatus.map((f) => f.severity as number))]
    .sort(byDesc)
    .map((severity) => {
      const at = withStatus.filter((f) => f.severity === severity);
      return {
        severity, new: count(at, (f) => f.status === "NEW"), active: count(at, (f) => f.status === "ACTIVE"), reopened: count(at, (f) => f.status === "REOPENED"),
        open_findings: count(at, isOpen), fixed: count(at, (f) => f.status === "FIXED"), all_findings: at.length, web_apps: new Set(at.filter(isOpen).map((f) => f.webapp_id)).size,
      };
    });

  const perApp = new Map<number, Obj[]>();
  for (const f of present.filter(isOpen)) perApp.set(f.webapp_id as number, [...(perApp.get(f.webapp_id as number) ?? []), f]);
  const wasByWebApp = [...perApp.entries()]
    .map(([id, list]) => {
      const w = apps.get(id)!;
      const sev = (f: (s: number) => boolean) => count(list, (x) => f(x.severity as number));
      return { webapp_id: id, name: w.name, sev5: sev((s) => s === 5), sev4: sev((s) => s === 4), sev3: sev((s) => s === 3), sev1_2: sev((s) => s <= 2), open_findings: list.length };
    })
    .sort((a, b) => b.open_findings - a.open_findings || b.sev5 - a.sev5 || a.webapp_id - b.webapp_id)
    .slice(0, 20);

  return { "assets-by-os": assetsByOs, "assets-check-in": checkIn, "was-by-severity": wasBySeverity, "was-by-webapp": wasByWebApp };
}
