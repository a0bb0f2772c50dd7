/**
 * Type-level checks of the public API. Checked twice: by `npm run typecheck` against the sources,
 * and by tests/packaging/package.test.ts against the built declarations, with each
 * `../../src/<entry>.js` import rewritten to `qualys-ts/<entry>`. Every `@ts-expect-error` must
 * really be an error, so misuse stays a compile error for users.
 */
import { apiVersionTable, createQualysClient, versionStatus, type ApiVersionRow, type GatewayCheck, type QualysClient, type QualysClientOptions, type Runtime } from "../../src/index.js";
import { createCarClient, type CarClient } from "../../src/car.js";
import { ApiVersionError, RateLimitError, QualysError } from "../../src/errors.js";
import { startQualysMock } from "../../src/mock.js";
import { createCsamClient, csamSinceFilter, type CsamClient } from "../../src/csam.js";
import { createWasClient, wasSinceCriterion, type WasClient } from "../../src/was.js";
import { createPcrsClient, JsonStreamError, postureRecordsOf, type PcrsClient, type PostureRecord } from "../../src/pcrs.js";
import { RateLimitStoreError, redisStore } from "../../src/redis.js";
import { buildReport, DatabaseError, writeReport, type Report } from "../../src/report.js";
import type { DetectionHost } from "../../src/vm.js";

declare const qualys: QualysClient;
declare const runtime: Runtime;

