/**
 * The export into SQLite (node:sqlite or better-sqlite3, src/db/sqlite): WAL (readers never block
 * the writer), prepared statements, one transaction per batch. The drivers are synchronous, which
 * suits the one writer a SQLite export has: a batch's transaction runs start to end without another
 * write slipping in. One process at a time (sqlite-lock.ts); PostgreSQL is for shared runs.
 */
import type { SqliteConnection, SqliteStatement, SqlValue } from "../db/sqlite/connection.js";
import { openSqliteConnection } from "../db/sqlite/open.js";
import type { SqliteDriverName } from "../db/sqlite/connection.js";
import { migrateSqlite, type MigrationResult } from "../db/migrate.js";
import { DatabaseError } from "../runtime/errors/database-error.js";
import { ExportDatabaseError } from "../runtime/errors/export-database-error.js";
import { batchOf, errorText, runOf } from "./batch-rows.js";
import { MIGRATIONS } from "./schema.js";
import { lockSqliteExport, type SqliteLock } from "./sqlite-lock.js";
import type { BadHost, BadHostRecord, BatchCommit, BatchPlan, BatchRecord, ExportStore, RunEnd, RunRecord, RunTotals, WorkerIdentity, WorkerRecord } from "./store.js";
import { upsertSql, type TableOp } from "./table-ops.js";

export interface SqliteStoreOptions {
  /** How long to wait for another connection's lock before failing, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Default: node:sqlite where this Node has it, else better-sqlite3 (QUALYS_SQLITE_DRIVER overrides). */
  readonly driver?: SqliteDriverName;
}

/** Page size of a database the export creates. */
export const PAGE_SIZE = 16384;

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const now = () => new Date().toISOString();
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

export class SqliteStore implements ExportStore {
  readonly dialect = "sqlite" as const;
  readonly shared = false;
  readonly target: string;
  readonly #db: SqliteConnection;
  readonly #lock: SqliteLock;
  readonly #stmts = new Map<string, SqliteStatement>();

  private constructor(db: SqliteConnection, target: string, lock: SqliteLock) {
    this.#db = db;
    this.target = target;
    this.#lock = lock;
  }

  /** The SQLite driver in use. */
  get driver(): SqliteDriverName {
    return this.#db.driver;
  }

  static async open(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const target = `sqlite:${path}`;
    const lock = lockSqliteExport(path, target);
    let db: SqliteConnection;
    try {
      db = await openSqliteConnection(path, { busyTimeoutMs: options.busyTimeoutMs ?? 5000, url: target, ...(options.driver ? { driver: options.driver } : {}) });
      // 16 KiB pages for a new database (a no-op on one that has tables): a batch's commit writes a
      // quarter of the WAL frames 4 KiB pages take, and each B-tree insert finds room more often;
      // ingest measured ~13% faster (bench/ingest-only.ts). Set before WAL, which fixes the size.
      db.exec(`PRAGMA page_size = ${PAGE_SIZE}`);
      db.exec("PRAGMA journal_mode = WAL");
      // WAL + NORMAL: a commit survives a process kill; only an OS crash may lose the last ones.
      db.exec("PRAGMA synchronous = NORMAL");
      db.exec("PRAGMA foreign_keys = ON");
    } catch (err) {
      lock.release();
      if ((err as Error)?.name === "MissingDependencyError" || (err as Error)?.name === "ConfigurationError") throw err;
      throw dbError(target, "cannot open", err);
    }
    return new SqliteStore(db, target, lock);
  }

