import { afterEach, describe, expect, it } from "vitest";
import { createVmClient } from "../../../src/generated/vm/index.js";
import type { DetectionHost } from "../../../src/generated/vm/xml-types.js";
import { HttpError } from "../../../src/runtime/errors/http-error.js";
import { NetworkError } from "../../../src/runtime/errors/network-error.js";
import { PagingError } from "../../../src/runtime/errors/paging-error.js";
import { QualysApiError } from "../../../src/runtime/errors/qualys-api-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import { detectionPage, hostXml, startVmServer, type VmRoute } from "../../servers/vm-pages-server.js";
import { drain } from "../../support/drain.js";

let server: Awaited<ReturnType<typeof startVmServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function vmAgainst(route: VmRoute) {
  server = await startVmServer(route);
  const url = server.url;
  return { server, vm: createVmClient({ handler: compose([], fetchTransport), baseUrl: () => url }) };
}


const xml = { "Content-Type": "text/xml;charset=UTF-8" };
const PAGE = 4;
const TOTAL = 10;

/** Hosts 1..10, four per page, each page pointing at the next with id_min like Qualys. */
const truncating: VmRoute = (req, res, origin) => {
  const from = Number(req.form.get("id_min") ?? 1);
  const ids = Array.from({ length: TOTAL }, (_, i) => i + 1).filter((id) => id >= from).slice(0, PAGE);
  const last = ids[ids.length - 1]!;
  const next = last < TOTAL ? `${origin}/api/5.0/fo/asset/host/vm/detection/?action=list&truncation_limit=${PAGE}&show_qds=1&id_min=${last + 1}` : undefined;
  res.writeHead(200, xml);
  res.end(detectionPage(ids, next));
};

