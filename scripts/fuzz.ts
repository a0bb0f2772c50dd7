/**
 * `npm run fuzz`: the large XML fuzz run (over 10,000 generated inputs from real Qualys captures),
 * printed as counts per outcome and per kind. Exits 1 on any crash, hang or partial record.
 *   npm run fuzz -- --seed 7
 */
import { runXmlFuzz } from "../tests/fuzz/run-xml.js";

const seedAt = process.argv.indexOf("--seed");
const seed = seedAt === -1 ? 20261130 : Number(process.argv[seedAt + 1]);
let last = 0;
const summary = await runXmlFuzz({
  scale: "large",
  seed,
  onProgress: (done, total) => {
    if (process.stderr.isTTY && Date.now() - last > 500) {
      last = Date.now();
      process.stderr.write(`\r${done}/${total} inputs`);
    }
  },
});
if (process.stderr.isTTY) process.stderr.write("\n");
console.log(`XML fuzz, seed ${seed}: ${summary.inputs} inputs in ${summary.seconds.toFixed(1)} s`);
console.table({
  inputs: summary.inputs,
  "typed errors": summary.typedErrors,
  accepted: summary.accepted,
  "crashes (must be 0)": summary.crashes,
  "hangs (must be 0)": summary.hangs,
  "partial records (must be 0)": summary.partialRecords,
});
console.table(summary.byKind);
for (const failure of summary.failures.slice(0, 40)) console.log(`  ${failure}`);
process.exitCode = summary.crashes || summary.hangs || summary.partialRecords ? 1 : 0;