export async function usesTheClientAsDocumented(): Promise<void> {
  const client = createQualysClient({ platform: "US2", credentials: { username: "u", password: "p" }, vmAuth: "session", timeoutMs: 60_000 });
  const page = await client.car.searchJobs({ body: { sort: [{ id: "desc" }], pageSize: 100 } });
  const total: number | undefined = page.body?.totalCount;
  for await (const job of client.car.searchJobs.items({ body: { sort: [{ id: "asc" }] } })) {
    const id: string | undefined = job.data.id;
    void id;
  }
  // API versions: the table, a status on a day, an older version per call, the error of a refused one.
  const rows: readonly ApiVersionRow[] = apiVersionTable;
  const state: string = versionStatus(rows[0]!.current, true, Date.now()).state;
  const jwtClient = createQualysClient({ platform: "US2", credentials: { clientId: "c", clientSecret: "s", clientLevel: "user" }, vmAuth: "jwt", vm: { apiVersions: { listVulns: "3.0" } } });
  const setup: "basic" | "session" | "jwt" = jwtClient.setup.vmAuth;
  void state;
  void setup;
  try {
    for await (const host of qualys.vm.listHostDetections({}, { apiVersion: "4.0" })) {
      const cves: string[] | undefined = host.detectionList?.[0]?.cve;
      const status: string | undefined = host.detectionList?.[0]?.truriskEliminationStatus;
      void cves;
      void status;
    }
  } catch (err) {
    if (err instanceof ApiVersionError) {
      const use: string | undefined = err.use;
      const path: string = err.path;
      void use;
      void path;
    }
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
  for await (const asset of qualys.csam.searchAssets.items({ params: { query: { pageSize: 300 } }, body: { filters: [csamSinceFilter("7d")] } })) {
    const name: string | null | undefined = asset.assetName;
    const modified: string | null | undefined = asset.lastModifiedDate;
    void name;
    void modified;
  }
  const criteria = [wasSinceCriterion("findings", "2025-07-01")];
  for await (const finding of qualys.was.searchFindings.items({ body: { ServiceRequest: { filters: { Criteria: criteria } } } })) {
    const qid: number | undefined = finding.qid;
    void qid;
  }
  for await (const record of qualys.pcrs.postureRecords({ since: "2026-11-01", batchSize: 250, evidence: true })) {
    const status: "Passed" | "Failed" | "Error" | undefined = record.status;
    const id: string | number | undefined = record.id;
    void status;
    void id;
  }
  const plan = await qualys.pcrs.posturePlan({ policyIds: [4677689] });
  for await (const record of qualys.pcrs.postureInfo({ slices: plan.slices.slice(0, 1), query: { compressionRequired: 0 } })) void record;
  const csam: CsamClient = createCsamClient(runtime);
  const was: WasClient = createWasClient(runtime);
  const pcrs: PcrsClient = createPcrsClient(runtime);
  try {
    for await (const record of postureRecordsOf(await pcrs.getPostureInfo({ params: { query: {} }, body: [{ policyId: "1", hostIds: ["2"] }] }))) {
      const r: PostureRecord = record;
      void r;
    }
  } catch (err) {
    if (err instanceof JsonStreamError) console.log(err.problem, err.records);
  }
  void csam;
  void was;
  const check: GatewayCheck = await qualys.checkGateway();
  const expires: Date | undefined = check.expiresAt;
  const vmUrl: string = qualys.baseUrl("vm");
  await client.close();
  void total;
  void zip;
  void expires;
  void vmUrl;
}

export async function configuresAsDocumented(): Promise<void> {
  const mock = await startQualysMock({ modules: ["car", "vm"] });
  const options: QualysClientOptions = {
    credentials: { token: "t" },
    vmAuth: "oidc",
    baseUrls: { ...mock.urls, gateway: "https://gateway.example", vm: "https://qualysapi.example" },
    rateLimit: { waitBudgetMs: 60_000, retry: { attempts: 5 } },
    vm: { apiVersions: { listHostDetections: "5.0" } },
    hooks: {
      onRateLimit: (info) => console.error(`${info.operationId} waits ${info.waitMs} ms (${info.code})`),
      onRetry: (info) => console.error(`${info.operationId}: retry ${info.attempt} after ${info.reason}`),
      onDeprecated: (warning) => console.error(warning.message),
    },
  };
  createQualysClient(options);
  createQualysClient({ credentials: { clientId: "c", clientSecret: "s" }, platform: { apiUrl: "https://qualysapi.acme.example", gatewayUrl: "https://gateway.acme.example" } });
  const car: CarClient = createCarClient(runtime);
  await car.listScriptTypes();
  try {
    await qualys.car.listScriptTypes();
  } catch (err) {
    if (err instanceof RateLimitError) {
      const wait: number | undefined = err.waitMs;
      void wait;
    } else if (err instanceof QualysError) {
      const message: string = err.message;
      void message;
    }
  }
  await mock.close();
}

export async function sharesLimitsThroughRedis(): Promise<void> {
  const client = createQualysClient({ platform: "US2", rateLimit: { store: redisStore({ url: "redis://127.0.0.1:6379", leaseMs: 10_000, onUnavailable: "local" }) } });
  try {
    await client.vm.listScans();
  } catch (err) {
    if (err instanceof RateLimitStoreError) console.log(err.where, err.operation);
  }
  // @ts-expect-error onUnavailable is "fail" or "local"
  redisStore({ url: "redis://127.0.0.1:6379", onUnavailable: "retry" });
  // @ts-expect-error the URL is required
  redisStore({ keyPrefix: "x" });
  await client.close();
}

export async function rejectsMisuse(): Promise<void> {
  // @ts-expect-error platform names are checked
  createQualysClient({ platform: "US9", credentials: { token: "t" } });
  // @ts-expect-error baseUrls keys are module or family names
  createQualysClient({ credentials: { token: "t" }, baseUrls: { cars: "http://127.0.0.1:1" } });
  // @ts-expect-error vmAuth is "basic", "session" or "oidc"
  createQualysClient({ credentials: { token: "t" }, vmAuth: "kerberos" });
  // @ts-expect-error credentials are {username, password}, {clientId, clientSecret} or {token}
  createQualysClient({ credentials: { user: "u", pass: "p" } });
  // @ts-expect-error hooks get typed information
  createQualysClient({ credentials: { token: "t" }, hooks: { onRateLimit: (info: { waitMs: string }) => info } });
  // @ts-expect-error only the API versions the spec knows for the endpoint
  createQualysClient({ credentials: { token: "t" }, vm: { apiVersions: { listHostDetections: "9.9" } } });
  // @ts-expect-error per-call API versions are checked too
  qualys.vm.listHostDetections({}, { apiVersion: "1.0" });
  // @ts-expect-error searchJobs needs a body with a sort
  await qualys.car.searchJobs();
  // @ts-expect-error unknown form parameter of an action
  await qualys.vm.listScans({ no_such_param: 1 });
  // @ts-expect-error launchReport's params (template_id, output_format) are required
  await qualys.vm.launchReport();
  // @ts-expect-error path parameters are typed
  await qualys.car.updateScript({ params: { path: { id: "not a number" } }, body: {} });
  // @ts-expect-error the client has no module of that name
  void qualys.pm;
  // @ts-expect-error CSAM's pageSize is a number
  await qualys.csam.searchAssets({ params: { query: { pageSize: "lots" } } });
  // @ts-expect-error PCRS's posture walk takes "evaluated" or "statusChanged"
  qualys.pcrs.postureRecords({ sinceField: "modified" });
  // @ts-expect-error PCRS flags are 0 or 1
  await qualys.pcrs.getPostureInfo({ params: { query: { compressionRequired: 2 } }, body: [] });
}

export async function buildsTheReportAsDocumented(): Promise<void> {
  const report: Report = await buildReport({ db: "sqlite:./export.db", since: "2024-01-01", asOf: new Date() });
  const figures: readonly Record<string, unknown>[] = report.sections[0]!.rows;
  const dialect: "sqlite" | "postgres" = report.dialect;
  await writeReport({ db: "postgres://report@127.0.0.1/qualys", out: "report.html" });
  const failed: unknown = new DatabaseError("x");
  void figures;
  void dialect;
  void failed;
  // @ts-expect-error the report needs a database
  await buildReport({ since: "2024-01-01" });
  // @ts-expect-error writeReport needs somewhere to write
  await writeReport({ db: "sqlite:./export.db" });
}
