/** Who a worker is (host, pid, a random part), and whether a process on this host still lives. */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { WorkerIdentity } from "./store.js";

export function newWorker(): WorkerIdentity {
  const host = hostname();
  return { id: `${host}:${process.pid}:${randomBytes(4).toString("hex")}`, host, pid: process.pid };
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but is someone else's.
    return (err as { code?: string }).code === "EPERM";
  }
}
