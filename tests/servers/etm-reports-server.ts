/** A 127.0.0.1 ETM stand-in: reports that move through scripted states, then a ZIP download. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedReport {
  readonly states: string[];
  /** The download body (a ZIP, JSON, or deliberately broken bytes). */
  readonly download: Uint8Array;
  readonly contentType?: string;
}

export async function startEtmServer(reports: Record<string, ScriptedReport>, order: string[]) {
  const polls: Record<string, number[]> = {};
  let submitted = 0;
  const server = createServer(async (req, res) => {
    for await (const _ of req) void _;
    const url = new URL(req.url ?? "/", "http://x");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "POST" && url.pathname === "/etm/api/rest/v1/reports/findings") {
      const id = order[submitted++];
      return json(200, { id, name: "r", status: "REQUESTED" });
    }
    const m = /^\/etm\/api\/rest\/v1\/reports\/([^/]+)(\/download)?$/.exec(url.pathname);
    const report = m && reports[m[1]!];
    if (!m || !report) return json(404, { message: "no such report" });
    if (m[2]) {
      res.writeHead(200, { "Content-Type": report.contentType ?? "application/zip" });
      return res.end(Buffer.from(report.download));
    }
    const times = (polls[m[1]!] ??= []);
    times.push(performance.now());
    const state = report.states[Math.min(times.length - 1, report.states.length - 1)];
    return json(200, { id: m[1], status: state, resources: state === "COMPLETED" ? ["part_1.json"] : [] });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    polls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
