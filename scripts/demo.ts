/**
 * `npm run demo`: the `qualys` CLI against the bundled mock, no Qualys account needed. Starts the
 * Prism mock of every spec on 127.0.0.1 once, runs a scripted tour through the CLI — a command or
 * two per module, as a user would type them (`qualys --mock …`) — prints what came back, and stops
 * the mocks. Exits 0 when every command ended as expected.
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "../src/cli/main.js";
import { openDatabase } from "../src/db/open.js";
import { startQualysMock } from "../src/mock/index.js";
import { startTenant } from "../src/tenant.js";
import { mcpDemo } from "./demo-mcp.js";

interface Step {
  readonly say: string;
  readonly args: string[];
  /** The exit code this step should end with (one step shows a Qualys error on purpose). */
  readonly exit?: number;
}

const WORKFLOW = "f516bcf4-f6fb-46ac-a54f-ddbcf2a2d24a"; // the mock's example workflow

const tour: Step[] = [
  { say: "Are the credentials good? (a gateway JWT, then one VM call)", args: ["auth", "check"] },
  { say: "Which API versions will it call? One line per endpoint (current by default), plus the auth checks", args: ["doctor"] },
  { say: "VM: every host with its detections, streamed as NDJSON", args: ["--format", "ndjson", "vm", "detections", "--show-qds", "--severities", "2-5"] },
  { say: "VM: the same as CSV, one row per detection, chosen columns", args: ["--format", "csv", "--columns", "host.id,host.ip,qid,severity,status,qds.value,lastFoundDatetime", "vm", "detections", "--show-qds"] },
  { say: "VM: scans as CSV (nested fields flattened: status.state)", args: ["--format", "csv", "vm", "scans", "list"] },
  { say: "VM: launch a scan", args: ["vm", "scans", "launch", "--title", "demo scan", "--ip", "10.0.0.1-10.0.0.20", "--option-id", "552233"] },
  { say: "VM: a KnowledgeBase entry", args: ["--format", "ndjson", "vm", "kb", "--ids", "316760"] },
  { say: "VM: a Qualys error is one line on stderr and exit code 1", args: ["vm", "reports", "fetch", "4927942"], exit: 1 },
  { say: "CAR: script types and languages", args: ["--format", "csv", "car", "scripts"] },
  { say: "CAR: script jobs (sort + searchAfter paging)", args: ["--format", "ndjson", "car", "jobs", "--filter", "script.name:Auto_script_22062022_074300047"] },
  { say: "ETM: a findings report — submitted, waited for, streamed", args: ["--format", "ndjson", "etm", "findings", "--qql", "finding.severity:[5]"] },
  { say: "QFlow: workflows (paged from page 1)", args: ["--format", "csv", "--columns", "id,name,revision,tags", "qflow", "workflows"] },
  { say: "QFlow: run one", args: ["--format", "ndjson", "qflow", "run", WORKFLOW, "--input", '{"buckets":["demo-bucket"]}'] },
  { say: "CSAM: assets changed in the last 7 days, Windows or Linux, as CSV (lastSeenAssetId paging)", args: ["--format", "csv", "--columns", "assetId,assetName,address,operatingSystem.fullName,lastModifiedDate", "csam", "assets", "--since", "7d", "--filter", "operatingSystem.category1:IN:Windows,Linux"] },
  { say: "WAS: findings last detected since a date, as NDJSON (id GREATER lastId paging)", args: ["--format", "ndjson", "was", "findings", "--since", "2025-07-01", "--verbose"] },
  { say: "PCRS: compliance posture — policy list, host ids, then posture decoded as it streams (gzip by default)", args: ["--format", "csv", "--columns", "hostId,policyId,controlId,instance,status,postureModifiedDate", "pcrs", "posture"] },
  { say: "SaaSDR: controls", args: ["--format", "csv", "--columns", "cid,criticality,connectorType,name", "sdr", "controls"] },
];

