/**
 * The export into SQLite with better-sqlite3: WAL (readers never block the writer), prepared
 * statements, one transaction per batch. better-sqlite3 is synchronous, which suits a single
 * writer: a batch's transaction runs start to end without another write slipping in.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ExportDatabaseError } from "../runtime/errors/export-database-error.js";
import { DETECTION_COLUMNS, HOST_COLUMNS, KB_CHILD_COLUMNS, KB_COLUMNS, type KbChildTable, type Row } from "./rows.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";
import { HOST_MERGE_COLUMNS, type BatchDone, type BatchPlan, type BatchRecord, type ExportStore, type RunEnd, type RunRecord } from "./store.js";

type Db = Database.Database;
type Stmt = Database.Statement;

export interface SqliteStoreOptions {
  /** How long to wait for another writer's lock before failing, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

function hostUpsert(prefer: "new" | "stored"): string {
  // A non-null value wins; `prefer` says whose when both have one (host list: new; HLD: stored).
  const merge = (c: string) => (prefer === "new" ? `${c} = COALESCE(excluded.${c}, hosts.${c})` : `${c} = COALESCE(hosts.${c}, excluded.${c})`);
  return `INSERT INTO hosts (${HOST_COLUMNS.join(", ")}, first_seen_run, last_seen_run) VALUES (${placeholders(HOST_COLUMNS.length + 2)})
    ON CONFLICT (host_id) DO UPDATE SET ${[...HOST_MERGE_COLUMNS, "extra"].map(merge).join(", ")}, last_seen_run = excluded.last_seen_run, removed_at = NULL`;
}

export class SqliteStore implements ExportStore {
  readonly dialect = "sqlite" as const;
  readonly target: string;
  readonly #db: Db;
  #stmts: Record<string, Stmt> | undefined;

  private constructor(db: Db, path: string) {
    this.#db = db;
    this.target = `sqlite:${path}`;
  }

  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    let db: Db;
    try {
      mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma("journal_mode = WAL");
      // WAL + NORMAL: a commit survives a process kill; only an OS crash may lose the last ones.
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
    } catch (err) {
      throw dbError(`sqlite:${path}`, "cannot open", err);
    }
    return new SqliteStore(db, path);
  }

  #run<T>(what: string, fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(dbError(this.target, what, err));
    }
  }

  migrate(): Promise<void> {
    return this.#run("migrating the schema", () => {
      const db = this.#db;
      db.transaction(() => {
        db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        const current = (db.prepare("SELECT MAX(version) AS v FROM schema_version").get() as { v: number | null }).v ?? 0;
        if (current > SCHEMA_VERSION) {
          throw new ExportDatabaseError(`${this.target} has export schema version ${current}, newer than this qualys-ts writes (${SCHEMA_VERSION}); upgrade qualys-ts`, "sqlite");
        }
        for (const m of MIGRATIONS) {
          if (m.version <= current) continue;
          db.exec(m.sql.sqlite);
          db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, new Date().toISOString());
        }
      }).immediate();
      this.#prepare();
    });
  }

  #prepare(): void {
    const db = this.#db;
    const s = (sql: string) => db.prepare(sql);
    this.#stmts = {
      hostList: s(hostUpsert("new")),
      hostHld: s(hostUpsert("stored")),
      deleteDetections: s("DELETE FROM detections WHERE host_id = ?"),
      // The batch's hosts' detections were just deleted: a conflict is a key the answer repeated (the first stays, as in PostgreSQL).
      insertDetection: s(`INSERT INTO detections (${DETECTION_COLUMNS.join(", ")}) VALUES (${placeholders(DETECTION_COLUMNS.length)})
        ON CONFLICT (host_id, qid, port, protocol, fqdn, ssl) DO NOTHING`),
      upsertKb: s(`INSERT INTO kb_vulns (${KB_COLUMNS.join(", ")}) VALUES (${placeholders(KB_COLUMNS.length)})
        ON CONFLICT (qid) DO UPDATE SET ${KB_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(", ")}`),
      ...Object.fromEntries(
        (Object.keys(KB_CHILD_COLUMNS) as KbChildTable[]).flatMap((t) => [
          [`delete_${t}`, s(`DELETE FROM ${t} WHERE qid = ?`)],
          [`insert_${t}`, s(`INSERT OR REPLACE INTO ${t} (${KB_CHILD_COLUMNS[t].join(", ")}) VALUES (?, ?, ?)`)],
        ]),
      ),
      batchDone: s("UPDATE export_batches SET status = 'done', attempts = ?, records = ?, error = NULL, updated_at = ? WHERE run_id = ? AND kind = ? AND first_id = ?"),
    };
  }

  get #s(): Record<string, Stmt> {
    if (!this.#stmts) throw new ExportDatabaseError(`${this.target}: migrate() first`, "sqlite");
    return this.#stmts;
  }

  lastRun(): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", () => runOf(this.#db.prepare("SELECT * FROM export_runs ORDER BY id DESC LIMIT 1").get()));
  }

  lastSucceeded(): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", () => runOf(this.#db.prepare("SELECT * FROM export_runs WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1").get()));
  }

  createRun(run: Omit<RunRecord, "id" | "status">): Promise<number> {
    return this.#run("creating the run", () => {
      const info = this.#db
        .prepare("INSERT INTO export_runs (started_at, status, mode, since, what, options) VALUES (?, 'running', ?, ?, ?, ?)")
        .run(run.startedAt, run.mode, run.since, run.what, run.options);
      return Number(info.lastInsertRowid);
    });
  }

  abandonRun(runId: number, reason: string): Promise<void> {
    return this.#run("updating export_runs", () => {
      this.#db.prepare("UPDATE export_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status <> 'succeeded'").run(new Date().toISOString(), reason, runId);
    });
  }

  addBatches(runId: number, plans: readonly BatchPlan[]): Promise<void> {
    return this.#run("planning batches", () => {
      const insert = this.#db.prepare("INSERT INTO export_batches (run_id, kind, first_id, last_id, ids, status, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)");
      const now = new Date().toISOString();
      this.#db.transaction(() => {
        for (const p of plans) insert.run(runId, p.kind, p.firstId, p.lastId, p.ids ? JSON.stringify(p.ids) : null, now);
      })();
    });
  }

  batches(runId: number): Promise<BatchRecord[]> {
    return this.#run("reading export_batches", () =>
      (this.#db.prepare("SELECT * FROM export_batches WHERE run_id = ? ORDER BY kind, first_id").all(runId) as Record<string, unknown>[]).map(batchOf),
    );
  }

  batchFailed(runId: number, kind: string, firstId: number, attempts: number, error: string): Promise<void> {
    return this.#run("recording a failed batch", () => {
      this.#db
        .prepare("UPDATE export_batches SET status = 'failed', attempts = ?, error = ?, updated_at = ? WHERE run_id = ? AND kind = ? AND first_id = ?")
        .run(attempts, error.slice(0, 2000), new Date().toISOString(), runId, kind, firstId);
    });
  }

  #done(done: BatchDone): void {
    this.#s.batchDone!.run(done.attempts, done.records, new Date().toISOString(), done.runId, done.kind, done.firstId);
  }

  writeHosts(done: BatchDone, hosts: readonly Row[]): Promise<void> {
    return this.#run("writing hosts", () => {
      const s = this.#s;
      this.#db.transaction(() => {
        for (const row of hosts) s.hostList!.run(...row, done.runId, done.runId);
        this.#done(done);
      }).immediate();
    });
  }

  writeDetections(done: BatchDone, hostIds: readonly number[], hosts: readonly Row[], detections: readonly Row[]): Promise<void> {
    return this.#run("writing detections", () => {
      const s = this.#s;
      this.#db.transaction(() => {
        for (const id of hostIds) s.deleteDetections!.run(id);
        for (const row of hosts) s.hostHld!.run(...row, done.runId, done.runId);
        for (const row of detections) s.insertDetection!.run(...row);
        this.#done(done);
      }).immediate();
    });
  }

  writeKb(done: BatchDone, kb: readonly Row[], children: Readonly<Record<KbChildTable, readonly Row[]>>): Promise<void> {
    return this.#run("writing the KnowledgeBase", () => {
      const s = this.#s;
      this.#db.transaction(() => {
        for (const row of kb) {
          s.upsertKb!.run(...row);
          for (const t of Object.keys(KB_CHILD_COLUMNS)) s[`delete_${t}`]!.run(row[0]);
        }
        for (const t of Object.keys(KB_CHILD_COLUMNS) as KbChildTable[]) for (const row of children[t]) s[`insert_${t}`]!.run(...row);
        this.#done(done);
      }).immediate();
    });
  }

  presentHostIds(): Promise<number[]> {
    return this.#run("reading hosts", () => (this.#db.prepare("SELECT host_id FROM hosts WHERE removed_at IS NULL").pluck().all() as number[]));
  }

  markRemoved(hostIds: readonly number[], at: string): Promise<void> {
    return this.#run("marking removed hosts", () => {
      const update = this.#db.prepare("UPDATE hosts SET removed_at = ? WHERE host_id = ? AND removed_at IS NULL");
      this.#db.transaction(() => {
        for (const id of hostIds) update.run(at, id);
      })();
    });
  }

  finishRun(runId: number, end: RunEnd): Promise<{ hosts: number; detections: number; kb: number }> {
    return this.#run("finishing the run", () => {
      const db = this.#db;
      return db.transaction(() => {
        const totals = { hosts: 0, detections: 0, kb: 0 };
        for (const r of db.prepare("SELECT kind, SUM(records) AS n FROM export_batches WHERE run_id = ? AND status = 'done' GROUP BY kind").all(runId) as { kind: keyof typeof totals; n: number }[]) {
          totals[r.kind] = Number(r.n);
        }
        db.prepare("UPDATE export_runs SET status = ?, finished_at = ?, hosts = ?, detections = ?, kb = ?, error = ? WHERE id = ?").run(
          end.status, end.finishedAt, totals.hosts, totals.detections, totals.kb, end.error ?? null, runId,
        );
        if (end.status === "succeeded") {
          db.prepare("DELETE FROM export_run_stats WHERE run_id = ?").run(runId);
          db.prepare("INSERT INTO export_run_stats (run_id, severity, open_detections) SELECT ?, severity, open_detections FROM open_by_severity WHERE severity IS NOT NULL").run(runId);
        }
        return totals;
      }).immediate();
    });
  }

  close(): Promise<void> {
    return this.#run("closing", () => {
      if (this.#db.open) this.#db.close();
    });
  }
}

function runOf(row: unknown): RunRecord | undefined {
  if (!row) return undefined;
  const r = row as Record<string, unknown>;
  return { id: Number(r.id), startedAt: String(r.started_at), status: r.status as RunRecord["status"], mode: r.mode as RunRecord["mode"], since: (r.since as string | null) ?? null, what: String(r.what), options: (r.options as string | null) ?? null };
}

export function batchOf(r: Record<string, unknown>): BatchRecord {
  const ids = r.ids === null || r.ids === undefined ? null : ((typeof r.ids === "string" ? JSON.parse(r.ids) : r.ids) as string[]);
  return {
    kind: r.kind as BatchRecord["kind"],
    firstId: Number(r.first_id),
    lastId: Number(r.last_id),
    ids,
    status: r.status as BatchRecord["status"],
    attempts: Number(r.attempts),
    records: Number(r.records),
    error: (r.error as string | null) ?? null,
  };
}

function dbError(target: string, what: string, err: unknown): ExportDatabaseError {
  if (err instanceof ExportDatabaseError) return err;
  const code = (err as { code?: string })?.code;
  const detail = code === "SQLITE_BUSY" || code === "SQLITE_LOCKED" ? "the database is locked by another process (another export still running?)" : (err as Error)?.message ?? String(err);
  return new ExportDatabaseError(`${target}: ${what}: ${detail}`, "sqlite", err);
}
