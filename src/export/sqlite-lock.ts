/**
 * SQLite exports run in one process. A second `qualys export` into the same file would fight the
 * first for the write lock batch after batch; instead it is told at once, by a lock file beside
 * the database holding the owner's host and pid. A lock left by a killed process (its pid gone
 * on this host) is taken over, so `kill -9` then a rerun resumes as before.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { ExportDatabaseError } from "../runtime/errors/export-database-error.js";
import { processAlive } from "./worker-id.js";

export interface SqliteLock {
  release(): void;
}

export function lockSqliteExport(path: string, target: string): SqliteLock {
  if (path === ":memory:") return { release() {} };
  const file = `${path}.export-lock`;
  const mine = JSON.stringify({ host: hostname(), pid: process.pid });
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, mine);
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") throw new ExportDatabaseError(`${target}: cannot create the lock file ${file}: ${(err as Error).message}`, "sqlite", err);
    }
    let owner: { host?: string; pid?: number } = {};
    try {
      owner = JSON.parse(readFileSync(file, "utf8")) as typeof owner;
    } catch {
      // Half written by a process killed between open and write: nobody owns it.
    }
    const sameHost = owner.host === hostname();
    if (owner.pid !== undefined && (!sameHost || processAlive(owner.pid))) {
      throw new ExportDatabaseError(
        `${target} is being exported into by another process (pid ${owner.pid}${sameHost ? "" : ` on ${owner.host}`}): a SQLite export runs in one process — wait for it, or export into PostgreSQL to share a run between processes (if no such process runs, delete ${file})`,
        "sqlite",
      );
    }
    rmSync(file, { force: true });
  }
  throw new ExportDatabaseError(`${target}: could not take the lock file ${file}`, "sqlite");
}
