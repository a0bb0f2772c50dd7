/**
 * The export into PostgreSQL with pg (src/db/postgres.ts): a batch's rows are bulk-loaded with COPY
 * (pg-copy-streams) into temporary staging tables and merged with INSERT … ON CONFLICT in the same
 * transaction that marks the batch done; rows that cannot conflict (a batch's detections, after
 * the batch deleted its hosts' ones) are copied straight into their table. Any number of processes, on any machines, can share one
 * run: batches are claimed with FOR UPDATE SKIP LOCKED under leases in database time, so clocks of
 * the machines never matter.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { migratePostgres, withPgTransaction, type MigrationResult } from "../db/migrate.js";
import { connectPostgres } from "../db/postgres.js";
import { redactUrl } from "../db/url.js";
import { DatabaseError } from "../runtime/errors/database-error.js";
import { ExportDatabaseError } from "../runtime/errors/export-database-error.js";
import { importOptional } from "../runtime/optional-import.js";
import { batchOf, errorText, runOf } from "./batch-rows.js";
import { copyChunks } from "./row-list.js";
import { MIGRATIONS } from "./schema.js";
import type { BadHost, BadHostRecord, BatchCommit, BatchPlan, BatchRecord, ExportStore, RunEnd, RunRecord, RunTotals, WorkerIdentity, WorkerRecord } from "./store.js";
import { upsertSql, type TableOp } from "./table-ops.js";

type CopyFrom = typeof import("pg-copy-streams").from;

/** Any fixed key: every qualys-ts process planning into one database takes the same lock. */
const PLAN_LOCK = 7342002;
const BATCH_KEY = "run_id = $1 AND kind = $2 AND first_id = $3";
const secs = (ms: number) => ms / 1000;

export class PostgresStore implements ExportStore {
  readonly dialect = "postgres" as const;
  readonly shared = true;
  readonly target: string;
  readonly #client: pg.Client;
  readonly #copyFrom: CopyFrom;
  /** Staging tables this session has (created in a committed transaction). */
  readonly #staged = new Set<string>();
  /**
   * One statement or transaction at a time on the one connection: claims, heartbeats and commits
   * come from concurrent loops, and a query slipping into another's transaction would share its fate.
   */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(client: pg.Client, target: string, copyFrom: CopyFrom) {
    this.#client = client;
    this.target = target;
    this.#copyFrom = copyFrom;
  }

  static async open(url: string): Promise<PostgresStore> {
    const target = redactUrl(url);
    const { from } = await importOptional<typeof import("pg-copy-streams")>("pg-copy-streams", "the PostgreSQL export (COPY)");
    let client: pg.Client;
    try {
      client = await connectPostgres(url, target, { connectTimeoutMs: 10_000 });
    } catch (err) {
      if (err instanceof DatabaseError) throw new ExportDatabaseError(`${target}: cannot connect: ${(err.cause as Error)?.message || (err.cause as { code?: string })?.code || err.message}`, "postgres", err);
      throw err;
    }
    return new PostgresStore(client, target, from);
  }

