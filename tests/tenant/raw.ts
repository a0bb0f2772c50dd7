/** Plain HTTP calls to a tenant, for what the client would hide (status, headers, bodies of refusals). */
import type { Tenant } from "../../src/tenant.js";

/** The current versions' paths (what the client calls by default). */
export const HLD = "/api/5.0/fo/asset/host/vm/detection/";
export const HOSTS = "/api/5.0/fo/asset/host/";
export const KB = "/api/4.0/fo/knowledge_base/vuln/";

export async function raw(t: Tenant, path: string, query: string, headers: Record<string, string> | null = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const auth = Buffer.from(`${t.credentials.username}:${t.credentials.password}`).toString("base64");
  const sent = headers === null ? {} : { Authorization: `Basic ${auth}`, "X-Requested-With": "test", ...headers };
  const res = await fetch(`${t.url}${path}?${query}`, { headers: sent });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

export const limitHeaders = (h: Headers) =>
  Object.fromEntries(
    ["x-ratelimit-limit", "x-ratelimit-window-sec", "x-ratelimit-remaining", "x-ratelimit-towait-sec", "x-concurrency-limit-limit", "x-concurrency-limit-running"].map((k) => [k, h.get(k)]),
  );
