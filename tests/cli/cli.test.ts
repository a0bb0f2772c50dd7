/**
 * The `qualys` CLI against the Prism mocks the global setup started (`--mock` reuses them through
 * QUALYS_MOCK_URLS): every command, each output format, as a user would run them.
 */
import { describe, expect, inject, it } from "vitest";
import { cli, withEnv } from "./support.js";

const urls = inject("prismUrls");
const mocked = (body: () => Promise<void>) => () => withEnv({ QUALYS_MOCK_URLS: JSON.stringify(urls) }, body);

describe.skipIf(Object.keys(urls).length === 0)("qualys --mock (Prism)", () => {
  it(
    "auth check: a gateway token and the VM portal version, one record each",
    mocked(async () => {
      const r = await cli(["--mock", "auth", "check"]);
      expect(r.code).toBe(0);
      const [gateway, vm] = JSON.parse(r.stdout) as Record<string, unknown>[];
      expect(gateway).toMatchObject({ api: "gateway", ok: true, url: urls.auth });
      expect(Date.parse(gateway!.tokenExpiresAt as string)).toBeGreaterThan(Date.now());
      expect(vm).toMatchObject({ api: "vm", ok: true, url: urls.vm, vm: "1.0.3", scanner: "12.1.67-1" });
    }),
  );

  it(
    "prints a JSON array",
    mocked(async () => {
      const r = await cli(["--mock", "vm", "scans", "list"]);
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith("[\n  {")).toBe(true);
      const scans = JSON.parse(r.stdout) as { ref: string; status: { state: string } }[];
      expect(scans.map((s) => s.ref)).toEqual(["scan/1512633905.79357", "scan/1512633883.79354"]);
      expect(r.stderr).toBe("");
    }),
  );

  it(
    "prints NDJSON, one record a line, dates as ISO strings",
    mocked(async () => {
      const r = await cli(["--mock", "--format", "ndjson", "vm", "detections", "--show-qds"]);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { id: number; lastScanDatetime: string; detectionList: { qds?: { value: number } }[] });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ id: 6506432, lastScanDatetime: "2018-04-13T03:49:05.000Z" });
      expect(lines[0]!.detectionList[0]!.qds?.value).toBe(25);
    }),
  );

  it(
    "prints CSV with flattened columns from the first record, and fixed columns where a command has them",
    mocked(async () => {
      const scripts = await cli(["--mock", "-f", "csv", "car", "scripts"]);
      expect(scripts.code).toBe(0);
      expect(scripts.stdout.trimEnd().split("\n")).toEqual(["kind,id,name,_other", "type,1,Custom,", "type,2,Custom QID,", "language,1,PowerShell,", "language,2,Shell,", "language,3,Python,"]);

      const scans = await cli(["--mock", "-f", "csv", "vm", "scans", "list"]);
      expect(scans.stdout.split("\n")[0]).toBe("ref,type,title,userLogin,launchDatetime,duration,processingPriority,processed,status.state,target,_other");
      expect(scans.stdout.split("\n")[1]).toBe("scan/1512633905.79357,On-Demand,shellshock 20171207,Thomas,2017-12-07T08:05:05.000Z,00:01:43,0 - No Priority,true,Error,47.69.112.62,");

      // Detections: one row per detection, the host's fields first, a fixed header.
      const detections = await cli(["--mock", "-f", "csv", "vm", "detections", "--show-qds"]);
      const [header, row] = detections.stdout.trimEnd().split("\n");
      expect(header).toMatch(/^host\.id,host\.ip,host\.dns,.*,qid,type,severity,status,.*,qds\.value,qds\.severity,results$/);
      const cells = Object.fromEntries(header!.split(",").map((c, i) => [c, row!.split(",")[i]]));
      expect(cells).toMatchObject({ "host.id": "6506432", "host.ip": "10.10.10.11", qid: "38170", severity: "2", ssl: "true", "qds.value": "25" });
    }),
  );

  it(
    "--columns picks and orders CSV columns",
    mocked(async () => {
      const r = await cli(["--mock", "-f", "csv", "--columns", "qid,host.ip,severity", "vm", "detections"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("qid,host.ip,severity\n38170,10.10.10.11,2\n");
    }),
  );

  it(
    "vm: hosts, KnowledgeBase, reports, scan launch",
    mocked(async () => {
      expect((await cli(["--mock", "vm", "hosts"])).code).toBe(0);
      const kb = JSON.parse((await cli(["--mock", "vm", "kb", "--ids", "316760"])).stdout) as { qid: number }[];
      expect(kb[0]!.qid).toBe(316760);
      const reports = await cli(["--mock", "-f", "ndjson", "vm", "reports", "list", "--state", "Finished"]);
      expect(JSON.parse(reports.stdout)).toMatchObject({ id: 4927942, status: { state: "Finished" } });
      const launched = await cli(["--mock", "vm", "scans", "launch", "--title", "weekly", "--ip", "10.0.0.1-10.0.0.9", "--option-id", "552233"]);
      expect(launched.code).toBe(0);
      expect(JSON.parse(launched.stdout)).toEqual([{ text: "New vm scan launched", ID: "1234567", REFERENCE: "scan/1763978400.12345" }]);
    }),
  );

  it(
    "a Qualys error document is one line on stderr and exit 1",
    mocked(async () => {
      // The mock's fetchReport example is the "report cannot be fetched" SIMPLE_RETURN (HTTP 200).
      const r = await cli(["--mock", "vm", "reports", "fetch", "4927942"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^qualys: .*7001.*\n$/);
    }),
  );

  it(
    "etm findings runs the report flow; qflow lists, pages and runs; sdr lists controls",
    mocked(async () => {
      const etm = await cli(["--mock", "-f", "ndjson", "etm", "findings", "--qql", "finding.severity:[5]"]);
      expect(etm.code).toBe(0);
      expect(JSON.parse(etm.stdout.trim())).toMatchObject({ cveId: "CVE-2024-6387" });

      const workflows = await cli(["--mock", "qflow", "workflows"]);
      const [workflow] = JSON.parse(workflows.stdout) as { id: string; name: string }[];
      expect(workflow!.name).toBe("Publicly accessible RDS DB Instances");

      const executions = await cli(["--mock", "-f", "ndjson", "qflow", "executions", workflow!.id]);
      expect(executions.stdout.trimEnd().split("\n").map((l) => (JSON.parse(l) as { status: string }).status)).toEqual(["Success", "Success"]);

      const run = await cli(["--mock", "qflow", "run", workflow!.id, "--input", '{"buckets":["b1"]}']);
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { executionId: string }[])[0]!.executionId).toMatch(/^[0-9a-f-]{36}$/);

      const sdr = await cli(["--mock", "-f", "csv", "sdr", "controls"]);
      expect(sdr.stdout.split("\n")[0]).toBe("cid,name,criticality,criticalityNo,connectorType,entityType,_other");
    }),
  );
});