function capture(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

const quote = (arg: string) => (/^[\w.,:/=@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
const clip = (line: string) => (line.length > 150 ? `${line.slice(0, 149)}…` : line);
const MAX_LINES = 8;

const started = Date.now();
console.log("Starting the Prism mock of every spec in specs/ on 127.0.0.1 …");
const mock = await startQualysMock();
console.log(`Mocks up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.entries(mock.urls).map(([m, u]) => `${m} ${u}`).join(", ")}`);
process.env.QUALYS_MOCK_URLS = JSON.stringify(mock.urls); // `--mock` reuses these instead of starting its own

let failures = 0;
try {
  for (const step of tour) {
    const out = capture();
    const err = capture();
    const code = await main(["--mock", ...step.args], { stdout: out.stream, stderr: err.stream });
    const ok = code === (step.exit ?? 0);
    if (!ok) failures++;
    console.log(`\n# ${step.say}\n$ qualys --mock ${step.args.map(quote).join(" ")}`);
    const lines = out.text().trimEnd().split("\n").filter(Boolean);
    for (const line of lines.slice(0, MAX_LINES)) console.log(`  ${clip(line)}`);
    if (lines.length > MAX_LINES) console.log(`  … ${lines.length - MAX_LINES} more lines`);
    for (const line of err.text().trimEnd().split("\n").filter(Boolean)) console.log(`  (stderr) ${clip(line)}`);
    console.log(`  → exit ${code}${ok ? "" : `, expected ${step.exit ?? 0}`}`);
  }
  failures += await mcpDemo(mock.urls);
} finally {
  await mock.close();
}
failures += await exportDemo();

/**
 * The export: a synthetic subscription of a few thousand hosts (with Qualys's limits and a
 * little server time per host; its CSAM assets, WAS web apps and findings, and PC posture from
 * PCRS on the gateway too), `qualys export` into SQLite with its progress bars, then real
 * questions answered in SQL.
 */
async function exportDemo(): Promise<number> {
  const tenant = await startTenant({ hosts: 3000, detectionsPerHost: 20, kbSize: 1500, seed: 42, now: Date.now(), costPerHostMs: 1, limits: { concurrency: 4 } });
  const dir = join(import.meta.dirname, "..", "demo-output");
  mkdirSync(dir, { recursive: true });
  const db = join(dir, "qualys.db");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
  const saved = { ...process.env };
  // The tenant speaks the real VM API on 127.0.0.1; the CLI finds it as it would find Qualys.
  Object.assign(process.env, { QUALYS_USERNAME: tenant.credentials.username, QUALYS_PASSWORD: tenant.credentials.password, QUALYS_API_URL: tenant.url, QUALYS_GATEWAY_URL: tenant.gatewayUrl });
  const args = ["export", "--db", `sqlite:${db}`, "--concurrency", "4"];
  console.log(`\n# Export the whole subscription (a synthetic tenant: 3,000 hosts with CSAM assets, WAS web apps and PC posture, Qualys limits) into SQLite\n$ qualys ${args.join(" ")}`);
  let code: number;
  try {
    code = await main(args, { stdout: process.stdout, stderr: process.stderr });
  } finally {
    process.env = saved;
    await tenant.close();
  }
  console.log(`  → exit ${code}; ${tenant.stats.calls} API calls, ${tenant.stats.blocked} blocked`);
  if (code !== 0) return 1;
  // Whichever SQLite this Node has: node:sqlite from 22.13 on, else better-sqlite3.
  const sql = await openDatabase(`sqlite:${db}`, { readonly: true });
  try {
    console.log("\n# Which vulnerabilities are open on the most hosts? (SQL on the export)");
    const top = await sql.all<{ qid: number; severity: number; hosts: number; title: string }>("SELECT qid, severity, hosts, title FROM open_by_qid ORDER BY hosts DESC, qid LIMIT 5");
    for (const r of top) console.log(`  QID ${String(r.qid).padEnd(6)} sev ${r.severity}  ${String(r.hosts).padStart(5)} hosts  ${clip(r.title ?? "")}`);
    console.log("\n# Open detections by severity");
    for (const r of await sql.all<{ severity: number; open_detections: number; hosts: number }>("SELECT severity, open_detections, hosts FROM open_by_severity ORDER BY severity DESC")) {
      console.log(`  severity ${r.severity}: ${r.open_detections.toLocaleString("en-US")} open on ${r.hosts.toLocaleString("en-US")} hosts`);
    }
    console.log("\n# PC posture: pass rate per compliance policy (PCRS, pc_posture)");
    const policies = await sql.all<{ policy_id: number; title: string; postures: number; pass_rate: number }>(
      "SELECT p.policy_id, MAX(pol.title) AS title, COUNT(*) AS postures, ROUND(100.0 * SUM(CASE WHEN p.status = 'Passed' THEN 1 ELSE 0 END) / COUNT(*), 1) AS pass_rate FROM pc_posture p LEFT JOIN pc_policies pol ON pol.policy_id = p.policy_id GROUP BY p.policy_id ORDER BY pass_rate",
    );
    for (const r of policies) console.log(`  policy ${r.policy_id}  ${String(r.pass_rate).padStart(5)} % of ${r.postures.toLocaleString("en-US").padStart(6)} postures passed  ${clip(r.title ?? "")}`);
    console.log("\n# CSAM assets per OS category, and how many are VM hosts (assets.host_id)");
    const assets = await sql.all<{ category: string; n: number; vm: number }>("SELECT COALESCE(os_category, '(unknown)') AS category, COUNT(*) AS n, COUNT(host_id) AS vm FROM assets WHERE removed_at IS NULL GROUP BY 1 ORDER BY n DESC");
    for (const r of assets) console.log(`  ${r.category.padEnd(10)} ${String(r.n).padStart(5)} assets, ${String(r.vm).padStart(5)} VM hosts`);
    console.log("\n# Open WAS findings by severity, with their KnowledgeBase title (was_findings.qid joins kb_vulns)");
    const was = await sql.all<{ severity: number; n: number; example: string | null }>("SELECT f.severity, COUNT(*) AS n, MIN(k.title) AS example FROM open_was_findings f LEFT JOIN kb_vulns k ON k.qid = f.qid GROUP BY f.severity ORDER BY f.severity DESC");
    for (const r of was) console.log(`  severity ${r.severity}: ${String(r.n).padStart(4)} open, e.g. ${clip(r.example ?? "")}`);
    if (!top.length || !policies.length || !assets.length || !was.length) return 1;
  } finally {
    await sql.close();
  }
  // The report built on the export: one static HTML file, charts and the SQL behind each figure.
  const out = join(dir, "report.html");
  const reportArgs = ["report", "--db", `sqlite:${db}`, "-o", out];
  console.log(`\n# The risk report from the database just exported (one HTML file, opens offline)\n$ qualys ${reportArgs.join(" ")}`);
  const reported = await main(reportArgs, { stdout: process.stdout, stderr: process.stderr });
  if (reported !== 0) return reported;
  console.log(`  → exit 0; wrote ${out} (${Math.round(statSync(out).size / 1024)} KiB)`);
  return 0;
}

console.log(
  `\n${tour.length + 3 - failures} of ${tour.length + 3} commands ended as expected in ${((Date.now() - started) / 1000).toFixed(1)} s; the mocks are stopped.` +
    "\nAgainst your subscription: set QUALYS_USERNAME, QUALYS_PASSWORD and QUALYS_PLATFORM, and drop --mock (npx tsx src/cli/main.ts …).",
);
process.exitCode = failures ? 1 : 0;
