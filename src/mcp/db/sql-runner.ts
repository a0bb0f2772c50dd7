/**
 * Runs the MCP server's SQL in a child process (sql-child.ts), one statement at a time, each
 * with a deadline: when it passes, the child is killed (the only way to stop a synchronous SQLite
 * query) and the next statement starts a fresh one. PostgreSQL also gets a statement_timeout,
 * which fires first and leaves the connection usable.
 */
import { fork, type ChildProcess } from "node:child_process";
import type { Dialect } from "../../db/database.js";
import type { Row } from "./database.js";
import type { ChildFailure, FromChild, ToChild } from "./sql-protocol.js";

export class SqlError extends Error {
  override readonly name: string;
  constructor(failure: ChildFailure) {
    super(failure.message);
    this.name = failure.name;
  }
}

export class SqlTimeoutError extends Error {
  override readonly name = "SqlTimeoutError";
}

export interface SqlRunnerOptions {
  /** Longest a statement may run, ms. */
  readonly timeoutMs: number;
  /** How long opening the database may take, ms. Default 30 s. */
  readonly openTimeoutMs?: number;
}

/** How to start the child: its compiled .js next to this file, or the .ts through tsx when running from source. */
function spawnChild(): ChildProcess {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(fromSource ? "./sql-child.ts" : "./sql-child.js", import.meta.url);
  const execArgv = fromSource ? ["--import", import.meta.resolve("tsx")] : [];
  return fork(entry, [], { execArgv, serialization: "advanced", stdio: ["ignore", "ignore", "inherit", "ipc"] });
}

interface Live {
  readonly child: ChildProcess;
  readonly dialect: Dialect;
}

export class SqlRunner {
  private live: Promise<Live> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;
  private child: ChildProcess | undefined;

  constructor(
    private readonly url: string,
    private readonly options: SqlRunnerOptions,
  ) {}

  /** Opens the database (in the child) now, so a wrong URL or a database that is not an export fails at start. */
  async start(): Promise<Dialect> {
    return (await this.ensure()).dialect;
  }

  /** Runs one statement; statements run one after another. */
  query(sql: string, signal?: AbortSignal): Promise<Row[]> {
    const run = this.queue.then(() => this.run(sql, signal));
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    const live = await this.live?.catch(() => undefined);
    this.live = undefined;
    if (live && live.child.exitCode === null) {
      const exited = new Promise((resolve) => live.child.once("exit", resolve));
      live.child.disconnect();
      const timer = setTimeout(() => live.child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
  }

  private forget(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.live = undefined;
  }

  private ensure(): Promise<Live> {
    if (this.closed) return Promise.reject(new Error("the SQL runner is closed"));
    this.live ??= this.open().catch((err: unknown) => {
      this.live = undefined;
      throw err;
    });
    return this.live;
  }

  private open(): Promise<Live> {
    const child = spawnChild();
    return new Promise<Live>((resolve, reject) => {
      const timer = setTimeout(() => fail(new SqlTimeoutError(`opening the database took longer than ${this.options.openTimeoutMs ?? 30_000} ms`)), this.options.openTimeoutMs ?? 30_000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(err);
      };
      child.once("exit", (code, signal) => fail(new Error(`the SQL process ended while opening the database (${signal ?? `exit ${code}`})`)));
      child.once("message", (message: FromChild) => {
        if (message.type === "ready") {
          clearTimeout(timer);
          child.removeAllListeners("exit");
          // A child that dies later is replaced on the next statement.
          child.once("exit", () => this.forget(child));
          this.child = child;
          resolve({ child, dialect: message.dialect });
        } else if (message.type === "failed") fail(new SqlError(message.error));
      });
      child.send({ type: "open", url: this.url } satisfies ToChild);
    });
  }

  private async run(sql: string, signal?: AbortSignal): Promise<Row[]> {
    signal?.throwIfAborted();
    const { child, dialect } = await this.ensure();
    const id = this.nextId++;
    // PostgreSQL's own statement_timeout fires first; the kill is the backstop (a stalled connection).
    const deadline = this.options.timeoutMs + (dialect === "postgres" ? 2000 : 0);
    return new Promise<Row[]>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        signal?.removeEventListener("abort", onAbort);
      };
      const stop = (err: Error) => {
        done();
        this.forget(child);
        child.kill("SIGKILL");
        reject(err);
      };
      const onMessage = (message: FromChild) => {
        if ((message.type !== "rows" && message.type !== "error") || message.id !== id) return;
        done();
        if (message.type === "rows") resolve(message.rows);
        else reject(new SqlError(message.error));
      };
      const onExit = (code: number | null, sig: string | null) => {
        done();
        this.forget(child);
        reject(new Error(`the SQL process ended during the statement (${sig ?? `exit ${code}`})`));
      };
      const onAbort = () => stop(new SqlTimeoutError("the statement was cancelled"));
      const timer = setTimeout(() => stop(new SqlTimeoutError(`the statement ran longer than ${this.options.timeoutMs} ms and was stopped`)), deadline);
      child.on("message", onMessage);
      child.once("exit", onExit);
      signal?.addEventListener("abort", onAbort, { once: true });
      child.send({ type: "query", id, sql, timeoutMs: this.options.timeoutMs } satisfies ToChild);
    });
  }
}
