/**
 * `qualys export --workers N`: N processes on one run, for convenience — this one and N-1 children
 * started with the same arguments (`--workers 1`). Each claims batches from the shared PostgreSQL
 * database like a worker started on another machine would; this one shows the run's progress and
 * its summary, the children's error lines come through prefixed. The exit code is the worst of all.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface ChildWorkers {
  /** Exit codes of the children, once all ended. */
  readonly done: Promise<number[]>;
  stop(): void;
}

/** argv with `--workers <n>` / `--workers=<n>` replaced by `--workers 1`. */
export function childArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--workers") {
      i++;
      continue;
    }
    if (a.startsWith("--workers=")) continue;
    out.push(a);
  }
  return [...out, "--workers", "1"];
}

export function startChildWorkers(count: number, stderr: NodeJS.WritableStream, argv: readonly string[] = process.argv.slice(2)): ChildWorkers {
  const script = process.argv[1];
  if (!script) throw new Error("cannot start worker processes: the CLI script path is unknown");
  const children: ChildProcess[] = [];
  const codes: Promise<number>[] = [];
  for (let n = 2; n <= count + 1; n++) {
    const child = spawn(process.execPath, [...process.execArgv, script, ...childArgs(argv)], { stdio: ["ignore", "ignore", "pipe"], env: process.env });
    children.push(child);
    let rest = "";
    child.stderr!.setEncoding("utf8").on("data", (text: string) => {
      const lines = (rest + text).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) stderr.write(`[worker ${n}] ${line}\n`);
    });
    codes.push(new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)))));
  }
  return {
    done: Promise.all(codes),
    stop: () => {
      for (const c of children) if (c.exitCode === null) c.kill("SIGINT");
    },
  };
}
