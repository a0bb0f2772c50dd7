/**
 * A database written by schema v1 (qualys-ts before shared runs and HLD 5.0) upgrades in place on
 * the next `qualys export`, on both engines: every row kept, the new columns empty, the views
 * answering as before, and a v1 run left unfinished resumed by the new code.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { exportSubscription } from "../../src/export.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/export/schema.js";
import { ALL_STATUSES } from "../../src/export/options.js";
import { toRanges } from "../../src/export/id-set.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { SQLITE_DRIVERS } from "../support/sqlite-drivers.js";
import { tenantWithClient } from "./support.js";

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

/** What a v1 export left: one finished run with its rows, and a second run killed with batches pending. */
function v1Rows(hostIds: readonly number[], pgTime: boolean): string {
  const t = (iso: string) => (pgTime ? `TIMESTAMPTZ '${iso}'` : `'${iso}'`);
  const b = (v: boolean) => (pgTime ? (v ? "TRUE" : "FALSE") : v ? "1" : "0");
  const options = JSON.stringify({ filters: { status: ALL_STATUSES }, batchSize: 100 });
  const batches = [];
  for (let i = 0; i < hostIds.length; i += 100) {
    const part = hostIds.slice(i, i + 100);
    for (const kind of ["hosts", "detections"]) batches.push(`(2, '${kind}', ${part[0]}, ${part[part.length - 1]}, '${JSON.stringify(toRanges(part))}', 'pending', 0, 0)`);
  }
  return `
INSERT INTO export_runs (id, started_at, finished_at, status, mode, since, what, options, hosts, detections, kb)
  VALUES (1, ${t("2026-05-01T00:00:00Z")}, ${t("2026-05-01T00:10:00Z")}, 'succeeded', 'full', NULL, 'hosts,detections', '${options}', 2, 3, 0),
         (2, ${t("2026-06-01T00:00:00Z")}, NULL, 'running', 'full', NULL, 'hosts,detections', '${options}', 0, 0, 0);
INSERT INTO hosts (host_id, ip, dns, os, first_seen_run, last_seen_run, extra) VALUES (${hostIds[0]}, '10.0.0.1', 'a.example', 'Linux', 1, 1, '{"cloudProvider":"AWS"}'), (99999999, '10.9.9.9', 'gone.example', 'Windows', 1, 1, NULL);
INSERT INTO detections (host_id, qid, port, protocol, fqdn, ssl, type, severity, status, first_found_datetime, run_id, extra)
  VALUES (99999999, 38170, 443, 'tcp', '', ${b(true)}, 'Confirmed', 4, 'Active', ${t("2026-04-01T00:00:00Z")}, 1, NULL),
         (99999999, 105943, 0, '', '', ${b(false)}, 'Potential', 3, 'New', ${t("2026-04-02T00:00:00Z")}, 1, '{"qds":{"severity":"LOW"}}'),
         (99999999, 11, 0, '', '', ${b(false)}, 'Confirmed', 5, 'Fixed', ${t("2026-03-02T00:00:00Z")}, 1, NULL);
INSERT INTO kb_vulns (qid, title, severity_level) VALUES (38170, 'SSL Certificate - Self-Signed', 2);
INSERT INTO kb_cves (qid, cve_id, url) VALUES (38170, 'CVE-2000-0001', NULL);
INSERT INTO export_run_stats (run_id, severity, open_detections) VALUES (1, 4, 1), (1, 3, 1);
INSERT INTO export_batches (run_id, kind, first_id, last_id, ids, status, attempts, records) VALUES ${batches.join(", ")};
`;
}

const engines: [string, (name: string) => Promise<string>][] = [
  ...SQLITE_DRIVERS.map((driver): [string, (name: string) => Promise<string>] => [
    `SQLite (${driver})`,
    async (name) => {
      process.env.QUALYS_SQLITE_DRIVER = driver;
      return `sqlite:${join(mkdtempSync(join(tmpdir(), "qualys-migrate-")), `${name}.db`)}`;
    },
  ]),
  ["PostgreSQL", (name) => pg.createDatabase(name)],
];

