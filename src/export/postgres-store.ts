/**
 * The export into PostgreSQL with `pg`: each batch is bulk-loaded with COPY (pg-copy-streams)
 * into temporary staging tables and merged with INSERT … ON CONFLICT in the same transaction,
 * which also deletes the batch's hosts' old detections and marks the batch done. One connection:
 * the export's writes are serialised anyway, and one session keeps the staging tables.
 */
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { ExportDatabaseError } from "../runtime/errors/export-database-error.js";
import { redactUrl } from "../db/url.js";
import { DETECTION_COLUMNS, HOST_COLUMNS, KB_CHILD_COLUMNS, KB_COLUMNS, type KbChildTable, type Row } from "./rows.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";
import { batchOf } from "./sqlite-store.js";
import { HOST_MERGE_COLUMNS, type BatchDone, type BatchPlan, type BatchRecord, type ExportStore, type RunEnd, type RunRecord } from "./store.js";
import { copyText } from "./copy-text.js";

const DETECTION_KEY = "host_id, qid, port, protocol, fqdn, ssl";

export class PostgresStore implements ExportStore {
  readonly dialect = "postgres" as const;
  readonly target: string;
  readonly #client: pg.Client;
  #staged = false;

  private constructor(client: pg.Client, url: string) {
    this.#client = client;
    this.target = redactUrl(url);
  }

