/**
 * `npm run demo`: the main job on the embedded default. Starts the Prism mock of every spec on
 * 127.0.0.1 once, then takes a tour through the `qualys` CLI — one command per module, as a user
 * would type them — prints what came back, and stops the mocks. No Qualys account needed.
 */
import { Writable } from "node:stream";
import { main } from "../src/cli/main.js";
import { startQualysMock } from "../src/mock/index.js";

const tour: string[][] = [
  ["auth", "check"],
  ["--format", "ndjson", "vm", "detections", "--show-qds"],
  ["--format", "csv", "vm", "scans", "list"],
  ["vm", "kb", "--ids", "316760"],
  ["--format", "csv", "car", "scripts"],
  ["--format", "ndjson", "car", "jobs", "--filter", "script.name:Auto_script_22062022_074300047"],
  ["--format", "ndjson", "etm", "findings", "--qql", "finding.severity:[5]"],
  ["qflow", "workflows"],
  ["--format", "csv", "sdr", "controls"],
];

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

console.log("Starting the Prism mocks of specs/ on 127.0.0.1 …");
const mock = await startQualysMock();
process.env.QUALYS_MOCK_URLS = JSON.stringify(mock.urls);
let failures = 0;
try {
  for (const args of tour) {
    const out = capture();
    const err = capture();
    const code = await main(["--mock", ...args], { stdout: out.stream, stderr: err.stream });
    console.log(`\n$ qualys --mock ${args.join(" ")}   → exit ${code}`);
    const lines = out.text().trimEnd().split("\n");
    console.log(lines.slice(0, 12).map((l) => (l.length > 160 ? `${l.slice(0, 157)}…` : l)).join("\n") + (lines.length > 12 ? `\n… (${lines.length - 12} more lines)` : ""));
    if (err.text()) console.log(err.text().trimEnd());
    if (code !== 0) failures++;
  }
} finally {
  await mock.close();
}
console.log(`\nDone: ${tour.length - failures} of ${tour.length} commands succeeded; the mocks are stopped.`);
process.exitCode = failures ? 1 : 0;
