/**
 * `qualys csam assets` and `qualys was webapps|findings|scans`: against the Prism mocks (`--mock`),
 * and against a local stand-in to check what goes out (filters, since, fields, paging) and what
 * comes back, with usage errors as exit code 2.
 */
import { describe, expect, inject, it } from "vitest";
import { answerAuth, cli, localUser, startServer, withEnv, type ServerRequest } from "./support.js";

const urls = inject("prismUrls");
const mocked = (body: () => Promise<void>) => () => withEnv({ QUALYS_MOCK_URLS: JSON.stringify(urls) }, body);

describe.skipIf(Object.keys(urls).length === 0)("qualys --mock csam / was (Prism)", () => {
  it(
    "csam assets: CSV with chosen columns, --since and --filter accepted by the mock's request validation",
    mocked(async () => {
      const r = await cli(["--mock", "-f", "csv", "--columns", "assetId,assetName,operatingSystem.fullName,lastModifiedDate", "csam", "assets", "--since", "7d", "--filter", "operatingSystem.category1:IN:Windows,Linux"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("assetId,assetName,operatingSystem.fullName,lastModifiedDate\n9668984,web-01.example.com,Ubuntu Linux 22.04,2025-07-11T14:21:10.000Z\n");
    }),
  );

  it(
    "was webapps, findings and scans stream their records, unwrapped",
    mocked(async () => {
      const apps = await cli(["--mock", "was", "webapps"]);
      expect(apps.code).toBe(0);
      expect(JSON.parse(apps.stdout)).toEqual([expect.objectContaining({ id: 238483925, name: "Demo shop" })]);
      const findings = await cli(["--mock", "-f", "ndjson", "was", "findings", "--since", "2025-07-01", "--verbose"]);
      expect(findings.code).toBe(0);
      expect(JSON.parse(findings.stdout)).toMatchObject({ id: 18119520, qid: 150528, status: "ACTIVE" });
      const scans = await cli(["--mock", "-f", "csv", "--columns", "id,status,summary.resultsStatus", "was", "scans", "--since", "30d"]);
      expect(scans.stdout).toBe("id,status,summary.resultsStatus\n1902350,FINISHED,SUCCESSFUL\n");
    }),
  );
});

const asset = (assetId: number) => ({ assetId, assetName: `host-${assetId}`, lastModifiedDate: "2025-07-11T14:21:10.000Z" });

describe("qualys csam / was against a local stand-in", () => {
  it("csam assets sends filters as the JSON body and paging/fields as the query, and walks to the 204", async () => {
    let page = 0;
    const server = await startServer((req: ServerRequest, res) => {
      if (answerAuth(req, res)) return;
      page++;
      if (page === 3) {
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ responseCode: "SUCCESS", count: 2, hasMore: 1, lastSeenAssetId: page * 100, assetListData: { asset: [asset(page * 100 - 1), asset(page * 100)] } }));
    });
    try {
      const r = await withEnv(localUser(server.url), () =>
        cli(["-f", "ndjson", "csam", "assets", "--filter", "asset.name:contains:web", "--filter", "asset.created:GREATER:2024-01-01T00:00:00Z", "--since", "2025-07-01T12:30:00+02:00", "--since-field", "sensor", "--or", "--fields", "software,openPort", "--page-size", "2"]),
      );
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split("\n").map((l) => (JSON.parse(l) as { assetId: number }).assetId)).toEqual([99, 100, 199, 200]);
      const calls = server.requests.filter((q) => q.path === "/rest/2.0/search/am/asset");
      expect(calls.map((q) => q.query.get("lastSeenAssetId"))).toEqual([null, "100", "200"]);
      expect(calls[0]!.headers.authorization).toMatch(/^Bearer /);
      expect(Object.fromEntries(calls[0]!.query)).toEqual({ pageSize: "2", includeFields: "software,openPort" });
      expect(JSON.parse(calls[2]!.body)).toEqual({
        filters: [
          { field: "asset.name", operator: "CONTAINS", value: "web" },
          // The date keeps its colons; --since is UTC without milliseconds.
          { field: "asset.created", operator: "GREATER", value: "2024-01-01T00:00:00Z" },
          { field: "inventory.lastUpdated", operator: "GREATER", value: "2025-07-01T10:30:00Z" },
        ],
        operation: "OR",
      });
    } finally {
      await server.close();
    }
  });

  it("was findings sends since and filters as criteria on the API server, with Basic auth", async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ ServiceResponse: { responseCode: "SUCCESS", count: 1, hasMoreRecords: "false", data: [{ Finding: { id: 5, qid: 150528, severity: "3" } }] } }));
    });
    try {
      const r = await withEnv(localUser(server.url), () => cli(["-f", "ndjson", "was", "findings", "--since", "2025-07-01", "--since-field", "lastTestedDate", "--filter", "webApp.id:IN:1,2", "--filter", "type:not equals:INFORMATION_GATHERED", "--page-size", "500"]));
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual({ id: 5, qid: 150528, severity: "3" });
      const [call] = server.requests;
      expect(call!.path).toBe("/qps/rest/3.0/search/was/finding");
      expect(call!.headers.authorization).toMatch(/^Basic /);
      expect(call!.headers.accept).toBe("application/json");
      expect(JSON.parse(call!.body)).toEqual({
        ServiceRequest: {
          preferences: { limitResults: 500 },
          filters: {
            Criteria: [
              { field: "webApp.id", operator: "IN", value: "1,2" },
              { field: "type", operator: "NOT EQUALS", value: "INFORMATION_GATHERED" },
              { field: "lastTestedDate", operator: "GREATER", value: "2025-07-01T00:00:00Z" },
            ],
          },
        },
      });
    } finally {
      await server.close();
    }
  });

  it("a WAS error under HTTP 200 is one line on stderr and exit 1", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ ServiceResponse: { responseCode: "UNAUTHORIZED", responseErrorDetails: { errorMessage: "You are not authorized to access the application through the API." } } }));
    });
    try {
      const r = await withEnv(localUser(server.url), () => cli(["was", "webapps"]));
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^qualys: .*UNAUTHORIZED.*not authorized.*\n$/);
    } finally {
      await server.close();
    }
  });

  it("refuses bad filters, dates and page sizes with exit 2 before calling Qualys", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    try {
      await withEnv(localUser(server.url), async () => {
        const cases: [string[], RegExp][] = [
          [["csam", "assets", "--filter", "asset.name=web"], /FIELD:OPERATOR:VALUE/],
          [["csam", "assets", "--filter", "asset.name:LIKE:web"], /LIKE/],
          [["csam", "assets", "--page-size", "301"], /1–300/],
          [["csam", "assets", "--since-field", "created"], /modified, sensor/],
          [["csam", "assets", "--since", "yesterday"], /since.*"yesterday"/],
          [["was", "findings", "--since", "2025-07-01", "--since-field", "detectedDate"], /lastDetectedDate/],
          [["was", "scans", "--since-field", "launchedDate"], /needs --since/],
          [["was", "webapps", "--page-size", "1001"], /1–1000/],
        ];
        for (const [args, message] of cases) {
          const r = await cli(args);
          expect(r.code, args.join(" ")).toBe(2);
          expect(r.stderr, args.join(" ")).toMatch(message);
        }
      });
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
