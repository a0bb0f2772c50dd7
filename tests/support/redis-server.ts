/**
 * A real redis-server (Debian's package; .ci/run installs it) on a free 127.0.0.1 port, with no
 * persistence, for tests and benches. `restart()` stops it and starts a fresh one on the same
 * port, as an operator's restart would: every key is gone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { Redis } from "ioredis";

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** A plain client for looking at the keys, the same each time (closed by stop()). */
  client(): Redis;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => (output += chunk.toString());
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (err) => reject(new Error(`redis-server could not start (is Debian's redis-server installed?): ${err.message}`)));
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    // Ready once it answers PING.
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    const started = Date.now();
    const ping = () =>
      probe
        .connect()
        .then(() => probe.ping())
        .then(() => {
          probe.disconnect();
          child.removeAllListeners("exit");
          resolve(child);
        })
        .catch(() => {
          if (Date.now() - started > 10_000) return reject(new Error(`redis-server did not answer on ${port}: ${output}`));
          setTimeout(ping, 20);
        });
    ping();
  });
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port);
  let inspector: Redis | undefined;
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    client() {
      if (!inspector) {
        inspector = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
        inspector.on("error", () => {});
      }
      return inspector;
    },
    stop: async () => {
      inspector?.disconnect();
      inspector = undefined;
      await stop();
    },
    start: async () => {
      child ??= await launch(port);
    },
    restart: async () => {
      await stop();
      child = await launch(port);
    },
  };
}
