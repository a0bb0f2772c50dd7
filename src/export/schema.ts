/**
 * The export database's schema, as ordered migrations for both engines. `qualys export` fills it,
 * `qualys report` reads it, and users query it with their own tools, so names are plain SQL
 * (snake_case, no quoting needed) and every column a report or a join needs is typed; whatever
 * Qualys sends that has no column lands in `extra` (JSON), so nothing is lost.
 *
 * Times: SQLite keeps ISO-8601 UTC text (`2024-05-01T12:00:00Z`, sorts and compares as text and
 * works with julianday()); PostgreSQL keeps timestamptz.
 *
 * Natural keys: a host is its Qualys host id; a detection is (host, QID, port, protocol, FQDN, SSL),
 * the identity Qualys reports a detection by (UNIQUE_VULN_ID is kept too but is not always sent);
 * a KB entry is its QID.
 */
import { COLUMN_TYPES as types, type Dialect } from "../db/dialect.js";
import type { Migration } from "../db/migrate.js";
import { postureSchema } from "./schema-posture.js";
import { v3 } from "./schema-v3.js";

export type { Dialect, Migration };

function v1(d: Dialect): string {
  const t = types[d];
  return `
CREATE TABLE export_runs (
  id ${t.serial},
  started_at ${t.time} NOT NULL,
  finished_at ${t.time},
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  mode TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
  since ${t.time},
  what TEXT NOT NULL,
  options ${t.json},
  hosts ${t.bigint} NOT NULL DEFAULT 0,
  detections ${t.bigint} NOT NULL DEFAULT 0,
  kb ${t.bigint} NOT NULL DEFAULT 0,
  error TEXT
);

CREATE TABLE export_batches (
  run_id ${t.bigint} NOT NULL REFERENCES export_runs (id),
  kind TEXT NOT NULL CHECK (kind IN ('hosts', 'detections', 'kb')),
  first_id ${t.bigint} NOT NULL,
  last_id ${t.bigint} NOT NULL,
  ids ${t.json},
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  records ${t.bigint} NOT NULL DEFAULT 0,
  error TEXT,
  claimed_by TEXT,
  lease_until ${t.time},
  updated_at ${t.time},
  PRIMARY KEY (run_id, kind, first_id)
);

CREATE TABLE hosts (
  host_id ${t.bigint} PRIMARY KEY,
  asset_id ${t.bigint},
  ip TEXT,
  ipv6 TEXT,
  tracking_method TEXT,
  network_id ${t.bigint},
  dns TEXT,
  netbios TEXT,
  os TEXT,
  qg_hostid TEXT,
  last_scan_datetime ${t.time},
  last_vm_scanned_date ${t.time},
  last_vm_scanned_duration INTEGER,
  last_vm_auth_scanned_date ${t.time},
  last_pc_scanned_date ${t.time},
  first_seen_run ${t.bigint},
  last_seen_run ${t.bigint},
  removed_at ${t.time},
  extra ${t.json}
);

CREATE TABLE detections (
  host_id ${t.bigint} NOT NULL,
  qid ${t.bigint} NOT NULL,
  port INTEGER NOT NULL DEFAULT 0,
  protocol TEXT NOT NULL DEFAULT '',
  fqdn TEXT NOT NULL DEFAULT '',
  ssl ${t.bool} NOT NULL DEFAULT ${d === "sqlite" ? "0" : "FALSE"},
  unique_vuln_id ${t.bigint},
  type TEXT,
  severity INTEGER,
  status TEXT,
  first_found_datetime ${t.time},
  last_found_datetime ${t.time},
  last_test_datetime ${t.time},
  last_update_datetime ${t.time},
  last_fixed_datetime ${t.time},
  last_processed_datetime ${t.time},
  times_found INTEGER,
  is_ignored ${t.bool},
  is_disabled ${t.bool},
  qds INTEGER,
  results TEXT,
  run_id ${t.bigint},
  extra ${t.json},
  PRIMARY KEY (host_id, qid, port, protocol, fqdn, ssl)
);
CREATE INDEX detections_qid ON detections (qid);
CREATE INDEX detections_status_severity ON detections (status, severity);

CREATE TABLE kb_vulns (
  qid ${t.bigint} PRIMARY KEY,
  vuln_type TEXT,
  severity_level INTEGER,
  title TEXT,
  category TEXT,
  patchable ${t.bool},
  published_datetime ${t.time},
  last_service_modification_datetime ${t.time},
  cvss_base REAL,
  cvss3_base REAL,
  diagnosis TEXT,
  consequence TEXT,
  solution TEXT,
  run_id ${t.bigint},
  extra ${t.json}
);

CREATE TABLE kb_cves (
  qid ${t.bigint} NOT NULL,
  cve_id TEXT NOT NULL,
  url TEXT,
  PRIMARY KEY (qid, cve_id)
);

CREATE TABLE kb_vendor_refs (
  qid ${t.bigint} NOT NULL,
  ref_id TEXT NOT NULL,
  url TEXT,
  PRIMARY KEY (qid, ref_id)
);

CREATE TABLE kb_bugtraqs (
  qid ${t.bigint} NOT NULL,
  bugtraq_id TEXT NOT NULL,
  url TEXT,
  PRIMARY KEY (qid, bugtraq_id)
);

-- Open detections per severity at the end of each successful run: the report's trend.
CREATE TABLE export_run_stats (
  run_id ${t.bigint} NOT NULL REFERENCES export_runs (id),
  severity INTEGER NOT NULL,
  open_detections ${t.bigint} NOT NULL,
  PRIMARY KEY (run_id, severity)
);

-- The obvious questions, as views: open = New, Active or Re-Opened, on hosts still present.
${openViews()}`;
}

