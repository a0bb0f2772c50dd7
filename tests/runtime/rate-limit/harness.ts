/**
 * The stack under test — [scheduler, retry, timeout] over a transport — against the Qualys
 * simulator, with a small hand-written gateway module (through openapi-fetch, as generated
 * clients call it) and a raw VM call.
 */
import { defineModule, type OperationTable } from "../../../src/runtime/module.js";
import { compose } from "../../../src/runtime/pipeline.js";
import { createRateLimitLayers, type RateLimitOptions } from "../../../src/runtime/rate-limit/index.js";
import type { CallContext, Handler } from "../../../src/runtime/types.js";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../servers/qualys-simulator.js";

export const VM_PATH = "/api/2.0/fo/scan/";

const OPS: OperationTable = {
  listThings: { operationId: "listThings", method: "get", path: "/sm/v1/things", idempotent: true },
  searchThings: { operationId: "searchThings", method: "post", path: "/sm/v1/things/search", idempotent: true },
  createThing: { operationId: "createThing", method: "post", path: "/sm/v1/things", idempotent: false },
};

type Call = (init?: { body?: unknown; signal?: AbortSignal; timeoutMs?: number }) => Promise<{ body?: { totalCount?: number; list?: { name?: string }[] } }>;
export interface Things {
  listThings: Call;
  searchThings: Call;
  createThing: Call;
}

export interface VmCallInit {
  signal?: AbortSignal;
  idempotent?: boolean;
  timeoutMs?: number;
  query?: string;
  exempt?: boolean;
}

export interface Harness {
  sim: Simulator;
  limits: ReturnType<typeof createRateLimitLayers>;
  handler: Handler;
  things: Things;
  /** A VM POST through the stack; resolves once its body has been read. */
  vmCall(init?: VmCallInit): Promise<Response>;
  /** The same call straight to the simulator, as another client of the subscription. */
  raw(path?: string): Promise<Response>;
  vmKey: string;
  close(): Promise<void>;
}

export async function harness(simOptions: SimulatorOptions, options: RateLimitOptions = {}): Promise<Harness> {
  const sim = await startSimulator(simOptions);
  const limits = createRateLimitLayers({ ...options, retry: { baseDelayMs: 5, ...options.retry } });
  const handler = compose([...limits.layers], limits.transport);
  const things = defineModule({ handler, baseUrl: () => sim.url }, "car", "gateway", OPS) as unknown as Things;
  const vmCall = async (init: VmCallInit = {}) => {
    const ctx: CallContext = {
      module: "vm",
      family: "vm",
      operationId: "listScans",
      idempotent: init.idempotent ?? true,
      signal: init.signal,
      timeoutMs: init.timeoutMs,
      exemptFromRateLimit: init.exempt,
    };
    const res = await handler(new Request(`${sim.url}${VM_PATH}${init.query ?? ""}`, { method: "POST", body: "action=list", signal: init.signal }), ctx);
    await res.arrayBuffer();
    return res;
  };
  const raw = async (path = VM_PATH) => {
    const res = await fetch(`${sim.url}${path}`, { method: "POST", body: "action=list" });
    await res.arrayBuffer();
    return res;
  };
  return {
    sim,
    limits,
    handler,
    things,
    vmCall,
    raw,
    vmKey: `vm:${VM_PATH}`,
    close: async () => {
      await limits.close();
      await sim.close();
    },
  };
}

/** A promise and the functions that settle it. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
