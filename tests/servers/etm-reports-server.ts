/**
 * A 127.0.0.1 ETM stand-in (Prism cannot hold state): each submitted report moves through scripted
 * states, one per poll, and then serves its download or its resources. It records what the client
 * did (polls, submits, download progress) so tests can assert on state rather than on time.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedReport {
  /** The status each poll sees, in order; the last one repeats. */
  readonly states: readonly string[];
  /** Why a FAILED report failed (sent as `message`). */
  readonly failure?: string;
  /** The download body: a ZIP, JSON, or deliberately broken bytes. */
  readonly download?: Uint8Array;
  readonly contentType?: string;
  /** Send the download in chunks of this many bytes (default: all at once). */
  readonly chunkSize?: number;
  /** Stop sending the download after this many bytes until `releaseDownload()` is called. */
  readonly holdAfter?: number;
  /** Part names listed once COMPLETED, each served by the resources endpoint (a string is sent raw). */
  readonly resources?: Readonly<Record<string, unknown>>;
  /** This poll (from 1) never answers: the client has to give up on it. */
  readonly hangOnPoll?: number;
}

export interface DownloadProgress {
  bytesSent: number;
  /** Every byte was written. */
  finished: boolean;
  /** The client closed the connection before the end. */
  closedEarly: boolean;
  /** Resolves when the response is over, either way. */
  readonly closed: Promise<void>;
}

export interface EtmServer {
  readonly url: string;
  /** Polls per report id. */
  readonly polls: Record<string, number>;
  readonly submits: unknown[];
  readonly downloads: Record<string, DownloadProgress>;
  readonly resourceReads: string[];
  /** Resolves once the hanging poll has arrived. */
  readonly pollHung: Promise<void>;
  /** Resolves once the client closed the hanging poll. */
  readonly hungPollClosed: Promise<void>;
  releaseDownload(): void;
  close(): Promise<void>;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const BASE = "/etm/api/rest/v1/reports";

export async function startEtmServer(reports: Readonly<Record<string, ScriptedReport>>): Promise<EtmServer> {
  const ids = Object.keys(reports);
  const polls: Record<string, number> = {};
  const submits: unknown[] = [];
  const downloads: Record<string, DownloadProgress> = {};
  const resourceReads: string[] = [];
  const hung = deferred();
  const hungClosed = deferred();
  const release = deferred();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const sendDownload = async (res: ServerResponse, id: string, report: ScriptedReport) => {
    const bytes = report.download ?? new Uint8Array();
    const over = deferred();
    const progress: DownloadProgress = { bytesSent: 0, finished: false, closedEarly: false, closed: over.promise };
    downloads[id] = progress;
    res.on("close", () => {
      progress.closedEarly = !progress.finished;
      over.resolve();
    });
    res.writeHead(200, { "Content-Type": report.contentType ?? "application/zip", "Content-Disposition": `attachment; filename="${id}.zip"` });
    const size = report.chunkSize ?? Math.max(1, bytes.length);
    const hold = report.holdAfter;
    const segments = hold === undefined ? [bytes] : [bytes.subarray(0, hold), bytes.subarray(hold)];
    for (const [index, segment] of segments.entries()) {
      if (index === 1) await release.promise;
      for (let at = 0; at < segment.length; at += size) {
        if (res.destroyed) return;
        const chunk = segment.subarray(at, at + size);
        // Wait for each chunk to be flushed, so bytesSent follows what the client could have read.
        await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
        progress.bytesSent += chunk.length;
      }
    }
    if (res.destroyed) return;
    progress.finished = true;
    res.end();
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;

    if (req.method === "POST" && path === `${BASE}/findings`) {
      submits.push(JSON.parse(Buffer.concat(chunks).toString("utf8") || "null"));
      const id = ids[submits.length - 1];
      if (!id) return json(res, 400, { message: "no more scripted reports" });
      return json(res, 200, { id, name: "scripted", status: "REQUESTED" });
    }
    const m = /^\/etm\/api\/rest\/v1\/reports\/([^/]+)(?:\/(download)|\/resources\/([^/]+))?$/.exec(path);
    const id = m?.[1];
    const report = id === undefined ? undefined : reports[id];
    if (!m || !id || !report || req.method !== "GET") return json(res, 404, { message: "no such report" });

    if (m[2]) return sendDownload(res, id, report);
    if (m[3] !== undefined) {
      const name = decodeURIComponent(m[3]);
      resourceReads.push(name);
      const part = report.resources?.[name];
      if (part === undefined) return json(res, 404, { message: "no such resource" });
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(typeof part === "string" ? part : JSON.stringify(part));
    }
    const poll = (polls[id] = (polls[id] ?? 0) + 1);
    if (poll === report.hangOnPoll) {
      res.on("close", () => hungClosed.resolve());
      hung.resolve();
      return;
    }
    const status = report.states[Math.min(poll, report.states.length) - 1];
    return json(res, 200, {
      id,
      name: "scripted",
      status,
      ...(status === "FAILED" && report.failure ? { message: report.failure } : {}),
      resources: status === "COMPLETED" ? Object.keys(report.resources ?? { "part_1.json": true }) : [],
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    polls,
    submits,
    downloads,
    resourceReads,
    pollHung: hung.promise,
    hungPollClosed: hungClosed.promise,
    releaseDownload: release.resolve,
    close: () => {
      release.resolve();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