  #run<T>(what: string, fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(dbError(this.target, what, err));
    }
  }

  #s(sql: string): SqliteStatement {
    let stmt = this.#stmts.get(sql);
    if (!stmt) this.#stmts.set(sql, (stmt = this.#db.prepare(sql)));
    return stmt;
  }

  migrate(): Promise<MigrationResult> {
    return this.#run("migrating the schema", () => migrateSqlite(this.#db, MIGRATIONS, this.target));
  }

  withPlanLock<T>(fn: () => Promise<T>): Promise<T> {
    // The lock file already makes this process the only one.
    return fn();
  }

  lastRun(): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", () => runOf(this.#s("SELECT * FROM export_runs ORDER BY id DESC LIMIT 1").get()));
  }

  lastSucceeded(): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", () => runOf(this.#s("SELECT * FROM export_runs WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1").get()));
  }

  lastSucceededWith(kind: string): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", () =>
      runOf(this.#s("SELECT * FROM export_runs r WHERE status = 'succeeded' AND EXISTS (SELECT 1 FROM export_batches b WHERE b.run_id = r.id AND b.kind = ? AND b.status = 'done') ORDER BY id DESC LIMIT 1").get(kind)),
    );
  }

  createRun(run: Omit<RunRecord, "id" | "status">): Promise<number> {
    return this.#run("creating the run", () =>
      Number(this.#s("INSERT INTO export_runs (started_at, status, mode, since, what, options) VALUES (?, 'running', ?, ?, ?, ?)").run(run.startedAt, run.mode, run.since, run.what, run.options).lastInsertRowid),
    );
  }

  reopenRun(runId: number): Promise<void> {
    return this.#run("updating export_runs", () => {
      this.#s("UPDATE export_runs SET status = 'running', finished_at = NULL, error = NULL WHERE id = ?").run(runId);
    });
  }

  abandonRun(runId: number, reason: string): Promise<void> {
    return this.#run("updating export_runs", () => {
      this.#s("UPDATE export_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'").run(now(), reason, runId);
    });
  }

  addBatches(runId: number, plans: readonly BatchPlan[]): Promise<void> {
    return this.#run("planning batches", () => {
      const insert = this.#s("INSERT INTO export_batches (run_id, kind, first_id, last_id, ids, status, generation, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)");
      const at = now();
      this.#db.transaction(() => {
        for (const p of plans) insert.run(runId, p.kind, p.firstId, p.lastId, p.ids === null || p.ids === undefined ? null : JSON.stringify(p.ids), p.generation ?? 0, at);
      });
    });
  }

  batches(runId: number): Promise<BatchRecord[]> {
    return this.#run("reading export_batches", () => this.#s("SELECT * FROM export_batches WHERE run_id = ? ORDER BY kind, first_id").all(runId).map(batchOf));
  }

  joinRun(runId: number, worker: WorkerIdentity, leaseMs: number): Promise<void> {
    return this.#run("registering the worker", () => {
      const at = now();
      this.#s(
        `INSERT INTO export_workers (run_id, worker_id, host, pid, started_at, heartbeat_at, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, lease_until = excluded.lease_until, finished_at = NULL`,
      ).run(runId, worker.id, worker.host, worker.pid, at, at, later(leaseMs));
    });
  }

  workers(runId: number): Promise<WorkerRecord[]> {
    return this.#run("reading export_workers", () =>
      this.#s("SELECT worker_id, host, pid, batches, CASE WHEN finished_at IS NULL AND lease_until > ? THEN 1 ELSE 0 END AS live FROM export_workers WHERE run_id = ?")
        .all<Record<string, unknown>>(now(), runId)
        .map((r) => ({ id: String(r.worker_id), host: String(r.host), pid: Number(r.pid), batches: Number(r.batches), live: Number(r.live) === 1 })),
    );
  }

  heartbeat(runId: number, worker: string, leaseMs: number): Promise<void> {
    return this.#run("renewing leases", () => {
      const until = later(leaseMs);
      this.#db.transaction(() => {
        this.#s("UPDATE export_workers SET heartbeat_at = ?, lease_until = ? WHERE run_id = ? AND worker_id = ?").run(now(), until, runId, worker);
        this.#s("UPDATE export_batches SET lease_until = ? WHERE run_id = ? AND claimed_by = ? AND status = 'running'").run(until, runId, worker);
      });
    });
  }

  expireWorker(runId: number, worker: string): Promise<void> {
    return this.#run("expiring a worker", () => {
      const past = new Date(0).toISOString();
      this.#db.transaction(() => {
        this.#s("UPDATE export_workers SET lease_until = ? WHERE run_id = ? AND worker_id = ?").run(past, runId, worker);
        this.#s("UPDATE export_batches SET lease_until = ? WHERE run_id = ? AND claimed_by = ? AND status = 'running'").run(past, runId, worker);
      });
    });
  }

  leaveRun(runId: number, worker: string): Promise<void> {
    return this.#run("leaving the run", () => {
      this.#s("UPDATE export_workers SET finished_at = ?, lease_until = ? WHERE run_id = ? AND worker_id = ?").run(now(), now(), runId, worker);
    });
  }

  claim(runId: number, kind: string, worker: string, leaseMs: number): Promise<BatchRecord | undefined> {
    return this.#run("claiming a batch", () =>
      this.#db.transaction(() => {
        const row = this.#s(
          `SELECT first_id FROM export_batches WHERE run_id = ? AND kind = ? AND (status = 'pending' OR (status = 'running' AND (lease_until IS NULL OR lease_until < ?)))
           ORDER BY generation DESC, first_id LIMIT 1`,
        ).get<{ first_id: number }>(runId, kind, now());
        if (!row) return undefined;
        this.#s("UPDATE export_batches SET status = 'running', claimed_by = ?, lease_until = ?, updated_at = ? WHERE run_id = ? AND kind = ? AND first_id = ?").run(
          worker, later(leaseMs), now(), runId, kind, row.first_id,
        );
        return batchOf(this.#s("SELECT * FROM export_batches WHERE run_id = ? AND kind = ? AND first_id = ?").get(runId, kind, row.first_id));
      }),
    );
  }

  openBatches(runId: number, kind: string): Promise<number> {
    return this.#run("reading export_batches", () => Number(this.#s("SELECT COUNT(*) AS n FROM export_batches WHERE run_id = ? AND kind = ? AND status IN ('pending', 'running')").get<{ n: number }>(runId, kind)?.n ?? 0));
  }

  retryFailed(runId: number): Promise<void> {
    return this.#run("updating export_batches", () => {
      this.#s("UPDATE export_batches SET status = 'pending', claimed_by = NULL, lease_until = NULL, updated_at = ? WHERE run_id = ? AND status = 'failed'").run(now(), runId);
    });
  }

  attemptFailed(runId: number, kind: string, firstId: number, worker: string, attempts: number, error: string): Promise<void> {
    return this.#run("recording a failed attempt", () => {
      this.#s("UPDATE export_batches SET attempts = ?, error = ?, updated_at = ? WHERE run_id = ? AND kind = ? AND first_id = ? AND claimed_by = ?").run(
        attempts, errorText(error), now(), runId, kind, firstId, worker,
      );
    });
  }

  release(runId: number, kind: string, firstId: number, worker: string): Promise<void> {
    return this.#run("releasing a batch", () => {
      this.#s("UPDATE export_batches SET status = 'pending', claimed_by = NULL, lease_until = NULL, updated_at = ? WHERE run_id = ? AND kind = ? AND first_id = ? AND claimed_by = ? AND status = 'running'").run(
        now(), runId, kind, firstId, worker,
      );
    });
  }

  #holds(runId: number, kind: string, firstId: number, worker: string): boolean {
    return this.#s("SELECT 1 AS held FROM export_batches WHERE run_id = ? AND kind = ? AND first_id = ? AND claimed_by = ? AND status = 'running'").get(runId, kind, firstId, worker) !== undefined;
  }

  #apply(op: TableOp): void {
    if (op.op === "delete") {
      if (!op.keys.length) return;
      const del = this.#s(`DELETE FROM ${op.table} WHERE ${op.column} = ?`);
      for (const key of op.keys) del.run(key);
      return;
    }
    if (!op.rows.length) return;
    const insert = this.#s(upsertSql(op, `VALUES (${placeholders(op.columns.length)})`));
    for (const row of op.rows) insert.run(...(row as SqlValue[]));
  }

  commit(done: BatchCommit, ops: readonly TableOp[]): Promise<boolean> {
    return this.#run(`writing ${done.kind}`, () =>
      this.#db.transaction(() => {
        if (!this.#holds(done.runId, done.kind, done.firstId, done.worker)) return false;
        for (const op of ops) this.#apply(op);
        const finished = done.done ?? true;
        this.#s(
          `UPDATE export_batches SET status = ?, attempts = ?, records = records + ?, cursor = COALESCE(?, cursor), error = NULL, updated_at = ?,
             claimed_by = CASE WHEN ? THEN NULL ELSE claimed_by END, lease_until = CASE WHEN ? THEN NULL ELSE lease_until END
           WHERE run_id = ? AND kind = ? AND first_id = ?`,
        ).run(finished ? "done" : "running", done.attempts, done.records, done.cursor ?? null, now(), finished ? 1 : 0, finished ? 1 : 0, done.runId, done.kind, done.firstId);
        if (finished) this.#s("UPDATE export_workers SET batches = batches + 1 WHERE run_id = ? AND worker_id = ?").run(done.runId, done.worker);
        if (done.invalidUtf8) this.#s("UPDATE export_runs SET invalid_utf8 = invalid_utf8 + ? WHERE id = ?").run(done.invalidUtf8, done.runId);
        return true;
      }),
    );
  }

  split(runId: number, batch: BatchRecord, parts: readonly BatchPlan[], worker: string): Promise<void> {
    return this.#run("splitting a batch", () =>
      this.#db.transaction(() => {
        if (!this.#holds(runId, batch.kind, batch.firstId, worker)) return;
        const [first, ...rest] = parts;
        if (!first || first.firstId !== batch.firstId) throw new TypeError("split: the first part must keep the batch's first id");
        const at = now();
        this.#s(
          "UPDATE export_batches SET last_id = ?, ids = ?, status = 'pending', attempts = 0, generation = ?, claimed_by = NULL, lease_until = NULL, updated_at = ? WHERE run_id = ? AND kind = ? AND first_id = ?",
        ).run(first.lastId, JSON.stringify(first.ids), first.generation ?? batch.generation + 1, at, runId, batch.kind, batch.firstId);
        const insert = this.#s("INSERT INTO export_batches (run_id, kind, first_id, last_id, ids, status, generation, error, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)");
        for (const p of rest) insert.run(runId, p.kind, p.firstId, p.lastId, JSON.stringify(p.ids), p.generation ?? batch.generation + 1, batch.error, at);
      }),
    );
  }

  batchFailed(runId: number, kind: string, firstId: number, worker: string, attempts: number, error: string, badHosts: readonly BadHost[] = []): Promise<void> {
    return this.#run("recording a failed batch", () =>
      this.#db.transaction(() => {
        const at = now();
        this.#s("UPDATE export_batches SET status = 'failed', attempts = ?, error = ?, claimed_by = NULL, lease_until = NULL, updated_at = ? WHERE run_id = ? AND kind = ? AND first_id = ? AND claimed_by = ?").run(
          attempts, errorText(error), at, runId, kind, firstId, worker,
        );
        const record = this.#s(
          `INSERT INTO export_bad_hosts (host_id, kind, run_id, error, attempts, recorded_at, resolved_run) VALUES (?, ?, ?, ?, ?, ?, NULL)
           ON CONFLICT (host_id, kind) DO UPDATE SET run_id = excluded.run_id, error = excluded.error, attempts = export_bad_hosts.attempts + excluded.attempts, recorded_at = excluded.recorded_at, resolved_run = NULL`,
        );
        for (const b of badHosts) record.run(b.hostId, kind, runId, errorText(b.error), attempts, at);
      }),
    );
  }

  badHosts(kind?: string): Promise<BadHostRecord[]> {
    return this.#run("reading export_bad_hosts", () =>
      this.#s(`SELECT * FROM export_bad_hosts WHERE resolved_run IS NULL ${kind ? "AND kind = ?" : ""} ORDER BY kind, host_id`)
        .all<Record<string, unknown>>(...(kind ? [kind] : []))
        .map((r) => ({ hostId: Number(r.host_id), kind: String(r.kind), runId: Number(r.run_id), error: String(r.error ?? ""), attempts: Number(r.attempts) })),
    );
  }

  resolveBadHosts(kind: string, hostIds: readonly number[], runId: number): Promise<void> {
    return this.#run("updating export_bad_hosts", () => {
      const update = this.#s("UPDATE export_bad_hosts SET resolved_run = ? WHERE kind = ? AND host_id = ? AND resolved_run IS NULL");
      this.#db.transaction(() => {
        for (const id of hostIds) update.run(runId, kind, id);
      });
    });
  }

  presentHostIds(): Promise<number[]> {
    return this.#run("reading hosts", () => this.#s("SELECT host_id FROM hosts WHERE removed_at IS NULL").all<{ host_id: number }>().map((r) => Number(r.host_id)));
  }

  markRemoved(hostIds: readonly number[], at: string): Promise<void> {
    return this.#run("marking removed hosts", () => {
      const update = this.#s("UPDATE hosts SET removed_at = ? WHERE host_id = ? AND removed_at IS NULL");
      this.#db.transaction(() => {
        for (const id of hostIds) update.run(at, id);
      });
    });
  }

  markUnseen(table: string, runId: number, at: string): Promise<number> {
    return this.#run(`marking removed ${table}`, () => Number(this.#s(`UPDATE ${table} SET removed_at = ? WHERE removed_at IS NULL AND (last_seen_run IS NULL OR last_seen_run < ?)`).run(at, runId).changes));
  }

  sweep(what: string, statements: readonly string[]): Promise<number> {
    return this.#run(what, () => this.#db.transaction(() => statements.reduce((n, sql) => n + Number(this.#db.prepare(sql).run().changes), 0)));
  }

  finishRun(runId: number, end: RunEnd): Promise<RunTotals | undefined> {
    return this.#run("finishing the run", () =>
      this.#analyzed(end, this.#db.transaction(() => {
        const running = this.#s("SELECT status FROM export_runs WHERE id = ?").get<{ status: string }>(runId);
        if (running?.status !== "running") return undefined;
        const totals: RunTotals = {};
        for (const r of this.#s("SELECT kind, SUM(records) AS n FROM export_batches WHERE run_id = ? AND status = 'done' GROUP BY kind").all<{ kind: string; n: number }>(runId)) {
          totals[r.kind] = Number(r.n);
        }
        const bad = Number(this.#s("SELECT COUNT(*) AS n FROM export_bad_hosts WHERE run_id = ? AND resolved_run IS NULL").get<{ n: number }>(runId)?.n ?? 0);
        this.#s(
          "UPDATE export_runs SET status = ?, finished_at = ?, hosts = ?, detections = ?, kb = ?, totals = ?, bad_hosts = ?, error = ? WHERE id = ?",
        ).run(end.status, end.finishedAt, totals.hosts ?? 0, totals.detections ?? 0, totals.kb ?? 0, JSON.stringify(totals), bad, end.error ?? null, runId);
        if (end.status === "succeeded") {
          this.#s("DELETE FROM export_run_stats WHERE run_id = ?").run(runId);
          this.#s("INSERT INTO export_run_stats (run_id, severity, open_detections) SELECT ?, severity, open_detections FROM open_by_severity WHERE severity IS NOT NULL").run(runId);
        }
        return totals;
      })),
    );
  }

  /**
   * After a successful run, statistics for the query planner from a sample (a few hundred ms on
   * millions of rows): without them SQLite may read the open detections by QID through
   * detections_qid, a random read of the table per row, where the report's covering index
   * (detections_open) reads a tenth of it in order.
   */
  #analyzed(end: RunEnd, totals: RunTotals | undefined): RunTotals | undefined {
    if (totals && end.status === "succeeded") this.#db.exec("PRAGMA analysis_limit = 1000; ANALYZE");
    return totals;
  }

  close(): Promise<void> {
    return this.#run("closing", () => {
      this.#stmts.clear();
      this.#db.close();
      this.#lock.release();
    });
  }
}

function dbError(target: string, what: string, err: unknown): ExportDatabaseError {
  if (err instanceof ExportDatabaseError) return err;
  if (err instanceof DatabaseError) return new ExportDatabaseError(err.message, "sqlite", err);
  const e = err as { code?: string; errcode?: number; message?: string };
  const busy = e?.code === "SQLITE_BUSY" || e?.code === "SQLITE_LOCKED" || e?.errcode === 5 || e?.errcode === 6 || /database is locked/i.test(e?.message ?? "");
  const detail = busy ? "the database is locked by another process (another export still running?)" : (e?.message ?? String(err));
  return new ExportDatabaseError(`${target}: ${what}: ${detail}`, "sqlite", err);
}
