/**
 * `npm run tenant -- --hosts 20000`: starts the synthetic Qualys VM subscription (src/mock/tenant)
 * on 127.0.0.1 and prints its URL, credentials and a command to try, until Ctrl-C.
 *   --hosts N  --detections N (average per host)  --kb N  --seed N  --port N
 *   --cost MS (server time per host)  --latency MS  --rate LIMIT/WINDOW_SEC  --concurrency N
 *   --advance-every SEC (move the clock one day that often, 10 % of hosts rescanned)
 *   --serve-retired (answer API versions past their end of life in their old shape instead of 404)
 */
import { parseArgs } from "node:util";
import { startTenant } from "../src/tenant.js";

const { values } = parseArgs({
  options: {
    hosts: { type: "string", default: "20000" },
    detections: { type: "string", default: "25" },
    kb: { type: "string", default: "5000" },
    seed: { type: "string", default: "1" },
    port: { type: "string", default: "0" },
    cost: { type: "string", default: "0" },
    latency: { type: "string", default: "0" },
    rate: { type: "string", default: "300/3600" },
    concurrency: { type: "string", default: "2" },
    "advance-every": { type: "string" },
    "serve-retired": { type: "boolean", default: false },
  },
});

const number = (name: string, text: string | undefined): number => {
  const value = Number(text);
  if (text === undefined || text.trim() === "" || !Number.isFinite(value)) {
    console.error(`tenant: --${name} must be a number, not "${text}"`);
    process.exit(2);
  }
  return value;
};
const rate = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(values.rate ?? "");
if (!rate) {
  console.error(`tenant: --rate must be LIMIT/WINDOW_SEC (e.g. 300/3600), not "${values.rate}"`);
  process.exit(2);
}

let tenant;
try {
  tenant = await startTenant({
    hosts: number("hosts", values.hosts),
    detectionsPerHost: number("detections", values.detections),
    kbSize: number("kb", values.kb),
    seed: number("seed", values.seed),
    port: number("port", values.port),
    costPerHostMs: number("cost", values.cost),
    latencyMs: number("latency", values.latency),
    limits: { rate: { limit: Number(rate[1]), windowSec: Number(rate[2]) }, concurrency: number("concurrency", values.concurrency) },
    retiredVersions: values["serve-retired"] ? "serve" : "refuse",
  });
} catch (err) {
  console.error(`tenant: ${(err as Error).message}`);
  process.exit(2);
}

const { url, credentials } = tenant;
console.log(`Synthetic Qualys VM tenant: ${tenant.model.hostIds().length} hosts, ${tenant.model.kbSize()} QIDs, clock at ${new Date(tenant.model.now()).toISOString()}`);
console.log(`  URL       ${url}`);
console.log(`  username  ${credentials.username}`);
console.log(`  password  ${credentials.password}`);
console.log(`  versions  HLD 5.0, host list 5.0, KB 4.0; retired ones (HLD 2.0–4.0, KB 2.0–3.0) ${values["serve-retired"] ? "served in their old shape" : "answer 404 (--serve-retired to serve them)"}`);
console.log("Try:");
console.log(`  QUALYS_API_URL=${url} QUALYS_USERNAME=${credentials.username} QUALYS_PASSWORD=${credentials.password} npm run -s qualys -- --format ndjson vm detections --show-qds | head -c 2000`);
console.log("Ctrl-C stops it.");

const every = values["advance-every"];
const timer =
  every === undefined
    ? undefined
    : setInterval(() => {
        const step = tenant.advance({ days: 1, changeFraction: 0.1 });
        console.log(`advanced to ${new Date(step.at).toISOString()} (${tenant.model.hostIds().length} hosts)`);
      }, number("advance-every", every) * 1000);

const stop = () => {
  if (timer) clearInterval(timer);
  const s = tenant.stats;
  console.log(`\n${s.calls} calls, ${s.blocked} blocked, ${s.records} records, ${(s.bytes / 1e6).toFixed(1)} MB sent`);
  void tenant.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
