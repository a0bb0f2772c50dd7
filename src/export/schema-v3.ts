/** Schema v3 of the export database (see schema.ts): CSAM assets, WAS web apps and findings. */
import { COLUMN_TYPES as types, type Dialect } from "../db/dialect.js";

/**
 * v3: CSAM assets and WAS web apps and findings. An asset's repeating sections (software, open
 * ports, tags, network interfaces, volumes, user accounts) are child tables keyed by the asset and
 * the item's place in Qualys's list, replaced whole whenever the asset is written; so are a web
 * app's tags and a finding's results (one row per payload). Software ids are 64-bit and pass 2^53:
 * kept as text, exact. `assets.host_id` is the VM host (joins hosts); `was_findings.qid` joins
 * kb_vulns. Rows seen by a full run get its id in last_seen_run; the ones it did not see are marked
 * removed_at.
 */
export function v3(d: Dialect): string {
  const t = types[d];
  const seen = `run_id ${t.bigint},
  first_seen_run ${t.bigint},
  last_seen_run ${t.bigint},
  removed_at ${t.time},
  extra ${t.json}`;
  return `
CREATE TABLE assets (
  asset_id ${t.bigint} PRIMARY KEY,
  asset_uuid TEXT,
  host_id ${t.bigint},
  agent_id TEXT,
  name TEXT,
  asset_type TEXT,
  address TEXT,
  dns_name TEXT,
  netbios_name TEXT,
  os TEXT,
  os_category TEXT,
  os_publisher TEXT,
  hardware TEXT,
  hardware_category TEXT,
  total_memory ${t.bigint},
  cpu_count INTEGER,
  risk_score INTEGER,
  created_date ${t.time},
  last_modified_date ${t.time},
  sensor_last_updated_date ${t.time},
  last_boot ${t.time},
  agent_last_checked_in ${t.time},
  inventory_source TEXT,
  inventory_last_updated ${t.time},
  ${seen}
);
CREATE INDEX assets_host ON assets (host_id);
CREATE INDEX assets_os ON assets (os);

CREATE TABLE asset_software (
  asset_id ${t.bigint} NOT NULL,
  seq INTEGER NOT NULL,
  software_id TEXT,
  full_name TEXT,
  software_type TEXT,
  publisher TEXT,
  version TEXT,
  install_date ${t.time},
  last_updated ${t.time},
  is_ignored ${t.bool},
  is_package ${t.bool},
  lifecycle_stage TEXT,
  extra ${t.json},
  PRIMARY KEY (asset_id, seq)
);
CREATE INDEX asset_software_id ON asset_software (software_id);
CREATE INDEX asset_software_name ON asset_software (full_name);

CREATE TABLE asset_open_ports (
  asset_id ${t.bigint} NOT NULL,
  seq INTEGER NOT NULL,
  port INTEGER,
  protocol TEXT,
  detected_service TEXT,
  first_found ${t.time},
  last_updated ${t.time},
  extra ${t.json},
  PRIMARY KEY (asset_id, seq)
);
CREATE INDEX asset_open_ports_port ON asset_open_ports (port);

CREATE TABLE asset_tags (
  asset_id ${t.bigint} NOT NULL,
  seq INTEGER NOT NULL,
  tag_id ${t.bigint},
  tag_name TEXT,
  business_impact TEXT,
  criticality_score INTEGER,
  extra ${t.json},
  PRIMARY KEY (asset_id, seq)
);
CREATE INDEX asset_tags_tag ON asset_tags (tag_id);

CREATE TABLE asset_network_interfaces (
  asset_id ${t.bigint} NOT NULL,
  seq INTEGER NOT NULL,
  interface_name TEXT,
  mac_address TEXT,
  ipv4 TEXT,
  ipv6 TEXT,
  gateway_address TEXT,
  extra ${t.json},
  PRIMARY KEY (asset_id, seq)
);

CREATE TABLE asset_volumes (
  asset_id ${t.bigint} NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT,
  size ${t.bigint},
  free ${t.bigint},
  extra ${t.json},
  PRIMARY KEY (asset_id, seq)
);

CREATE TABLE asset_user_accounts (
  asset_id ${t.bigint} NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT,
  extra ${t.json},
  PRIMARY KEY (asset_id, seq)
);

CREATE TABLE was_webapps (
  webapp_id ${t.bigint} PRIMARY KEY,
  name TEXT,
  url TEXT,
  owner_id ${t.bigint},
  owner_username TEXT,
  is_scheduled ${t.bool},
  is_scanned ${t.bool},
  scope TEXT,
  risk_score INTEGER,
  created_date ${t.time},
  updated_date ${t.time},
  last_scan_id ${t.bigint},
  last_scan_results_status TEXT,
  ${seen}
);

CREATE TABLE was_webapp_tags (
  webapp_id ${t.bigint} NOT NULL,
  seq INTEGER NOT NULL,
  tag_id ${t.bigint},
  tag_name TEXT,
  PRIMARY KEY (webapp_id, seq)
);
CREATE INDEX was_webapp_tags_tag ON was_webapp_tags (tag_id);

CREATE TABLE was_findings (
  finding_id ${t.bigint} PRIMARY KEY,
  unique_id TEXT,
  qid ${t.bigint},
  name TEXT,
  type TEXT,
  finding_type TEXT,
  potential ${t.bool},
  severity INTEGER,
  status TEXT,
  webapp_id ${t.bigint},
  url TEXT,
  param TEXT,
  cwe TEXT,
  cvss3_base ${t.real},
  cvss3_temporal ${t.real},
  times_detected INTEGER,
  is_ignored ${t.bool},
  first_detected_date ${t.time},
  last_detected_date ${t.time},
  last_tested_date ${t.time},
  updated_date ${t.time},
  fixed_date ${t.time},
  ${seen}
);
CREATE INDEX was_findings_qid ON was_findings (qid);
CREATE INDEX was_findings_webapp ON was_findings (webapp_id);
CREATE INDEX was_findings_status_severity ON was_findings (status, severity);

-- One row per payload of each result (a result without payloads: one row, payload columns empty).
-- Request headers and body, and the response, are kept as Qualys sends them (base64).
CREATE TABLE was_finding_results (
  finding_id ${t.bigint} NOT NULL,
  result_seq INTEGER NOT NULL,
  payload_seq INTEGER NOT NULL,
  access_path TEXT,
  payload TEXT,
  request_method TEXT,
  request_link TEXT,
  request_headers TEXT,
  request_body TEXT,
  response TEXT,
  response_offset INTEGER,
  response_length INTEGER,
  extra ${t.json},
  PRIMARY KEY (finding_id, result_seq, payload_seq)
);

-- Open WAS findings (NEW, ACTIVE, REOPENED) of web apps still present.
CREATE VIEW open_was_findings AS
  SELECT f.* FROM was_findings f JOIN was_webapps w ON w.webapp_id = f.webapp_id
  WHERE f.status IN ('NEW', 'ACTIVE', 'REOPENED') AND f.removed_at IS NULL AND w.removed_at IS NULL;
`;
}
