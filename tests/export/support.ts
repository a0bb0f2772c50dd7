/** Helpers for the export tests: a tenant and a client on it, the database read back, the sequential walk to compare with. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createQualysClient, type QualysClient } from "../../src/client.js";
import { ALL_STATUSES } from "../../src/export/options.js";
import { DETECTION_COLUMNS, detectionRows, type Row } from "../../src/export/rows.js";
import { startTenant, type Tenant, type TenantOptions } from "../../src/tenant.js";

export const HLD_PATH = "/api/5.0/fo/asset/host/vm/detection/";

export function tempDb(name = "export"): string {
  return join(mkdtempSync(join(tmpdir(), "qualys-export-")), `${name}.db`);
}

export async function tenantWithClient(options: TenantOptions): Promise<{ tenant: Tenant; client: QualysClient; close(): Promise<void> }> {
  // The tenant's clock starts at the real time, so "since the last run" compares like with like.
  const tenant = await startTenant({ now: Date.now(), ...options });
  const client = createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url }, rateLimit: { retry: { baseDelayMs: 10 } } });
  return { tenant, client, close: async () => { await client.close(); await tenant.close(); } };
}

const KEY = (r: Row) => `${r[0]}|${r[1]}|${r[2]}|${r[3]}|${r[4]}|${r[5]}`;
const sortRows = (rows: Row[]) => rows.sort((a, b) => (KEY(a) < KEY(b) ? -1 : KEY(a) > KEY(b) ? 1 : 0));

/** Every detection row a plain truncation walk of the HLD gives (what the export must hold), run_id left out. */
export async function walkDetections(client: QualysClient): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const host of client.vm.listHostDetections({ truncation_limit: 150, status: ALL_STATUSES })) for (const row of detectionRows(host, 0)) rows.push(withoutRun(row));
  return sortRows(rows);
}

const RUN = DETECTION_COLUMNS.indexOf("run_id");
const withoutRun = (row: Row): Row => row.filter((_, i) => i !== RUN);

export function dbDetections(path: string): Row[] {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare(`SELECT ${DETECTION_COLUMNS.join(", ")} FROM detections`).raw().all() as Row[];
    return sortRows(rows.map(withoutRun));
  } finally {
    db.close();
  }
}

export function query<T = Record<string, unknown>>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
