/** Schema v4 (see schema.ts): the PC posture tables. */
import { COLUMN_TYPES as types, type Dialect } from "../db/dialect.js";

/**
 * v4: PC posture from PCRS (pc-posture.md §5). Policies as the policy list gives them (a full run
 * marks those no longer listed removed); control texts once per policy, control and technology
 * (not repeated on every posture); the host fields posture records carry, once per host (PCRS's
 * view of the host: a PC-only subscription has no VM hosts rows); one posture per host, policy,
 * control and instance; evidence in its own table, filled only when asked for. A posture's `id`
 * may pass 2^53 and is only ever an identifier: text, so it stays exact in every driver.
 */
export function postureSchema(d: Dialect): string {
  const t = types[d];
  return `
CREATE TABLE pc_policies (
  policy_id ${t.bigint} PRIMARY KEY,
  subscription_id ${t.bigint},
  title TEXT,
  status TEXT,
  locked ${t.bool},
  created_by TEXT,
  created_date ${t.time},
  modified_by TEXT,
  modified_date ${t.time},
  last_evaluated_date ${t.time},
  include_tags ${t.json},
  include_tags_scope TEXT,
  exclude_tags ${t.json},
  exclude_tags_scope TEXT,
  first_seen_run ${t.bigint},
  last_seen_run ${t.bigint},
  removed_at ${t.time},
  extra ${t.json}
);

CREATE TABLE pc_controls (
  policy_id ${t.bigint} NOT NULL,
  control_id ${t.bigint} NOT NULL,
  technology_id ${t.bigint} NOT NULL DEFAULT 0,
  policy_title TEXT,
  statement TEXT,
  rationale TEXT,
  remediation TEXT,
  reference TEXT,
  technology_name TEXT,
  criticality_label TEXT,
  criticality_value INTEGER,
  run_id ${t.bigint},
  extra ${t.json},
  PRIMARY KEY (policy_id, control_id, technology_id)
);

CREATE TABLE pc_hosts (
  host_id ${t.bigint} PRIMARY KEY,
  asset_id ${t.bigint},
  ip TEXT,
  dns TEXT,
  netbios TEXT,
  os TEXT,
  os_cpe TEXT,
  domain_name TEXT,
  tracking_method TEXT,
  qg_hostid TEXT,
  network_id ${t.bigint},
  network_name TEXT,
  compliance_last_scan_date ${t.time},
  customer_id ${t.bigint},
  customer_uuid TEXT,
  run_id ${t.bigint},
  extra ${t.json}
);

CREATE TABLE pc_posture (
  host_id ${t.bigint} NOT NULL,
  policy_id ${t.bigint} NOT NULL,
  control_id ${t.bigint} NOT NULL,
  instance TEXT NOT NULL DEFAULT '',
  posture_id TEXT,
  technology_id ${t.bigint} NOT NULL DEFAULT 0,
  status TEXT,
  previous_status TEXT,
  first_fail_date ${t.time},
  last_fail_date ${t.time},
  first_pass_date ${t.time},
  last_pass_date ${t.time},
  posture_modified_date ${t.time},
  last_evaluated_date ${t.time},
  created_date ${t.time},
  cause_of_failure ${t.json},
  run_id ${t.bigint},
  extra ${t.json},
  PRIMARY KEY (host_id, policy_id, control_id, instance)
);
CREATE INDEX pc_posture_policy_status ON pc_posture (policy_id, status);
CREATE INDEX pc_posture_control ON pc_posture (policy_id, control_id, technology_id);
CREATE INDEX pc_posture_run ON pc_posture (run_id);

-- Only with --posture-evidence (PCRS evidenceRequired=1): evidence is large.
CREATE TABLE pc_posture_evidence (
  host_id ${t.bigint} NOT NULL,
  policy_id ${t.bigint} NOT NULL,
  control_id ${t.bigint} NOT NULL,
  instance TEXT NOT NULL DEFAULT '',
  evidence ${t.json},
  run_id ${t.bigint},
  PRIMARY KEY (host_id, policy_id, control_id, instance)
);
`;
}
