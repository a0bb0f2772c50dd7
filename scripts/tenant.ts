/**
 * `npm run tenant -- --hosts 20000`: starts the synthetic Qualys subscription (src/mock/tenant)
 * on 127.0.0.1 — the API server (VM, WAS) and the gateway (/auth, CSAM, PCRS) — and prints their
 * URLs, credentials and commands to try, until Ctrl-C.
 *   --hosts N  --detections N (average per host)  --kb N  --seed N  --port N  --gateway-port N
 *   --assets N (CSAM assets without a VM host)  --web-apps N  --findings N (average per web app)
 *   --policies N  --controls N (per policy)  --without csam,was,pc (modules the subscription lacks)
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
    "gateway-port": { type: "string", default: "0" },
    assets: { type: "string" },
    "web-apps": { type: "string", default: "10" },
    findings: { type: "string", default: "8" },
    policies: { type: "string", default: "3" },
    controls: { type: "string", default: "12" },
    without: { type: "string", default: "" },
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

const without = (values.without ?? "").split(",").map((m) => m.trim()).filter(Boolean);
const unknownModule = without.find((m) => !["csam", "was", "pc"].includes(m));
if (unknownModule) {
  console.error(`tenant: --without takes csam, was and pc, not "${unknownModule}"`);
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
    gatewayPort: number("gateway-port", values["gateway-port"]),
    ...(values.assets === undefined ? {} : { extraAssets: number("assets", values.assets) }),
    webApps: number("web-apps", values["web-apps"]),
    findingsPerWebApp: number("findings", values.findings),
    policies: number("policies", values.policies),
    controlsPerPolicy: number("controls", values.controls),
    modules: Object.fromEntries(without.map((m) => [m, false])),
    costPerHostMs: number("cost", values.cost),
    latencyMs: number("latency", values.latency),
    limits: { rate: { limit: Number(rate[1]), windowSec: Number(rate[2]) }, concurrency: number("concurrency", values.concurrency) },
    retiredVersions: values["serve-retired"] ? "serve" : "refuse",
  });
} catch (err) {
  console.error(`tenant: ${(err as Error).message}`);
  process.exit(2);
}

const { url, gatewayUrl, credentials, model } = tenant;
console.log(`Synthetic Qualys tenant: ${model.hostIds().length} hosts, ${model.kbSize()} QIDs, ${model.csam.assetIds().length} CSAM assets, ${model.was.webAppStates().length} web apps, ${model.pc.policyDefs().length} PC policies; clock at ${new Date(model.now()).toISOString()}`);
if (without.length) console.log(`  without   ${without.join(", ")} (refused as Qualys refuses a module the subscription lacks)`);
console.log(`  API URL      ${url}   (VM, WAS)`);
console.log(`  gateway URL  ${gatewayUrl}   (/auth, CSAM, PCRS)`);
console.log(`  username     ${credentials.username}`);
console.log(`  password     ${credentials.password}`);
console.log(`  versions     HLD 5.0, host list 5.0, KB 4.0; retired ones (HLD 2.0–4.0, KB 2.0–3.0) ${values["serve-retired"] ? "served in their old shape" : "answer 404 (--serve-retired to serve them)"}`);
const env = `QUALYS_API_URL=${url} QUALYS_GATEWAY_URL=${gatewayUrl} QUALYS_USERNAME=${credentials.username} QUALYS_PASSWORD=${credentials.password}`;
console.log("Try:");
console.log(`  ${env} npm run -s qualys -- --format ndjson vm detections --show-qds | head -c 2000`);
// The tenant's clock is its own (`now`), not the wall clock: --since is relative to it.
const since = new Date(model.now() - 3 * 86_400_000).toISOString().slice(0, 10);
console.log(`  ${env} npm run -s qualys -- --format ndjson csam assets --since ${since} | head -c 2000`);
console.log(`  ${env} npm run -s qualys -- --format ndjson was findings --verbose | head -c 2000`);
console.log(`  ${env} npm run -s qualys -- --format ndjson pcrs posture --batch-size 250 | head -c 2000`);
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
