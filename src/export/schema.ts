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
export type Dialect = "sqlite" | "postgres";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: Readonly<Record<Dialect, string>>;
}

const types = {
  sqlite: { time: "TEXT", json: "TEXT", bool: "INTEGER", serial: "INTEGER PRIMARY KEY", bigint: "INTEGER" },
  postgres: { time: "TIMESTAMPTZ", json: "JSONB", bool: "BOOLEAN", serial: "BIGSERIAL PRIMARY KEY", bigint: "BIGINT" },
} as const;

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

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: "hosts, detections, KnowledgeBase, runs and batches", sql: { sqlite: v1("sqlite"), postgres: v1("postgres") } }];

/** The schema version this code writes; a database at a higher version is refused. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