/**
 * The views over detections, recreated whenever detections gains columns (PostgreSQL fixes a
 * view's `*` when it is created). Applied migrations never change: a later view gets a new function.
 */
function openViews(): string {
  return `
CREATE VIEW open_detections AS
  SELECT d.* FROM detections d JOIN hosts h ON h.host_id = d.host_id
  WHERE d.status IN ('New', 'Active', 'Re-Opened') AND h.removed_at IS NULL;
CREATE VIEW open_by_severity AS
  SELECT severity, COUNT(*) AS open_detections, COUNT(DISTINCT host_id) AS hosts
  FROM open_detections GROUP BY severity;
CREATE VIEW open_by_qid AS
  SELECT o.qid, k.title, MAX(o.severity) AS severity, COUNT(DISTINCT o.host_id) AS hosts, COUNT(*) AS open_detections
  FROM open_detections o LEFT JOIN kb_vulns k ON k.qid = o.qid GROUP BY o.qid, k.title;
CREATE VIEW open_by_host AS
  SELECT h.host_id, h.ip, h.dns, h.os, COUNT(o.qid) AS open_detections,
    SUM(CASE WHEN o.severity >= 4 THEN 1 ELSE 0 END) AS open_sev45
  FROM hosts h JOIN open_detections o ON o.host_id = h.host_id GROUP BY h.host_id, h.ip, h.dns, h.os;
`;
}

const DROP_VIEWS = "DROP VIEW IF EXISTS open_by_host; DROP VIEW IF EXISTS open_by_qid; DROP VIEW IF EXISTS open_by_severity; DROP VIEW IF EXISTS open_detections;";

/**
 * v2: runs shared by several processes (batch claims, leases, workers), bad hosts isolated by
 * bisection, batches of any kind with a cursor for the kinds that page by one (CSAM, WAS), and the
 * Host List Detection 5.0 / KnowledgeBase 3.0+ fields: latest detection source, MITRE ATT&CK
 * tactic and technique, TruRisk elimination status, the detection's CVEs, the patch publication date;
 * and the indexes the report reads instead of the table (detections_open, detections_fixed).
 */
