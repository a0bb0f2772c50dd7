/**
 * `npm run demo`: the main job on the embedded default. Starts the Prism mock of every spec on
 * 127.0.0.1, takes a short tour through the generated clients (no Qualys account needed), prints
 * what came back and stops the mocks.
 */
import { createCarClient } from "../src/generated/car/index.js";
import { createEtmClient } from "../src/generated/etm/index.js";
import { createQflowClient } from "../src/generated/qflow/index.js";
import { createSaasdrClient } from "../src/generated/saasdr/index.js";
import { startQualysMock } from "../src/mock/index.js";
import { compose, fetchTransport } from "../src/runtime/pipeline.js";
import type { Runtime } from "../src/runtime/runtime.js";
import type { Layer } from "../src/runtime/types.js";

const mockToken: Layer = (next) => (request, ctx) => {
  if (!ctx.skipAuth) request.headers.set("Authorization", "Bearer demo-token");
  return next(request, ctx);
};

function show(title: string, value: unknown): void {
  console.log(`\n▸ ${title}`);
  console.log(JSON.stringify(value, null, 2).split("\n").slice(0, 14).join("\n"));
}

async function main(): Promise<void> {
  console.log("Starting the Prism mocks of specs/ on 127.0.0.1 …");
  const mock = await startQualysMock({ modules: ["car", "etm", "qflow", "saasdr"] });
  try {
    const runtime: Runtime = {
      handler: compose([mockToken], fetchTransport),
      baseUrl: (_family, module) => mock.urls[module ?? ""] ?? "",
      onDeprecated: (w) => console.log(`  (warning: ${w.message})`),
    };
    const car = createCarClient(runtime);
    const etm = createEtmClient(runtime);
    const qflow = createQflowClient(runtime);
    const sdr = createSaasdrClient(runtime);

    const languages = await car.listScriptLanguages();
    show("car.listScriptLanguages()", languages.body?.list);

    let jobs = 0;
    for await (const job of car.searchJobs.items({ body: { sort: [{ "created.dateTime": "desc" }, { id: "desc" }], pageSize: 10 } })) {
      if (jobs++ === 0) show("car.searchJobs.items(…) — first job", job.data);
    }
    console.log(`  … ${jobs} jobs in all (the mock serves one short page)`);

    const report = await etm.submitFindingsReport({ body: { reportFormat: "JSON", findingsQql: "finding.severity:[5]" } });
    show("etm.submitFindingsReport(…)", report);

    const workflows = await qflow.listWorkflows({ params: { query: { pageSize: 10, pageNumber: 1 } } });
    show("qflow.listWorkflows(…)", workflows);

    const controls = await sdr.listControls();
    show("saasdr.listControls()", Array.isArray(controls) ? controls.slice(0, 2) : controls);
  } finally {
    await mock.close();
  }
  console.log("\nDone: the mocks are stopped.");
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});
