/**
 * XML decoding of a ~50 MB host detection page (900 hosts, ~30 detections each), read from a
 * temp file in 64 KiB chunks: (a) the bare saxes tokenizer with no building, (b) this SDK's
 * streaming schema-driven decoder, (c) a DOM parse of the whole body (fast-xml-parser).
 * Throughput and peak-RSS growth are printed as ratios to (a) from the same run. Each contender
 * runs once in its own process, so its peak RSS is its own; RSS growth is its peak minus the
 * peak of an idle process that loaded the same modules. Every contender's totals are checked
 * against the generator's checksums: a wrong decoder fails the bench instead of looking fast.
 *
 *   npx tsx bench/xml.ts                  this benchmark alone (BENCH_XML_HOSTS=… to resize)
 *   npm run bench                         every benchmark (bench/run.ts calls xmlBench())
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { contenders, type ContenderName, type Totals } from "./xml/contenders.js";
import { generateHld, type Expected } from "./xml/generate.js";

const CHILD_FLAG = "--xml-bench-child";
const MiB = 1024 * 1024;

interface Measurement {
  ms: number;
  maxRss: number;
  totals: Totals;
}

/**
 * The node flags that load the same loader (tsx) in a child, without any `--eval` / `--print`
 * code: under `tsx -e "…xmlBench()"` that code would run again in every child, each spawning
 * more children.
 */
export function childExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-e" || arg === "--eval" || arg === "-p" || arg === "--print") i++;
    else if (!/^--(?:eval|print)=/.test(arg) && arg !== "--expose-gc") out.push(arg);
  }
  return out;
}

/** Runs one contender in a child process of the same node, with the same loader (tsx). */
function measure(name: ContenderName, file: string): Measurement {
  const run = spawnSync(process.execPath, [...childExecArgv(), "--expose-gc", fileURLToPath(import.meta.url), CHILD_FLAG, name, file], {
    encoding: "utf8",
    maxBuffer: 1024 * 1024,
    env: { ...process.env, QUALYS_XML_BENCH_CHILD: "1" },
  });
  if (run.status !== 0) throw new Error(`xml bench: contender ${name} failed (exit ${run.status}):\n${run.stderr}`);
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as Measurement;
}

function check(name: string, totals: Totals, expected: Expected): void {
  for (const [key, value] of Object.entries(totals)) {
    const want = expected[key as keyof Expected];
    if (value !== want) throw new Error(`xml bench: ${name} got ${key} = ${JSON.stringify(value)}, expected ${JSON.stringify(want)}`);
  }
}

export async function xmlBench(): Promise<void> {
  if (process.env.QUALYS_XML_BENCH_CHILD) throw new Error("xml bench: a contender process must not start the bench again");
  const hosts = Number(process.env.BENCH_XML_HOSTS ?? 900);
  const { xml, expected } = generateHld(hosts);
  const dir = mkdtempSync(join(tmpdir(), "qualys-ts-xml-bench-"));
  const file = join(dir, "hld.xml");
  writeFileSync(file, xml);
  try {
    const mb = xml.length / 1e6;
    console.log(
      `\nxml: ${mb.toFixed(1)} MB host detection page, ${expected.hosts} hosts, ${expected.detections} detections, RESULTS ${(expected.resultsLength / 1e6).toFixed(1)} M chars, 64 KiB chunks, one run per contender`,
    );
    const idle = measure("idle", file);
    const rows: [string, ContenderName][] = [
      ["(a) bare saxes tokenizer, no building", "bare"],
      ["(b) qualys-ts decodeXml (typed records)", "adapter"],
      ["(c) fast-xml-parser DOM of the whole body", "dom"],
    ];
    const results = rows.map(([label, name]) => {
      const m = measure(name, file);
      check(label, m.totals, expected);
      return { label, m, growth: Math.max(0, m.maxRss - idle.maxRss) };
    });
    const base = results[0]!;
    console.table(
      results.map(({ label, m, growth }) => ({
        decoder: label,
        "MB/s": (mb / (m.ms / 1000)).toFixed(1),
        "speed × (a)": (base.m.ms / m.ms).toFixed(2),
        "peak RSS MiB": (m.maxRss / MiB).toFixed(0),
        "RSS growth MiB": (growth / MiB).toFixed(1),
        "growth × (a)": base.growth > 0 ? (growth / base.growth).toFixed(1) : "n/a",
        "checked totals": Object.keys(m.totals).length,
      })),
    );
    console.log(`(idle process peak RSS ${(idle.maxRss / MiB).toFixed(0)} MiB; growth = peak − idle peak)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(name: ContenderName, file: string): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = performance.now();
  const totals = await contenders[name](file);
  const ms = performance.now() - start;
  const measurement: Measurement = { ms, maxRss: process.resourceUsage().maxRSS * 1024, totals };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf(CHILD_FLAG);
  if (at >= 0) await child(process.argv[at + 1] as ContenderName, process.argv[at + 2]!);
  else await xmlBench();
}
