/**
 * `qualys-ts/mock`: Prism mocks of the bundled specs on 127.0.0.1, so integrations can be tested
 * without a Qualys tenant. Each module gets its own Prism (Prism serves one document), so the
 * returned runtime URLs are per module.
 *
 *   const mock = await startQualysMock({ modules: ["car", "vm"] });
 *   const client = createQualysClient({ baseUrls: mock.baseUrls, credentials: { token: "x" } });
 *   …
 *   await mock.close();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MissingDependencyError } from "../runtime/errors/missing-dependency-error.js";
import { importOptional } from "../runtime/optional-import.js";
import { freePort, waitForHttp } from "./net.js";

/** The mock's optional packages: Prism serves the specs, yaml reads redocly.yaml's list of them. */
const PURPOSE = "qualys-ts/mock (Prism mocks of the specs)";

export interface QualysMockOptions {
  /** Modules to mock (names of the `apis` in redocly.yaml); all of them when omitted. */
  readonly modules?: readonly string[];
  /** Let Prism answer invalid requests with its own 4xx/5xx (true) or pass them (false). Default true. */
  readonly errors?: boolean;
  /** How long to wait for each Prism to answer. Default 60 s (Prism takes seconds on small machines). */
  readonly startTimeoutMs?: number;
}

export interface QualysMock {
  /** Base URL of each module's mock, e.g. `{ car: "http://127.0.0.1:41234" }`. */
  readonly urls: Readonly<Record<string, string>>;
  /** Stops every Prism this mock started. */
  close(): Promise<void>;
}

/** Where specs/ and redocly.yaml live: the package root, found from this file upwards. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "redocly.yaml"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("qualys-ts: cannot find redocly.yaml above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** The modules redocly.yaml lists, each with its spec file. */
export async function mockableModules(root = packageRoot()): Promise<Record<string, string>> {
  const { parse } = await importOptional<typeof import("yaml")>("yaml", PURPOSE);
  const config = parse(readFileSync(join(root, "redocly.yaml"), "utf8")) as { apis?: Record<string, { root: string }> };
  return Object.fromEntries(Object.entries(config.apis ?? {}).map(([name, api]) => [name, join(root, api.root)]));
}

function prismBin(root: string): string {
  const local = join(root, "node_modules", ".bin", "prism");
  if (existsSync(local)) return local;
  // Installed as a dependency of someone else's project: resolve Prism from there.
  const require = createRequire(join(root, "package.json"));
  let pkg: string;
  try {
    pkg = require.resolve("@stoplight/prism-cli/package.json");
  } catch (err) {
    throw new MissingDependencyError("@stoplight/prism-cli", PURPOSE, { cause: err });
  }
  return join(dirname(pkg), "dist", "index.js");
}

export async function startQualysMock(options: QualysMockOptions = {}): Promise<QualysMock> {
  const root = packageRoot();
  const available = await mockableModules(root);
  const modules = options.modules ?? Object.keys(available);
  const unknown = modules.filter((m) => !(m in available));
  if (unknown.length) {
    throw new Error(`qualys-ts mock: unknown module(s) ${unknown.join(", ")}; known: ${Object.keys(available).join(", ")}`);
  }
  const bin = prismBin(root);
  const children: ChildProcess[] = [];
  const close = () => Promise.all(children.map(stopChild)).then(() => undefined);
  try {
    const urls: Record<string, string> = {};
    await Promise.all(
      modules.map(async (module) => {
        const port = await freePort();
        const args = ["mock", "-h", "127.0.0.1", "-p", String(port), ...(options.errors === false ? [] : ["--errors"]), available[module]!];
        const child = bin.endsWith(".js")
          ? spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"] })
          : spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
        children.push(child);
        let stderr = "";
        child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
        const url = `http://127.0.0.1:${port}`;
        await waitForHttp(url, options.startTimeoutMs ?? 60_000, () => child.exitCode !== null).catch((err: Error) => {
          throw new Error(`Prism mock for ${module} did not start: ${err.message}\n${stderr}`);
        });
        urls[module] = url;
      }),
    );
    return { urls, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
