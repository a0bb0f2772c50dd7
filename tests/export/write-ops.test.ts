/**
 * A detection batch's writes on both engines (SQLite with each driver this Node has, and a real
 * PostgreSQL server), through the store's commit as the export makes them: rows packed as the
 * decode workers send them (v8 for SQLite, COPY text for PostgreSQL) land as they were; a detection
 * key the answer repeats keeps its first row and gains only the CVEs it did not have; an answer
 * holding a host twice, or a host that is not the batch's and already has detections, is merged
 * (first row kept) instead of failing the batch.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectionWriteOps } from "../../src/export/kinds/vm.js";
import { openStore } from "../../src/export/open-store.js";
import { packRows, RowList, type RowFormat } from "../../src/export/row-list.js";
import { DETECTION_COLUMNS, detectionHostRow, detectionRows, type Row } from "../../src/export/rows.js";
import { SqliteStore } from "../../src/export/sqlite-store.js";
import type { ExportStore } from "../../src/export/store.js";
import type { DetectionHost } from "../../src/generated/vm/index.js";
import { query } from "./support.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { SQLITE_DRIVERS } from "../support/sqlite-drivers.js";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

interface Engine {
  readonly store: ExportStore;
  readonly format: RowFormat;
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

let seq = 0;
const engines: [string, () => Promise<Engine>][] = [
  ...SQLITE_DRIVERS.map((driver): [string, () => Promise<Engine>] => [
    `SQLite (${driver})`,
    async () => {
      const path = join(mkdtempSync(join(tmpdir(), "qualys-write-ops-")), "x.db");
      return { store: await SqliteStore.open(path, { driver }), format: "json", rows: async (sql) => query(path, sql) };
    },
  ]),
  [
    "PostgreSQL",
    async () => {
      const url = await server.createDatabase(`write_ops_${++seq}`);
      return {
        store: await openStore(url),
        format: "copy",
        async rows(sql) {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          try {
            return (await c.query(sql)).rows;
          } finally {
            await c.end();
          }
        },
      };
    },
  ],
];

const detection = (qid: number, results: string, cve?: string[]) => ({ qid, type: "Confirmed", severity: 3, status: "Active", results, ...(cve ? { cve } : {}) });
const host = (id: number, detections: object[]): DetectionHost => ({ id, ip: `10.0.0.${id}`, detectionList: detections }) as unknown as DetectionHost;

/** Commits one batch of `hosts` (the batch's ids: `ids`) the way the export does, rows packed in `format` in parts of two. */
async function commit(store: ExportStore, runId: number, firstId: number, ids: number[], hosts: DetectionHost[], format: RowFormat): Promise<void> {
  const detections = new RowList();
  const cves = new RowList();
  for (const h of hosts) {
    const hostCves: Row[] = [];
    detections.add(packRows(detectionRows(h, runId, hostCves), format));
    if (hostCves.length) cves.add(packRows(hostCves, format));
  }
  await store.addBatches(runId, [{ kind: "detections", firstId, lastId: firstId, ids: ids.map(String) }]);
  expect(await store.claim(runId, "detections", "w", 60_000)).toMatchObject({ firstId });
  const held = await store.commit({ runId, kind: "detections", firstId, worker: "w", attempts: 1, records: detections.length }, detectionWriteOps(ids, hosts.map(detectionHostRow), detections, cves, runId));
  expect(held).toBe(true);
}

const stored = (e: Engine) => e.rows("SELECT host_id, qid, results FROM detections ORDER BY host_id, qid").then((r) => r.map((x) => `${x.host_id}/${x.qid}/${x.results}`));
const storedCves = (e: Engine) => e.rows("SELECT host_id, qid, cve_id FROM detection_cves ORDER BY host_id, qid, cve_id").then((r) => r.map((x) => `${x.host_id}/${x.qid}/${x.cve_id}`));

describe.each(engines)("a detection batch's writes: %s", (_name, open) => {
  it("land packed rows as they were, a repeated key keeping its first row and gaining only new CVEs", async () => {
    const e = await open();
    try {
      await e.store.migrate();
      const run = await e.store.createRun({ startedAt: "2026-01-01T00:00:00Z", mode: "full", since: null, what: "detections", options: "{}" });
      await e.store.joinRun(run, { id: "w", host: "here", pid: 1 }, 60_000);
      const text = "tab\there, back\\slash, line\nbreak, \\N, é 😀";
      await commit(e.store, run, 1, [1, 2], [host(1, [detection(10, text, ["CVE-1", "CVE-2"]), detection(11, "b"), detection(10, "repeat", ["CVE-2", "CVE-3"])]), host(2, [detection(10, "c")])], e.format);
      expect(await stored(e)).toEqual([`1/10/${text}`, "1/11/b", "2/10/c"]);
      expect(await storedCves(e)).toEqual(["1/10/CVE-1", "1/10/CVE-2", "1/10/CVE-3"]);
      const [full] = await e.rows(`SELECT ${DETECTION_COLUMNS.filter((c) => c !== "ssl").join(", ")} FROM detections WHERE host_id = 1 AND qid = 10`);
      expect(full).toMatchObject({ type: "Confirmed", severity: 3, status: "Active", port: 0, protocol: "", fqdn: "" });
    } finally {
      await e.store.close();
    }
  });

  it("merge an answer that holds a host twice, or a host not the batch's that has detections already, instead of failing", async () => {
    const e = await open();
    try {
      await e.store.migrate();
      const run = await e.store.createRun({ startedAt: "2026-01-01T00:00:00Z", mode: "full", since: null, what: "detections", options: "{}" });
      await e.store.joinRun(run, { id: "w", host: "here", pid: 1 }, 60_000);
      await commit(e.store, run, 1, [1], [host(1, [detection(10, "first")])], e.format);
      // Host 1 is not batch 2's, and host 2 comes twice: nothing stored is deleted or doubled, the first row stays.
      await commit(e.store, run, 2, [2], [host(2, [detection(20, "a")]), host(1, [detection(10, "again"), detection(12, "new")]), host(2, [detection(20, "b"), detection(21, "c")])], e.format);
      expect(await stored(e)).toEqual(["1/10/first", "1/12/new", "2/20/a", "2/21/c"]);
      expect(await e.rows("SELECT status, records FROM export_batches ORDER BY first_id")).toEqual([
        { status: "done", records: expect.anything() },
        { status: "done", records: expect.anything() },
      ]);
    } finally {
      await e.store.close();
    }
  });
});