describe("truncation paging", () => {
  it("follows every WARNING 1980 URL and yields each host once, in order", async () => {
    const { server, vm } = await vmAgainst(truncating);
    const pages: number[] = [];
    const stream = vm.listHostDetections({ truncation_limit: PAGE, show_qds: 1 }, { onPage: (p) => pages.push(p.number) });
    const { got, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(got.map((h) => h.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(got[4]!.detectionList![0]).toMatchObject({ qid: 90005, results: "host 5" });
    expect(pages).toEqual([1, 2, 3]);
    expect(stream.pages).toHaveLength(3);
    expect(server.requests.map((r) => r.form.get("id_min"))).toEqual([null, "5", "9"]);
    // Every page is a POST of form parameters to our host, with action=list kept.
    expect(server.requests.every((r) => r.path === "/api/5.0/fo/asset/host/vm/detection/" && r.form.get("action") === "list")).toBe(true);
    expect(server.requests[1]!.form.get("show_qds")).toBe("1");
  });

  it("throws after the complete records when page 2 breaks off mid-stream", async () => {
    const { vm } = await vmAgainst((req, res, origin) => {
      if (!req.form.get("id_min")) {
        res.writeHead(200, xml);
        return res.end(detectionPage([1, 2], `${origin}/api/5.0/fo/asset/host/vm/detection/?action=list&id_min=3`));
      }
      // Page 2: two whole hosts, half of a third, then the connection drops.
      res.writeHead(200, xml);
      const page = detectionPage([3, 4, 5]);
      res.write(page.slice(0, page.indexOf(hostXml(5)) + 40));
      setTimeout(() => res.destroy(), 20);
    });
    const { got, error } = await drain(vm.listHostDetections({ truncation_limit: 2 }));
    expect(got.map((h) => h.id)).toEqual([1, 2, 3, 4]);
    // A connection lost mid-body is a network fault, told with how far the walk got.
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ phase: "body", records: 4 });
    expect((error as Error).message).toMatch(/^listHostDetections lost its connection to 127\.0\.0\.1:\d+ while reading the answer: \d+ bytes of the body received, 4 records handed over \(.+\)\.$/);
  });

  it("also when the fault comes after more than the first kilobyte of page 2", async () => {
    const { vm } = await vmAgainst((req, res, origin) => {
      res.writeHead(200, xml);
      if (!req.form.get("id_min")) return res.end(detectionPage([1, 2], `${origin}/api/5.0/fo/asset/host/vm/detection/?action=list&id_min=3`));
      const page = detectionPage([3, 4, 5, 6, 7, 8]);
      const cut = page.indexOf(hostXml(8)) + 60;
      expect(cut).toBeGreaterThan(1024);
      // Two writes, so the fault arrives while the decoder is already streaming the page.
      res.write(page.slice(0, 600));
      setTimeout(() => {
        res.write(page.slice(600, cut));
        setTimeout(() => res.destroy(), 20);
      }, 20);
    });
    const { got, error } = await drain(vm.listHostDetections({ truncation_limit: 2 }));
    expect(got.map((h) => h.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ phase: "body", records: 7 });
  });

  it("hands out the first host before the server sends the rest of the page", async () => {
    let firstSeen!: () => void;
    const seen = new Promise<void>((resolve) => (firstSeen = resolve));
    const { vm } = await vmAgainst((_req, res) => {
      const page = detectionPage([1, 2]);
      const cut = page.indexOf(hostXml(2));
      res.writeHead(200, xml);
      // Only the first host (well under a kilobyte) until the client has it: no read-ahead may wait for more.
      res.write(page.slice(0, cut));
      void seen.then(() => res.end(page.slice(cut)));
    });
    const ids: number[] = [];
    // Should the client wait for the rest anyway, this releases the server so the test ends, and fails.
    let waitedForTheRest = false;
    const fallback = setTimeout(() => {
      waitedForTheRest = true;
      firstSeen();
    }, 3000);
    for await (const host of vm.listHostDetections()) {
      ids.push(host.id!);
      if (ids.length === 1) firstSeen();
    }
    clearTimeout(fallback);
    expect(waitedForTheRest).toBe(false);
    expect(ids).toEqual([1, 2]);
  });

  it("stops with the caller's abort while a page is still arriving", async () => {
    const { vm } = await vmAgainst((_req, res) => {
      const page = detectionPage([1, 2]);
      res.writeHead(200, xml);
      res.write(page.slice(0, page.indexOf(hostXml(2))));
      // The rest never comes; only the abort can end this.
    });
    const controller = new AbortController();
    const ids: number[] = [];
    const error = await (async () => {
      try {
        for await (const host of vm.listHostDetections(undefined, { signal: controller.signal })) {
          ids.push(host.id!);
          controller.abort();
        }
      } catch (e) {
        return e;
      }
    })();
    expect(ids).toEqual([1]);
    expect((error as Error).name).toBe("AbortError");
  });

  it("stops when next-page URLs lead back to a page already read", async () => {
    const { server, vm } = await vmAgainst((req, res, origin) => {
      const at = req.form.get("id_min") ?? "1";
      // 1 → 3 → 1: each URL differs from the request before it, but the walk would never end.
      res.writeHead(200, xml);
      res.end(detectionPage([Number(at)], `${origin}/api/5.0/fo/asset/host/vm/detection/?action=list&id_min=${at === "1" ? 3 : 1}`));
    });
    const { got, error } = await drain(vm.listHostDetections({ id_min: 1 }));
    expect(got.map((h) => h.id)).toEqual([1, 3]);
    expect(error).toBeInstanceOf(PagingError);
    expect(error).toMatchObject({ problem: "stalled", page: 2, received: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it("refuses a next-page URL on another host", async () => {
    const { server, vm } = await vmAgainst((_req, res) => {
      res.writeHead(200, xml);
      res.end(detectionPage([1], "https://qualysapi.evil.example/api/5.0/fo/asset/host/vm/detection/?action=list&id_min=2"));
    });
    const { got, error } = await drain(vm.listHostDetections());
    expect(got.map((h: DetectionHost) => h.id)).toEqual([1]);
    expect(error).toBeInstanceOf(PagingError);
    expect(error).toMatchObject({ page: 1, received: 1 });
    expect((error as Error).message).toMatch(/qualysapi\.evil\.example/);
    expect(server.requests).toHaveLength(1);
  });

  it("stops instead of looping when the next URL repeats the request", async () => {
    const { vm } = await vmAgainst((req, res, origin) => {
      res.writeHead(200, xml);
      res.end(detectionPage([1], `${origin}/api/5.0/fo/asset/host/vm/detection/?action=list&id_min=1`));
    });
    const first = await drain(vm.listHostDetections({ id_min: 1 }));
    expect(first.error).toBeInstanceOf(PagingError);
  });
});

describe("errors on VM calls", () => {
  it("raises SIMPLE_RETURN 1905 under HTTP 400 as QualysApiError", async () => {
    const { vm } = await vmAgainst((_req, res) => {
      res.writeHead(400, xml);
      res.end(`<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qg3.apps.qualys.com/api/2.0/simple_return.dtd">\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>2020-10-07T17:46:26Z</DATETIME>\n    <CODE>1905</CODE>\n    <TEXT>parameter ids has invalid value: abc123</TEXT>\n  </RESPONSE>\n</SIMPLE_RETURN>\n`);
    });
    const { error } = await drain(vm.listHostDetections({ ids: "abc123" as never }));
    expect(error).toBeInstanceOf(QualysApiError);
    expect(error).toMatchObject({ code: "1905", httpStatus: 400, operation: "listHostDetections" });
  });

  it("raises 2001 (account expired) even under HTTP 200", async () => {
    const { vm } = await vmAgainst((_req, res) => {
      res.writeHead(200, xml);
      res.end(`<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2022-01-01T00:00:00Z</DATETIME><CODE>2001</CODE><TEXT>This account has expired.</TEXT></RESPONSE></SIMPLE_RETURN>`);
    });
    await expect(vm.launchScan({ scan_title: "t", ip: "10.0.0.1" })).rejects.toMatchObject({ name: "QualysApiError", code: "2001", httpStatus: 200 });
  });

  it("reports a proxy's HTML page under 502 as HttpError with the status", async () => {
    const { vm } = await vmAgainst((_req, res) => {
      res.writeHead(502, { "Content-Type": "text/html" });
      res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    const error = await vm.listIps().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 502, operationId: "listIps", bodyText: expect.stringContaining("502 Bad Gateway") });
  });

  it("streams a finished report untouched, and raises 7001 while it is not ready", async () => {
    let ready = false;
    const { vm } = await vmAgainst((_req, res) => {
      if (!ready) {
        res.writeHead(200, xml);
        return res.end(`<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2017-12-18T13:25:01Z</DATETIME><CODE>7001</CODE><TEXT>Report cannot be fetched.</TEXT></RESPONSE></SIMPLE_RETURN>`);
      }
      res.writeHead(200, { "Content-Type": "application/pdf" });
      res.end(Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(20_000, 0x41)]));
    });
    await expect(vm.fetchReport({ id: 1 })).rejects.toMatchObject({ code: "7001" });
    ready = true;
    const report = await vm.fetchReport({ id: 1 });
    const bytes = Buffer.from(await report.arrayBuffer());
    expect(bytes.subarray(0, 8).toString()).toBe("%PDF-1.7");
    expect(bytes.length).toBe(20_009);
  });
});

describe("QPS paging", () => {
  it("walks hasMoreRecords / lastId pages with an id GREATER filter", async () => {
    const assets = Array.from({ length: 7 }, (_, i) => 500 + i * 10);
    const { server, vm } = await vmAgainst((req, res) => {
      const after = /<Criteria field="id" operator="GREATER">(\d+)<\/Criteria>/.exec(req.body)?.[1];
      const rest = assets.filter((id) => after === undefined || id > Number(after));
      const page = rest.slice(0, 3);
      const more = rest.length > 3;
      res.writeHead(200, xml);
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<ServiceResponse><responseCode>SUCCESS</responseCode><count>${page.length}</count><hasMoreRecords>${more}</hasMoreRecords>${more ? `<lastId>${page[page.length - 1]}</lastId>` : ""}<data>${page.map((id) => `<HostAsset><id>${id}</id><name>asset-${id}</name></HostAsset>`).join("")}</data></ServiceResponse>`,
      );
    });
    const { got, error } = await drain(vm.searchHostAssets({ filters: [{ field: "tagName", operator: "EQUALS", value: "Prod & <DMZ>" }], limitResults: 3 }));
    expect(error).toBeUndefined();
    expect(got.map((a) => a.id)).toEqual(assets);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]!.body).toContain('<Criteria field="tagName" operator="EQUALS">Prod &amp; &lt;DMZ&gt;</Criteria>');
    expect(server.requests[1]!.body).toContain('<Criteria field="id" operator="GREATER">520</Criteria>');
  });
});
