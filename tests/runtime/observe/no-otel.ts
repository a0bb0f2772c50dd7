/**
 * Run by no-otel.test.ts in a child process where `@opentelemetry/api` cannot be resolved (as for a
 * user who did not install it): a client call, a paged walk and withSpan must work and make no span.
 */
import { createQualysClient } from "../../../src/client.js";
import { withSpan } from "../../../src/runtime/observe/tracing.js";
import { carJobs, startCarPagesServer } from "../../servers/car-pages-server.js";

const server = await startCarPagesServer({ records: carJobs(15) });
const client = createQualysClient({ credentials: { token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln" }, baseUrls: { gateway: server.url }, logger: false });
let importFailed = false;
try {
  await import("@opentelemetry/api");
} catch {
  importFailed = true;
}
let items = 0;
const result = await withSpan("outer", { a: 1 }, async (span) => {
  span.setAttribute("b", 2);
  for await (const _ of client.car.searchJobsV1.items({ body: { filter: "x", pageSize: 10 } })) items++;
  return "done";
});
await client.close();
await server.close();
process.stdout.write(JSON.stringify({ importFailed, items, result }));
