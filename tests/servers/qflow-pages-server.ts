/**
 * A 127.0.0.1 stand-in for QFlow lists: `pageNumber` (from 1) and `pageSize` (required) in the
 * query, answers `{total, items}`. Serves `GET /qflowapi/v1/workflows` and
 * `GET /qflowapi/v1/workflows/{id}/executions`, recording every request.
 */
import { startJsonServer, type JsonServer } from "./json-server.js";

export interface QflowPagesOptions {
  readonly workflows: readonly { readonly id: string }[];
  readonly executions?: Readonly<Record<string, readonly { readonly id: string }[]>>;
}

export async function startQflowPagesServer(options: QflowPagesOptions): Promise<JsonServer> {
  return startJsonServer(({ method, path, query }) => {
    if (method !== "GET") return { status: 405, body: { message: "GET only" } };
    const executions = /^\/qflowapi\/v1\/workflows\/([^/]+)\/executions$/.exec(path);
    const all = path === "/qflowapi/v1/workflows" ? options.workflows : executions ? options.executions?.[executions[1]!] : undefined;
    if (!all) return { status: 404, body: { message: "not found" } };
    const number = Number(query.get("pageNumber"));
    const size = Number(query.get("pageSize"));
    if (!Number.isInteger(number) || number < 1) return { status: 400, body: { message: "pageNumber counts from 1" } };
    if (!Number.isInteger(size) || size < 1) return { status: 400, body: { message: "pageSize is required" } };
    return { body: { total: all.length, items: all.slice((number - 1) * size, number * size) } };
  });
}
