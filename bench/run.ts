/** `npm run bench`: every benchmark, each printed as ratios against its baseline from the same run. */
import { overheadBench } from "./overhead.js";
import { rateLimitBench } from "./rate-limit.js";
import { tenantBench } from "./tenant.js";
import { xmlBench } from "./xml.js";

await rateLimitBench();
await overheadBench();
await xmlBench();
await tenantBench();