  async #run<T>(what: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const turn = this.#queue.then(() => fn(this.#client));
    this.#queue = turn.catch(() => {});
    try {
      return await turn;
    } catch (err) {
      if (err instanceof ExportDatabaseError) throw err;
      throw new ExportDatabaseError(`${this.target}: ${what}: ${(err as Error).message}`, "postgres", err);
    }
  }

  #tx<T>(what: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    return this.#run(what, (c) => withPgTransaction(c, () => fn(c)));
  }

  migrate(): Promise<MigrationResult> {
    return this.#run("migrating the schema", (c) => migratePostgres(c, MIGRATIONS, this.target));
  }

  async withPlanLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.#run("taking the planning lock", (c) => c.query("SELECT pg_advisory_lock($1)", [PLAN_LOCK]));
    try {
      return await fn();
    } finally {
      await this.#run("releasing the planning lock", (c) => c.query("SELECT pg_advisory_unlock($1)", [PLAN_LOCK])).catch(() => {});
    }
  }

  lastRun(): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", async (c) => runOf((await c.query(`${RUN_SELECT} ORDER BY id DESC LIMIT 1`)).rows[0]));
  }

  lastSucceeded(): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", async (c) => runOf((await c.query(`${RUN_SELECT} WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1`)).rows[0]));
  }

  lastSucceededWith(kind: string): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", async (c) =>
      runOf((await c.query(`${RUN_SELECT} WHERE status = 'succeeded' AND EXISTS (SELECT 1 FROM export_batches b WHERE b.run_id = export_runs.id AND b.kind = $1 AND b.status = 'done') ORDER BY id DESC LIMIT 1`, [kind])).rows[0]),
    );
  }

  createRun(run: Omit<RunRecord, "id" | "status">): Promise<number> {
    return this.#run("creating the run", async (c) => {
      const r = await c.query("INSERT INTO export_runs (started_at, status, mode, since, what, options) VALUES ($1, 'running', $2, $3, $4, $5) RETURNING id", [
        run.startedAt, run.mode, run.since, run.what, run.options,
      ]);
      return Number(r.rows[0].id);
    });
  }

  reopenRun(runId: number): Promise<void> {
    return this.#run("updating export_runs", async (c) => {
      await c.query("UPDATE export_runs SET status = 'running', finished_at = NULL, error = NULL WHERE id = $1", [runId]);
    });
  }

  abandonRun(runId: number, reason: string): Promise<void> {
    return this.#run("updating export_runs", async (c) => {
      await c.query("UPDATE export_runs SET status = 'failed', finished_at = now(), error = $1 WHERE id = $2 AND status = 'running'", [reason, runId]);
    });
  }

  addBatches(runId: number, plans: readonly BatchPlan[]): Promise<void> {
    return this.#tx("planning batches", async (c) => {
      for (let i = 0; i < plans.length; i += 500) {
        const part = plans.slice(i, i + 500);
        await c.query(
          `INSERT INTO export_batches (run_id, kind, first_id, last_id, ids, status, generation, updated_at)
           SELECT $1, k, f, l, i::jsonb, 'pending', g, now() FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::int[]) AS t(k, f, l, i, g)`,
          [
            runId,
            part.map((p) => p.kind),
            part.map((p) => p.firstId),
            part.map((p) => p.lastId),
            part.map((p) => (p.ids === null || p.ids === undefined ? null : JSON.stringify(p.ids))),
            part.map((p) => p.generation ?? 0),
          ],
        );
      }
    });
  }

  batches(runId: number): Promise<BatchRecord[]> {
    return this.#run("reading export_batches", async (c) => (await c.query("SELECT * FROM export_batches WHERE run_id = $1 ORDER BY kind, first_id", [runId])).rows.map(batchOf));
  }

  joinRun(runId: number, worker: WorkerIdentity, leaseMs: number): Promise<void> {
    return this.#run("registering the worker", async (c) => {
      await c.query(
        `INSERT INTO export_workers (run_id, worker_id, host, pid, started_at, heartbeat_at, lease_until) VALUES ($1, $2, $3, $4, now(), now(), now() + make_interval(secs => $5))
         ON CONFLICT (run_id, worker_id) DO UPDATE SET heartbeat_at = now(), lease_until = excluded.lease_until, finished_at = NULL`,
        [runId, worker.id, worker.host, worker.pid, secs(leaseMs)],
      );
    });
  }

  workers(runId: number): Promise<WorkerRecord[]> {
    return this.#run("reading export_workers", async (c) =>
      (await c.query("SELECT worker_id, host, pid, batches, (finished_at IS NULL AND lease_until > now()) AS live FROM export_workers WHERE run_id = $1", [runId])).rows.map((r) => ({
        id: String(r.worker_id), host: String(r.host), pid: Number(r.pid), batches: Number(r.batches), live: Boolean(r.live),
      })),
    );
  }

  heartbeat(runId: number, worker: string, leaseMs: number): Promise<void> {
    return this.#tx("renewing leases", async (c) => {
      await c.query("UPDATE export_workers SET heartbeat_at = now(), lease_until = now() + make_interval(secs => $3) WHERE run_id = $1 AND worker_id = $2", [runId, worker, secs(leaseMs)]);
      await c.query("UPDATE export_batches SET lease_until = now() + make_interval(secs => $3) WHERE run_id = $1 AND claimed_by = $2 AND status = 'running'", [runId, worker, secs(leaseMs)]);
    });
  }

  expireWorker(runId: number, worker: string): Promise<void> {
    return this.#tx("expiring a worker", async (c) => {
      await c.query("UPDATE export_workers SET lease_until = '-infinity' WHERE run_id = $1 AND worker_id = $2", [runId, worker]);
      await c.query("UPDATE export_batches SET lease_until = '-infinity' WHERE run_id = $1 AND claimed_by = $2 AND status = 'running'", [runId, worker]);
    });
  }

  leaveRun(runId: number, worker: string): Promise<void> {
    return this.#run("leaving the run", async (c) => {
      await c.query("UPDATE export_workers SET finished_at = now(), lease_until = now() WHERE run_id = $1 AND worker_id = $2", [runId, worker]);
    });
  }

  claim(runId: number, kind: string, worker: string, leaseMs: number): Promise<BatchRecord | undefined> {
    return this.#run("claiming a batch", async (c) => {
      const r = await c.query(
        `UPDATE export_batches SET status = 'running', claimed_by = $3, lease_until = now() + make_interval(secs => $4), updated_at = now()
         WHERE (run_id, kind, first_id) = (
           SELECT run_id, kind, first_id FROM export_batches
           WHERE run_id = $1 AND kind = $2 AND (status = 'pending' OR (status = 'running' AND (lease_until IS NULL OR lease_until < now())))
           ORDER BY generation DESC, first_id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [runId, kind, worker, secs(leaseMs)],
      );
      return r.rows[0] ? batchOf(r.rows[0]) : undefined;
    });
  }

  openBatches(runId: number, kind: string): Promise<number> {
    return this.#run("reading export_batches", async (c) =>
      Number((await c.query("SELECT COUNT(*) AS n FROM export_batches WHERE run_id = $1 AND kind = $2 AND status IN ('pending', 'running')", [runId, kind])).rows[0].n),
    );
  }

  retryFailed(runId: number): Promise<void> {
    return this.#run("updating export_batches", async (c) => {
      await c.query("UPDATE export_batches SET status = 'pending', claimed_by = NULL, lease_until = NULL, updated_at = now() WHERE run_id = $1 AND status = 'failed'", [runId]);
    });
  }

  attemptFailed(runId: number, kind: string, firstId: number, worker: string, attempts: number, error: string): Promise<void> {
    return this.#run("recording a failed attempt", async (c) => {
      await c.query(`UPDATE export_batches SET attempts = $5, error = $6, updated_at = now() WHERE ${BATCH_KEY} AND claimed_by = $4`, [runId, kind, firstId, worker, attempts, errorText(error)]);
    });
  }

  release(runId: number, kind: string, firstId: number, worker: string): Promise<void> {
    return this.#run("releasing a batch", async (c) => {
      await c.query(`UPDATE export_batches SET status = 'pending', claimed_by = NULL, lease_until = NULL, updated_at = now() WHERE ${BATCH_KEY} AND claimed_by = $4 AND status = 'running'`, [
        runId, kind, firstId, worker,
      ]);
    });
  }

  async #holds(c: pg.Client, runId: number, kind: string, firstId: number, worker: string): Promise<boolean> {
    // FOR UPDATE: a worker taking the batch over after a lapsed lease waits for this transaction, then sees it done.
    const r = await c.query(`SELECT 1 FROM export_batches WHERE ${BATCH_KEY} AND claimed_by = $4 AND status = 'running' FOR UPDATE`, [runId, kind, firstId, worker]);
    return r.rowCount === 1;
  }

  async #stage(c: pg.Client, table: string, created: Set<string>): Promise<void> {
    if (this.#staged.has(table) || created.has(table)) return;
    await c.query(`CREATE TEMP TABLE IF NOT EXISTS stage_${table} (LIKE ${table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
    created.add(table);
  }

  async #apply(c: pg.Client, op: TableOp, created: Set<string>): Promise<void> {
    if (op.op === "delete") {
      if (op.keys.length) await c.query(`DELETE FROM ${op.table} WHERE ${op.column} = ANY($1::${op.type}[])`, [op.keys]);
      return;
    }
    if (!op.rows.length) return;
    if (op.distinct) {
      // Nothing to merge (the batch deleted these keys, the rows are distinct): COPY straight in.
      await pipeline(Readable.from(copyChunks(op.rows), { objectMode: false }), c.query(this.#copyFrom(`COPY ${op.table} (${op.columns.join(", ")}) FROM STDIN`)));
      return;
    }
    await this.#stage(c, op.table, created);
    const stream = c.query(this.#copyFrom(`COPY stage_${op.table} (${op.columns.join(", ")}) FROM STDIN`));
    await pipeline(Readable.from(copyChunks(op.rows), { objectMode: false }), stream);
    // DISTINCT ON: PostgreSQL refuses to update one row twice in one statement.
    const distinct = op.onConflict.startsWith("DO UPDATE") ? `DISTINCT ON (${op.key.join(", ")}) ` : "";
    await c.query(upsertSql(op, `SELECT ${distinct}${op.columns.join(", ")} FROM stage_${op.table}`));
  }

  async commit(done: BatchCommit, ops: readonly TableOp[]): Promise<boolean> {
    const created = new Set<string>();
    const ok = await this.#tx(`writing ${done.kind}`, async (c) => {
      if (!(await this.#holds(c, done.runId, done.kind, done.firstId, done.worker))) return false;
      for (const op of ops) await this.#apply(c, op, created);
      const finished = done.done ?? true;
      await c.query(
        `UPDATE export_batches SET status = $4, attempts = $5, records = records + $6, cursor = COALESCE($7, cursor), error = NULL, updated_at = now(),
           claimed_by = CASE WHEN $8 THEN NULL ELSE claimed_by END, lease_until = CASE WHEN $8 THEN NULL ELSE lease_until END
         WHERE ${BATCH_KEY}`,
        [done.runId, done.kind, done.firstId, finished ? "done" : "running", done.attempts, done.records, done.cursor ?? null, finished],
      );
      if (finished) await c.query("UPDATE export_workers SET batches = batches + 1 WHERE run_id = $1 AND worker_id = $2", [done.runId, done.worker]);
      if (done.invalidUtf8) await c.query("UPDATE export_runs SET invalid_utf8 = invalid_utf8 + $1 WHERE id = $2", [done.invalidUtf8, done.runId]);
      return true;
    });
    for (const t of created) this.#staged.add(t);
    return ok;
  }

  split(runId: number, batch: BatchRecord, parts: readonly BatchPlan[], worker: string): Promise<void> {
    return this.#tx("splitting a batch", async (c) => {
      if (!(await this.#holds(c, runId, batch.kind, batch.firstId, worker))) return;
      const [first, ...rest] = parts;
      if (!first || first.firstId !== batch.firstId) throw new TypeError("split: the first part must keep the batch's first id");
      await c.query(
        `UPDATE export_batches SET last_id = $4, ids = $5::jsonb, status = 'pending', attempts = 0, generation = $6, claimed_by = NULL, lease_until = NULL, updated_at = now() WHERE ${BATCH_KEY}`,
        [runId, batch.kind, batch.firstId, first.lastId, JSON.stringify(first.ids), first.generation ?? batch.generation + 1],
      );
      for (const p of rest) {
        await c.query("INSERT INTO export_batches (run_id, kind, first_id, last_id, ids, status, generation, error, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, 'pending', $6, $7, now())", [
          runId, p.kind, p.firstId, p.lastId, JSON.stringify(p.ids), p.generation ?? batch.generation + 1, batch.error,
        ]);
      }
    });
  }

  batchFailed(runId: number, kind: string, firstId: number, worker: string, attempts: number, error: string, badHosts: readonly BadHost[] = []): Promise<void> {
    return this.#tx("recording a failed batch", async (c) => {
      await c.query(`UPDATE export_batches SET status = 'failed', attempts = $5, error = $6, claimed_by = NULL, lease_until = NULL, updated_at = now() WHERE ${BATCH_KEY} AND claimed_by = $4`, [
        runId, kind, firstId, worker, attempts, errorText(error),
      ]);
      for (const b of badHosts) {
        await c.query(
          `INSERT INTO export_bad_hosts (host_id, kind, run_id, error, attempts, recorded_at, resolved_run) VALUES ($1, $2, $3, $4, $5, now(), NULL)
           ON CONFLICT (host_id, kind) DO UPDATE SET run_id = excluded.run_id, error = excluded.error, attempts = export_bad_hosts.attempts + excluded.attempts, recorded_at = excluded.recorded_at, resolved_run = NULL`,
          [b.hostId, kind, runId, errorText(b.error), attempts],
        );
      }
    });
  }

  badHosts(kind?: string): Promise<BadHostRecord[]> {
    return this.#run("reading export_bad_hosts", async (c) =>
      (await c.query(`SELECT * FROM export_bad_hosts WHERE resolved_run IS NULL ${kind ? "AND kind = $1" : ""} ORDER BY kind, host_id`, kind ? [kind] : [])).rows.map((r) => ({
        hostId: Number(r.host_id), kind: String(r.kind), runId: Number(r.run_id), error: String(r.error ?? ""), attempts: Number(r.attempts),
      })),
    );
  }

  resolveBadHosts(kind: string, hostIds: readonly number[], runId: number): Promise<void> {
    return this.#run("updating export_bad_hosts", async (c) => {
      await c.query("UPDATE export_bad_hosts SET resolved_run = $1 WHERE kind = $2 AND host_id = ANY($3::bigint[]) AND resolved_run IS NULL", [runId, kind, hostIds]);
    });
  }

  presentHostIds(): Promise<number[]> {
    return this.#run("reading hosts", async (c) => (await c.query("SELECT host_id FROM hosts WHERE removed_at IS NULL")).rows.map((r) => Number(r.host_id)));
  }

  markRemoved(hostIds: readonly number[], at: string): Promise<void> {
    return this.#run("marking removed hosts", async (c) => {
      await c.query("UPDATE hosts SET removed_at = $1 WHERE host_id = ANY($2::bigint[]) AND removed_at IS NULL", [at, hostIds]);
    });
  }

  markUnseen(table: string, runId: number, at: string): Promise<number> {
    return this.#run(`marking removed ${table}`, async (c) =>
      Number((await c.query(`UPDATE ${table} SET removed_at = $1 WHERE removed_at IS NULL AND (last_seen_run IS NULL OR last_seen_run < $2)`, [at, runId])).rowCount ?? 0),
    );
  }

  sweep(what: string, statements: readonly string[]): Promise<number> {
    return this.#tx(what, async (c) => {
      let n = 0;
      for (const sql of statements) n += (await c.query(sql)).rowCount ?? 0;
      return n;
    });
  }

  finishRun(runId: number, end: RunEnd): Promise<RunTotals | undefined> {
    return this.#tx("finishing the run", async (c) => {
      // The row lock makes one finisher of many; the others see it no longer running.
      const running = await c.query("SELECT 1 FROM export_runs WHERE id = $1 AND status = 'running' FOR UPDATE", [runId]);
      if (running.rowCount !== 1) return undefined;
      const totals: RunTotals = {};
      for (const r of (await c.query("SELECT kind, SUM(records) AS n FROM export_batches WHERE run_id = $1 AND status = 'done' GROUP BY kind", [runId])).rows) {
        totals[String(r.kind)] = Number(r.n);
      }
      const bad = Number((await c.query("SELECT COUNT(*) AS n FROM export_bad_hosts WHERE run_id = $1 AND resolved_run IS NULL", [runId])).rows[0].n);
      await c.query(
        "UPDATE export_runs SET status = $1, finished_at = $2, hosts = $3, detections = $4, kb = $5, totals = $6::jsonb, bad_hosts = $7, error = $8 WHERE id = $9",
        [end.status, end.finishedAt, totals.hosts ?? 0, totals.detections ?? 0, totals.kb ?? 0, JSON.stringify(totals), bad, end.error ?? null, runId],
      );
      if (end.status === "succeeded") {
        await c.query("DELETE FROM export_run_stats WHERE run_id = $1", [runId]);
        await c.query("INSERT INTO export_run_stats (run_id, severity, open_detections) SELECT $1, severity, open_detections FROM open_by_severity WHERE severity IS NOT NULL", [runId]);
      }
      return totals;
    });
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#client.end().catch(() => {});
  }
}

// Times back as ISO-8601 UTC text, as SQLite keeps them.
const RUN_SELECT = `SELECT id, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS started_at, status, mode,
  to_char(since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since, what, options::text AS options FROM export_runs`;
