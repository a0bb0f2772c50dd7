/**
 * Type-level checks of the public API, compiled by `npm run typecheck` (part of `npm test`):
 * each `@ts-expect-error` must really be an error, so misuse stays a compile error.
 */
import { createQualysClient, type QualysClient } from "../../src/index.js";
import type { DetectionHost } from "../../src/vm.js";

declare const qualys: QualysClient;

export async function usesTheClientAsDocumented(): Promise<void> {
  const client = createQualysClient({ platform: "US2", credentials: { username: "u", password: "p" } });
  const page = await client.car.searchJobs({ body: { sort: [{ id: "desc" }], pageSize: 100 } });
  const total: number | undefined = page.body?.totalCount;
  for await (const job of client.car.searchJobs.items({ body: { sort: [{ id: "asc" }] } })) {
    const id: string | undefined = job.data.id;
    void id;
  }
  for await (const host of qualys.vm.listHostDetections({ show_qds: 1, truncation_limit: 500 })) {
    const h: DetectionHost = host;
    const qds: number | undefined = h.detectionList?.[0]?.qds?.value;
    const found: Date | undefined = h.detectionList?.[0]?.firstFoundDatetime;
    void qds;
    void found;
  }
  const report = await qualys.etm.findingsReport({ reportFormat: "JSON", findingsQql: "finding.severity:[5]" });
  const reportId: string = report.reportId;
  const zip: ReadableStream<Uint8Array> = await qualys.etm.downloadReport({ params: { path: { reportId } } });
  void total;
  void zip;
}

export async function rejectsMisuse(): Promise<void> {
  // @ts-expect-error platform names are checked
  createQualysClient({ platform: "US9", credentials: { token: "t" } });
  // @ts-expect-error searchJobs needs a body with a sort
  await qualys.car.searchJobs();
  // @ts-expect-error unknown form parameter of an action
  await qualys.vm.listScans({ no_such_param: 1 });
  // @ts-expect-error launchReport's params (template_id, output_format) are required
  await qualys.vm.launchReport();
  // @ts-expect-error path parameters are typed
  await qualys.car.updateScript({ params: { path: { id: "not a number" } }, body: {} });
}
