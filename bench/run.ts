/** `npm run bench`: every benchmark, each printed as ratios against its baseline from the same run. */
import { exportBench } from "./export.js";
import { overheadBench } from "./overhead.js";
import { pcrsBench } from "./pcrs.js";
import { rateLimitBench } from "./rate-limit.js";
import { reportBench } from "./report.js";
import { tenantBench } from "./tenant.js";
import { xmlBench } from "./xml.js";
import { xmlAdversarialBench } from "./xml-adversarial.js";

await rateLimitBench();
await overheadBench();
await xmlBench();
await xmlAdversarialBench();
await reportBench();
await tenantBench();
await pcrsBench();
await exportBench();
