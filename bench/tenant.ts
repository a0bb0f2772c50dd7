/**
 * The synthetic tenant (src/mock/tenant) as a load source: (a) how fast it serves host
 * detections to a plain HTTP reader that discards the body (the baseline), (b) the same walk
 * through this SDK's client (truncation pages of 1000 hosts), then, with a server cost per host,
 * (c) the truncation walk against (d) ID batches in parallel within the concurrency limit.
 * Printed as ratios to (a) and to (c), from the same run.
 *
 *   npx tsx bench/tenant.ts        BENCH_TENANT_HOSTS=… to resize (default 20000)
 */
import { createQualysClient } from "../src/client.js";
import { startTenant, type Tenant } from "../src/tenant.js";

const HOSTS = Number(process.env.BENCH_TENANT_HOSTS ?? 20_000);
const HLD = "/api/5.0/fo/asset/host/vm/detection/";

async function rawWalk(tenant: Tenant): Promise<number> {
  const auth = Buffer.from(`${tenant.credentials.username}:${tenant.credentials.password}`).toString("base64");
  const res = await fetch(`${tenant.url}${HLD}?action=list&truncation_limit=0&show_qds=1`, { headers: { Authorization: `Basic ${auth}`, "X-Requested-With": "bench" } });
  let bytes = 0;
  const reader = res.body!.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) bytes += next.value.length;
  return bytes;
}

async function clientWalk(tenant: Tenant, params: Record<string, string | number>): Promise<number> {
  const qualys = createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url } });
  let hosts = 0;
  for await (const _ of qualys.vm.listHostDetections({ show_qds: 1, ...params })) hosts++;
  await qualys.close();
  return hosts;
}

async function batchedWalk(tenant: Tenant, batches: number): Promise<number> {
  const ids = tenant.model.hostIds();
  const size = Math.ceil(ids.length / batches);
  const qualys = createQualysClient({ credentials: tenant.credentials, baseUrls: { vm: tenant.url } });
  const counts = await Promise.all(
    Array.from({ length: batches }, async (_, i) => {
      const part = ids.slice(i * size, (i + 1) * size);
      let n = 0;
      for await (const _ of qualys.vm.listHostDetections({ show_qds: 1, ids: `${part[0]}-${part.at(-1)}`, truncation_limit: 0 })) n++;
      return n;
    }),
  );
  await qualys.close();
  return counts.reduce((a, b) => a + b, 0);
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

export async function tenantBench(): Promise<void> {
  console.log(`\n# Tenant: ${HOSTS} hosts × ~25 detections`);
  const free = await startTenant({ hosts: HOSTS, detectionsPerHost: 25, kbSize: 5000, seed: 1, limits: { rate: { limit: 10_000, windowSec: 60 }, concurrency: 4 } });
  try {
    const served = free.model.hostIds().length;
    const raw = await timed(() => rawWalk(free));
    const detections = free.stats.detections;
    const viaClient = await timed(() => clientWalk(free, { truncation_limit: 1000 }));
    const hostsPerSec = (ms: number) => Math.round((served / ms) * 1000);
    console.log(`(a) plain reader, cost 0: ${hostsPerSec(raw.ms)} hosts/s, ${Math.round((detections / raw.ms) * 1000)} detections/s, ${((raw.value / raw.ms) * 1000 / 1e6).toFixed(1)} MB/s (${(raw.value / 1e6).toFixed(0)} MB)  = 1.00`);
    console.log(`(b) SDK client, pages of 1000: ${hostsPerSec(viaClient.ms)} hosts/s (${viaClient.value} hosts with detections)  = ${(raw.ms / viaClient.ms).toFixed(2)} × (a)`);
  } finally {
    await free.close();
  }
  const costHosts = Math.min(HOSTS, 2000);
  const costly = await startTenant({ hosts: costHosts, detectionsPerHost: 25, kbSize: 5000, seed: 1, costPerHostMs: 2, limits: { rate: { limit: 10_000, windowSec: 60 }, concurrency: 4 } });
  try {
    const walk = await timed(() => clientWalk(costly, { truncation_limit: 1000 }));
    const parallel = await timed(() => batchedWalk(costly, 4));
    if (walk.value !== parallel.value) throw new Error(`tenant bench: the walk saw ${walk.value} hosts, the batches ${parallel.value}`);
    console.log(`(c) ${costHosts} hosts at 2 ms each, truncation walk: ${walk.ms.toFixed(0)} ms  = 1.00`);
    console.log(`(d) same, 4 ID batches in parallel (concurrency 4): ${parallel.ms.toFixed(0)} ms  = ${(walk.ms / parallel.ms).toFixed(2)} × faster than (c)`);
  } finally {
    await costly.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await tenantBench();
