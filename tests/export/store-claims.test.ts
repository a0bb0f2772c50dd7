/**
 * The export stores' claim protocol on both engines (SQLite with each driver this Node has, and a
 * real PostgreSQL server): a batch is held by one worker at a time, a lapsed lease (a worker on
 * another machine that stopped renewing it) frees it for another, a write by a worker that lost
 * its batch lands nothing, a split keeps the batch's key and adds the rest, and the run is
 * finished once however many workers try.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/export/open-store.js";
import { SqliteStore } from "../../src/export/sqlite-store.js";
import type { ExportStore, WorkerIdentity } from "../../src/export/store.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { SQLITE_DRIVERS } from "../support/sqlite-drivers.js";

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

const remote = (n: number): WorkerIdentity => ({ id: `elsewhere-${n}:4242:abcd`, host: `elsewhere-${n}`, pid: 4242 });
const op = (hostId: number) => ({ op: "upsert" as const, table: "hosts", columns: ["host_id", "ip"], key: ["host_id"], onConflict: "DO UPDATE SET ip = excluded.ip", rows: [[hostId, `10.0.0.${hostId}`]] });

let seq = 0;
const engines: [string, () => Promise<ExportStore>][] = [
  ...SQLITE_DRIVERS.map((driver): [string, () => Promise<ExportStore>] => [`SQLite (${driver})`, () => SqliteStore.open(join(mkdtempSync(join(tmpdir(), "qualys-claims-")), "x.db"), { driver })]),
  ["PostgreSQL", async () => openStore(await pg.createDatabase(`claims_${++seq}`))],
];

describe.each(engines)("export store claims: %s", (_name, open) => {
  it("holds a batch for one worker; a lapsed lease frees it; a write by the worker that lost it lands nothing", async () => {
    const store = await open();
    try {
      await store.migrate();
      const run = await store.createRun({ startedAt: "2026-01-01T00:00:00Z", mode: "full", since: null, what: "hosts", options: "{}" });
      await store.addBatches(run, [{ kind: "hosts", firstId: 1, lastId: 1, ids: ["1"] }, { kind: "hosts", firstId: 2, lastId: 2, ids: ["2"] }]);
      const [a, b] = [remote(1), remote(2)];
      await store.joinRun(run, a, 60_000);
      await store.joinRun(run, b, 60_000);
      const first = await store.claim(run, "hosts", a.id, 150);
      expect(first).toMatchObject({ firstId: 1, status: "running", claimedBy: a.id });
      // Held: b gets the other batch, then nothing.
      expect(await store.claim(run, "hosts", b.id, 60_000)).toMatchObject({ firstId: 2 });
      expect(await store.claim(run, "hosts", b.id, 60_000)).toBeUndefined();
      expect(await store.openBatches(run, "hosts")).toBe(2);
      // a stops renewing: after its lease, b takes batch 1 over.
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.claim(run, "hosts", b.id, 60_000)).toMatchObject({ firstId: 1, claimedBy: b.id });
      expect(await store.commit({ runId: run, kind: "hosts", firstId: 1, worker: a.id, attempts: 1, records: 1 }, [op(1)])).toBe(false);
      expect(await store.commit({ runId: run, kind: "hosts", firstId: 1, worker: b.id, attempts: 1, records: 1 }, [op(1)])).toBe(true);
      expect(await store.commit({ runId: run, kind: "hosts", firstId: 2, worker: b.id, attempts: 1, records: 1 }, [op(2)])).toBe(true);
      expect(await store.openBatches(run, "hosts")).toBe(0);
      expect(await store.presentHostIds()).toEqual([1, 2]);
      // A heartbeat keeps a lease: renewed, a claim stays held past its first term.
      await store.addBatches(run, [{ kind: "hosts", firstId: 3, lastId: 3, ids: ["3"] }]);
      // (Renewed every 0.6 s, a 2 s lease only lapses if a renewal is 2 s late: not a matter of luck.)
      await store.claim(run, "hosts", a.id, 2000);
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 600));
        await store.heartbeat(run, a.id, 2000);
      }
      expect(await store.claim(run, "hosts", b.id, 60_000)).toBeUndefined();
      // Finished once, whoever asks first.
      await store.commit({ runId: run, kind: "hosts", firstId: 3, worker: a.id, attempts: 1, records: 1 }, [op(3)]);
      const ends = await Promise.all([a, b].map(() => store.finishRun(run, { status: "succeeded", finishedAt: "2026-01-01T01:00:00Z" })));
      expect(ends.filter((e) => e !== undefined)).toEqual([{ hosts: 3 }]);
      expect((await store.workers(run)).map((w) => w.batches).sort()).toEqual([1, 2]);
    } finally {
      await store.close();
    }
  }, 60_000);

  it("splits a held batch in place and records a bad host only on its failed batch", async () => {
    const store = await open();
    try {
      await store.migrate();
      const run = await store.createRun({ startedAt: "2026-01-01T00:00:00Z", mode: "full", since: null, what: "detections", options: "{}" });
      await store.addBatches(run, [{ kind: "detections", firstId: 10, lastId: 13, ids: ["10-13"] }]);
      const w = remote(3);
      const batch = (await store.claim(run, "detections", w.id, 60_000))!;
      await store.split(run, batch, [{ kind: "detections", firstId: 10, lastId: 11, ids: ["10-11"], generation: 1 }, { kind: "detections", firstId: 12, lastId: 13, ids: ["12-13"], generation: 1 }], w.id);
      expect((await store.batches(run)).map((b) => [b.firstId, b.lastId, b.ids, b.status, b.generation])).toEqual([
        [10, 11, ["10-11"], "pending", 1],
        [12, 13, ["12-13"], "pending", 1],
      ]);
      const one = (await store.claim(run, "detections", w.id, 60_000))!;
      await store.batchFailed(run, "detections", one.firstId, w.id, 3, "reset", [{ hostId: 10, error: "reset" }]);
      expect(await store.badHosts()).toEqual([{ hostId: 10, kind: "detections", runId: run, error: "reset", attempts: 3 }]);
      await store.resolveBadHosts("detections", [10], run + 1);
      expect(await store.badHosts()).toEqual([]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
