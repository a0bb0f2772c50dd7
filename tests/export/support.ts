/** Helpers for the export tests: a tenant and a client on it, the database read back, the sequential walk to compare with. */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createQualysClient, type QualysClient } from "../../src/client.js";
import { ALL_STATUSES } from "../../src/export/options.js";
import { DETECTION_COLUMNS, detectionRows, type Row } from "../../src/export/rows.js";
import { startTenant, type Tenant, type TenantOptions } from "../../src/tenant.js";
import { openSync } from "../support/sqlite-drivers.js";

export const HLD_PATH = "/api/5.0/fo/asset/host/vm/detection/";

export function tempDb(name = "export"): string {
  return join(mkdtempSync(join(tmpdir(), "qualys-export-")), `${name}.db`);
}

/** A tenant and a client on it: VM and WAS (the API server) only, unless `gateway` gives it the tenant's gateway too (CSAM, PCRS). */
export async function tenantWithClient(options: TenantOptions, { gateway = false } = {}): Promise<{ tenant: Tenant; client: QualysClient; close(): Promise<void> }> {
  // The tenant's clock starts at the real time, so "since the last run" compares like with like.
  const tenant = await startTenant({ now: Date.now(), ...options });
  const client = createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url, ...(gateway ? { gateway: tenant.gatewayUrl } : {}) }, rateLimit: { retry: { baseDelayMs: 10 } } });
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
  const db = openSync(path, { readonly: true });
  try {
    const rows = db.prepare(`SELECT ${DETECTION_COLUMNS.join(", ")} FROM detections`).all<Record<string, unknown>>().map((r) => Object.values(r) as Row);
    return sortRows(rows.map(withoutRun));
  } finally {
    db.close();
  }
}

export function query<T = Record<string, unknown>>(path: string, sql: string, ...params: (string | number | null)[]): T[] {
  const db = openSync(path, { readonly: true });
  try {
    // Plain objects (node:sqlite hands out null-prototype rows), so results compare as written.
    return db.prepare(sql).all<Record<string, unknown>>(...params).map((r) => ({ ...r }) as T);
  } finally {
    db.close();
  }
}

/** Whether a Qualys id list ("1-5,9") holds `id`. */
export function holds(ids: string | null, id: number): boolean {
  return (ids ?? "").split(",").some((r) => {
    const [a, b = a] = r.split("-").map(Number);
    return id >= a! && id <= b!;
  });
}

const root = join(import.meta.dirname, "..", "..");

/** The environment a `qualys` process needs to use the tenant (VM and gateway on one URL). */
export const tenantUser = (url: string, gateway = url) => ({ QUALYS_USERNAME: "tenant", QUALYS_PASSWORD: "tenant-password", QUALYS_API_URL: url, QUALYS_GATEWAY_URL: gateway });

export interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `qualys <args>` in its own process (tsx), with only the QUALYS_* variables given. */
export function qualys(args: string[], env: Record<string, string>): { child: ReturnType<typeof spawn>; done: Promise<Child> } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QUALYS_")));
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args], {
    cwd: root,
    env: { ...clean, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "qualys-home-")), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return { child, done: new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))) };
}