  static async open(url: string): Promise<PostgresStore> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    client.on("error", () => {}); // a dropped connection fails the next query, which says so
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      throw new ExportDatabaseError(`${redactUrl(url)}: cannot connect: ${(err as Error).message || (err as { code?: string }).code}`, "postgres", err);
    }
    return new PostgresStore(client, url);
  }

  async #run<T>(what: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#client);
    } catch (err) {
      if (err instanceof ExportDatabaseError) throw err;
      throw new ExportDatabaseError(`${this.target}: ${what}: ${(err as Error).message}`, "postgres", err);
    }
  }

  async #tx<T>(what: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    return this.#run(what, async (c) => {
      await c.query("BEGIN");
      try {
        const out = await fn(c);
        await c.query("COMMIT");
        return out;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  migrate(): Promise<void> {
    return this.#tx("migrating the schema", async (c) => {
      // Two exports starting at once must not both create the tables.
      await c.query("SELECT pg_advisory_xact_lock(7342001)");
      await c.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)");
      const current = Number((await c.query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")).rows[0].v);
      if (current > SCHEMA_VERSION) {
        throw new ExportDatabaseError(`${this.target} has export schema version ${current}, newer than this qualys-ts writes (${SCHEMA_VERSION}); upgrade qualys-ts`, "postgres");
      }
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        await c.query(m.sql.postgres);
        await c.query("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, now())", [m.version, m.name]);
      }
    });
  }

  async #stage(c: pg.Client): Promise<void> {
    if (this.#staged) return;
    const tables = ["hosts", "detections", "kb_vulns", ...Object.keys(KB_CHILD_COLUMNS)];
    for (const t of tables) await c.query(`CREATE TEMP TABLE IF NOT EXISTS stage_${t} (LIKE ${t} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
    this.#staged = true;
  }

  async #copy(c: pg.Client, table: string, columns: readonly string[], rows: readonly Row[]): Promise<void> {
    if (!rows.length) return;
    const stream = c.query(copyFrom(`COPY stage_${table} (${columns.join(", ")}) FROM STDIN`));
    await pipeline(Readable.from(copyText(rows), { objectMode: false }), stream);
  }

  lastRun(): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", async (c) => runOf((await c.query(`${RUN_SELECT} ORDER BY id DESC LIMIT 1`)).rows[0]));
  }

  lastSucceeded(): Promise<RunRecord | undefined> {
    return this.#run("reading export_runs", async (c) => runOf((await c.query(`${RUN_SELECT} WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1`)).rows[0]));
  }

  createRun(run: Omit<RunRecord, "id" | "status">): Promise<number> {
    return this.#run("creating the run", async (c) => {
      const r = await c.query("INSERT INTO export_runs (started_at, status, mode, since, what, options) VALUES ($1, 'running', $2, $3, $4, $5) RETURNING id", [
        run.startedAt, run.mode, run.since, run.what, run.options,
      ]);
      return Number(r.rows[0].id);
    });
  }

  abandonRun(runId: number, reason: string): Promise<void> {
    return this.#run("updating export_runs", async (c) => {
      await c.query("UPDATE export_runs SET status = 'failed', finished_at = now(), error = $1 WHERE id = $2 AND status <> 'succeeded'", [reason, runId]);
    });
  }

  addBatches(runId: number, plans: readonly BatchPlan[]): Promise<void> {
    return this.#tx("planning batches", async (c) => {
      for (let i = 0; i < plans.length; i += 500) {
        const part = plans.slice(i, i + 500);
        await c.query(
          `INSERT INTO export_batches (run_id, kind, first_id, last_id, ids, status, updated_at)
           SELECT $1, k, f, l, i::jsonb, 'pending', now() FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[]) AS t(k, f, l, i)`,
          [runId, part.map((p) => p.kind), part.map((p) => p.firstId), part.map((p) => p.lastId), part.map((p) => (p.ids ? JSON.stringify(p.ids) : null))],
        );
      }
    });
  }

  batches(runId: number): Promise<BatchRecord[]> {
    return this.#run("reading export_batches", async (c) => (await c.query("SELECT * FROM export_batches WHERE run_id = $1 ORDER BY kind, first_id", [runId])).rows.map(batchOf));
  }

  batchFailed(runId: number, kind: string, firstId: number, attempts: number, error: string): Promise<void> {
    return this.#run("recording a failed batch", async (c) => {
      await c.query("UPDATE export_batches SET status = 'failed', attempts = $1, error = $2, updated_at = now() WHERE run_id = $3 AND kind = $4 AND first_id = $5", [
        attempts, error.slice(0, 2000), runId, kind, firstId,
      ]);
    });
  }

  async #done(c: pg.Client, done: BatchDone): Promise<void> {
    await c.query("UPDATE export_batches SET status = 'done', attempts = $1, records = $2, error = NULL, updated_at = now() WHERE run_id = $3 AND kind = $4 AND first_id = $5", [
      done.attempts, done.records, done.runId, done.kind, done.firstId,
    ]);
  }

  async #mergeHosts(c: pg.Client, runId: number, rows: readonly Row[], prefer: "new" | "stored"): Promise<void> {
    if (!rows.length) return;
    await this.#copy(c, "hosts", HOST_COLUMNS, rows);
    const merge = (col: string) => (prefer === "new" ? `${col} = COALESCE(excluded.${col}, hosts.${col})` : `${col} = COALESCE(hosts.${col}, excluded.${col})`);
    await c.query(
      `INSERT INTO hosts (${HOST_COLUMNS.join(", ")}, first_seen_run, last_seen_run)
       SELECT DISTINCT ON (host_id) ${HOST_COLUMNS.join(", ")}, $1::bigint, $1::bigint FROM stage_hosts
       ON CONFLICT (host_id) DO UPDATE SET ${[...HOST_MERGE_COLUMNS, "extra"].map(merge).join(", ")}, last_seen_run = excluded.last_seen_run, removed_at = NULL`,
      [runId],
    );
  }

  writeHosts(done: BatchDone, hosts: readonly Row[]): Promise<void> {
    return this.#tx("writing hosts", async (c) => {
      await this.#stage(c);
      await this.#mergeHosts(c, done.runId, hosts, "new");
      await this.#done(c, done);
    });
  }

  writeDetections(done: BatchDone, hostIds: readonly number[], hosts: readonly Row[], detections: readonly Row[]): Promise<void> {
    return this.#tx("writing detections", async (c) => {
      await this.#stage(c);
      await c.query("DELETE FROM detections WHERE host_id = ANY($1::bigint[])", [hostIds]);
      await this.#mergeHosts(c, done.runId, hosts, "stored");
      if (detections.length) {
        await this.#copy(c, "detections", DETECTION_COLUMNS, detections);
        // The batch's hosts have no detections left: a conflict can only be a key the answer repeated (the first one stays).
        await c.query(`INSERT INTO detections (${DETECTION_COLUMNS.join(", ")}) SELECT ${DETECTION_COLUMNS.join(", ")} FROM stage_detections ON CONFLICT (${DETECTION_KEY}) DO NOTHING`);
      }
      await this.#done(c, done);
    });
  }

  writeKb(done: BatchDone, kb: readonly Row[], children: Readonly<Record<KbChildTable, readonly Row[]>>): Promise<void> {
    return this.#tx("writing the KnowledgeBase", async (c) => {
      await this.#stage(c);
      if (kb.length) {
        await this.#copy(c, "kb_vulns", KB_COLUMNS, kb);
        await c.query(
          `INSERT INTO kb_vulns (${KB_COLUMNS.join(", ")}) SELECT DISTINCT ON (qid) ${KB_COLUMNS.join(", ")} FROM stage_kb_vulns
           ON CONFLICT (qid) DO UPDATE SET ${KB_COLUMNS.slice(1).map((col) => `${col} = excluded.${col}`).join(", ")}`,
        );
        const qids = kb.map((r) => r[0]);
        for (const t of Object.keys(KB_CHILD_COLUMNS) as KbChildTable[]) {
          await c.query(`DELETE FROM ${t} WHERE qid = ANY($1::bigint[])`, [qids]);
          if (!children[t].length) continue;
          const cols = KB_CHILD_COLUMNS[t];
          await this.#copy(c, t, cols, children[t]);
          await c.query(`INSERT INTO ${t} (${cols.join(", ")}) SELECT DISTINCT ON (qid, ${cols[1]}) ${cols.join(", ")} FROM stage_${t} ON CONFLICT DO NOTHING`);
        }
      }
      await this.#done(c, done);
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

  finishRun(runId: number, end: RunEnd): Promise<{ hosts: number; detections: number; kb: number }> {
    return this.#tx("finishing the run", async (c) => {
      const totals = { hosts: 0, detections: 0, kb: 0 };
      for (const r of (await c.query("SELECT kind, SUM(records) AS n FROM export_batches WHERE run_id = $1 AND status = 'done' GROUP BY kind", [runId])).rows) {
        totals[r.kind as keyof typeof totals] = Number(r.n);
      }
      await c.query("UPDATE export_runs SET status = $1, finished_at = $2, hosts = $3, detections = $4, kb = $5, error = $6 WHERE id = $7", [
        end.status, end.finishedAt, totals.hosts, totals.detections, totals.kb, end.error ?? null, runId,
      ]);
      if (end.status === "succeeded") {
        await c.query("DELETE FROM export_run_stats WHERE run_id = $1", [runId]);
        await c.query("INSERT INTO export_run_stats (run_id, severity, open_detections) SELECT $1, severity, open_detections FROM open_by_severity WHERE severity IS NOT NULL", [runId]);
      }
      return totals;
    });
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => {});
  }
}

// Times back as ISO-8601 UTC text, as SQLite keeps them.
const RUN_SELECT = `SELECT id, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS started_at, status, mode,
  to_char(since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since, what, options::text AS options FROM export_runs`;

function runOf(r: Record<string, unknown> | undefined): RunRecord | undefined {
  if (!r) return undefined;
  return { id: Number(r.id), startedAt: String(r.started_at), status: r.status as RunRecord["status"], mode: r.mode as RunRecord["mode"], since: (r.since as string | null) ?? null, what: String(r.what), options: (r.options as string | null) ?? null };
}