let seq = 0;
describe.each(engines)("schema v1 upgrade: %s", (_name, newDb) => {
  it("keeps every v1 row, answers the views as before, and resumes the v1 run left unfinished", async () => {
    const t = await tenantWithClient({ hosts: 300, detectionsPerHost: 3, kbSize: 20, seed: 23 });
    const url = await newDb(`migrate_${++seq}`);
    try {
      const dialect = url.startsWith("sqlite:") ? "sqlite" : "postgres";
      const db = await openDatabase(url);
      await db.exec(`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
        INSERT INTO schema_version VALUES (1, '${MIGRATIONS[0]!.name}', '2026-05-01T00:00:00Z');`);
      await db.exec(MIGRATIONS[0]!.sql[dialect]);
      await db.exec(v1Rows(t.tenant.model.hostIds(), dialect === "postgres"));
      const before = {
        open: await db.all("SELECT severity, open_detections, hosts FROM open_by_severity ORDER BY severity"),
        detections: await db.all("SELECT host_id, qid, port, protocol, severity, status FROM detections ORDER BY qid"),
        host: await db.all("SELECT host_id, ip, dns, os, extra FROM hosts WHERE host_id = 99999999"),
        kb: await db.all("SELECT qid, title FROM kb_vulns"),
      };
      await db.close();

      const summary = await exportSubscription(t.client, { db: url, batchSize: 100, decodeThreads: 0, what: ["hosts", "detections"], backoffMs: () => 5 });
      // The v1 run, killed with its batches pending, is the one finished now.
      expect(summary).toMatchObject({ runId: 2, resumed: true, hosts: 300 });

      const after = await openDatabase(url, { readonly: true });
      try {
        expect(await after.all("SELECT MAX(version) AS v FROM schema_version")).toEqual([{ v: SCHEMA_VERSION }]);
        // The host the subscription no longer has keeps its v1 rows, marked removed by the (full) run.
        expect(await after.all("SELECT host_id, ip, dns, os, extra FROM hosts WHERE host_id = 99999999")).toEqual(before.host);
        expect(await after.all("SELECT COUNT(*) AS n FROM hosts WHERE host_id = 99999999 AND removed_at IS NOT NULL")).toEqual([{ n: 1 }]);
        expect(await after.all("SELECT host_id, qid, port, protocol, severity, status FROM detections WHERE host_id = 99999999 ORDER BY qid")).toEqual(before.detections);
        expect(await after.all("SELECT qid, title FROM kb_vulns")).toEqual(before.kb);
        expect(await after.all("SELECT latest_detection_source, mitre_tactic_name, trurisk_elimination_status FROM detections WHERE host_id = 99999999")).toEqual([
          { latest_detection_source: null, mitre_tactic_name: null, trurisk_elimination_status: null },
          { latest_detection_source: null, mitre_tactic_name: null, trurisk_elimination_status: null },
          { latest_detection_source: null, mitre_tactic_name: null, trurisk_elimination_status: null },
        ]);
        // The views answer on the upgraded tables: the removed host's detections no longer count as open.
        expect(before.open).toEqual([{ severity: 3, open_detections: 1, hosts: 1 }, { severity: 4, open_detections: 1, hosts: 1 }]);
        expect(await after.all("SELECT COUNT(*) AS n FROM open_detections WHERE host_id = 99999999")).toEqual([{ n: 0 }]);
        expect(await after.all("SELECT COUNT(*) AS n FROM open_detections")).toEqual(await after.all("SELECT COUNT(*) AS n FROM detections d JOIN hosts h ON h.host_id = d.host_id WHERE h.removed_at IS NULL AND d.status IN ('New', 'Active', 'Re-Opened')"));
        expect(await after.all("SELECT id, status FROM export_runs ORDER BY id")).toEqual([{ id: 1, status: "succeeded" }, { id: 2, status: "succeeded" }]);
        // v4's PC posture tables are there, empty: this run did not ask for posture.
        for (const table of ["pc_policies", "pc_controls", "pc_hosts", "pc_posture", "pc_posture_evidence"]) expect(await after.all(`SELECT COUNT(*) AS n FROM ${table}`), table).toEqual([{ n: 0 }]);
        expect(await after.all("SELECT COUNT(*) AS n FROM export_batches WHERE generation <> 0 OR status <> 'done'")).toEqual([{ n: 0 }]);
      } finally {
        await after.close();
      }
    } finally {
      delete process.env.QUALYS_SQLITE_DRIVER;
      await t.close();
    }
  }, 120_000);
});