function v2(d: Dialect): string {
  const t = types[d];
  // SQLite cannot drop a CHECK constraint: export_batches is rebuilt, its rows kept.
  const batches =
    d === "sqlite"
      ? `
CREATE TABLE export_batches_v2 (
  run_id ${t.bigint} NOT NULL REFERENCES export_runs (id),
  kind TEXT NOT NULL,
  first_id ${t.bigint} NOT NULL,
  last_id ${t.bigint} NOT NULL,
  ids ${t.json},
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  records ${t.bigint} NOT NULL DEFAULT 0,
  error TEXT,
  claimed_by TEXT,
  lease_until ${t.time},
  updated_at ${t.time},
  generation INTEGER NOT NULL DEFAULT 0,
  cursor TEXT,
  PRIMARY KEY (run_id, kind, first_id)
);
INSERT INTO export_batches_v2 (run_id, kind, first_id, last_id, ids, status, attempts, records, error, claimed_by, lease_until, updated_at)
  SELECT run_id, kind, first_id, last_id, ids, status, attempts, records, error, claimed_by, lease_until, updated_at FROM export_batches;
DROP TABLE export_batches;
ALTER TABLE export_batches_v2 RENAME TO export_batches;`
      : `
ALTER TABLE export_batches DROP CONSTRAINT IF EXISTS export_batches_kind_check;
ALTER TABLE export_batches ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE export_batches ADD COLUMN cursor TEXT;`;
  return `${DROP_VIEWS}
${batches}
CREATE INDEX export_batches_claim ON export_batches (run_id, kind, status);

ALTER TABLE export_runs ADD COLUMN totals ${t.json};
ALTER TABLE export_runs ADD COLUMN bad_hosts ${t.bigint} NOT NULL DEFAULT 0;
ALTER TABLE export_runs ADD COLUMN invalid_utf8 ${t.bigint} NOT NULL DEFAULT 0;

-- Every process taking part in a run; its lease lapses when it stops renewing it (killed, cut off).
CREATE TABLE export_workers (
  run_id ${t.bigint} NOT NULL REFERENCES export_runs (id),
  worker_id TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at ${t.time} NOT NULL,
  heartbeat_at ${t.time} NOT NULL,
  lease_until ${t.time} NOT NULL,
  finished_at ${t.time},
  batches ${t.bigint} NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, worker_id)
);

-- Hosts Qualys could not serve (every answer holding them broke off or stalled), found by
-- splitting their batch; every other host of the batch was written. The next run tries them first.
CREATE TABLE export_bad_hosts (
  host_id ${t.bigint} NOT NULL,
  kind TEXT NOT NULL,
  run_id ${t.bigint} NOT NULL,
  error TEXT,
  attempts INTEGER NOT NULL,
  recorded_at ${t.time} NOT NULL,
  resolved_run ${t.bigint},
  PRIMARY KEY (host_id, kind)
);

ALTER TABLE detections ADD COLUMN latest_detection_source TEXT;
ALTER TABLE detections ADD COLUMN detection_sources TEXT;
ALTER TABLE detections ADD COLUMN mitre_tactic_id TEXT;
ALTER TABLE detections ADD COLUMN mitre_tactic_name TEXT;
ALTER TABLE detections ADD COLUMN mitre_technique_id TEXT;
ALTER TABLE detections ADD COLUMN mitre_technique_name TEXT;
ALTER TABLE detections ADD COLUMN trurisk_elimination_status TEXT;

-- The CVEs Host List Detection 5.0 reports on a detection (a QID may map to several).
CREATE TABLE detection_cves (
  host_id ${t.bigint} NOT NULL,
  qid ${t.bigint} NOT NULL,
  port INTEGER NOT NULL DEFAULT 0,
  protocol TEXT NOT NULL DEFAULT '',
  fqdn TEXT NOT NULL DEFAULT '',
  ssl ${t.bool} NOT NULL DEFAULT ${t.false},
  cve_id TEXT NOT NULL,
  PRIMARY KEY (host_id, qid, port, protocol, fqdn, ssl, cve_id)
);
CREATE INDEX detection_cves_cve ON detection_cves (cve_id);

ALTER TABLE kb_vulns ADD COLUMN patch_published_datetime ${t.time};

-- What the report and the open_* views read, in two partial indexes holding every column they
-- need: open detections by host (summary, severities, top QIDs and hosts, ageing) and fixed ones
-- by severity (time to fix). The report then reads ~1/10 of what a scan of detections reads, the
-- scan results text being most of each row. Each detection is in one of the two, so together
-- they cost a write what the (status, severity) index they replace did.
DROP INDEX detections_status_severity;
CREATE INDEX detections_open ON detections (host_id, severity, qid, first_found_datetime, status) WHERE status IN ('New', 'Active', 'Re-Opened');
CREATE INDEX detections_fixed ON detections (severity, first_found_datetime, last_fixed_datetime) WHERE status = 'Fixed';
${openViews()}`;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "hosts, detections, KnowledgeBase, runs and batches", sql: { sqlite: v1("sqlite"), postgres: v1("postgres") } },
  { version: 2, name: "shared runs, bad hosts, HLD 5.0 and KB 3.0+ fields", sql: { sqlite: v2("sqlite"), postgres: v2("postgres") } },
  { version: 3, name: "CSAM assets, WAS web apps and findings", sql: { sqlite: v3("sqlite"), postgres: v3("postgres") } },
  { version: 4, name: "PC posture", sql: { sqlite: postureSchema("sqlite"), postgres: postureSchema("postgres") } },
];

/** The schema version this code writes; a database at a higher version is refused. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
