/**
 * WAS QPS REST 3.0 in JSON on the tenant's API server: search and count of web apps and findings
 * (`id GREATER lastId` paging: `hasMoreRecords` as the string "true"/"false", `lastId` only while
 * more follow), get by id. An empty finding search answers `count 0` alone, an empty web app
 * search `count 0`, `hasMoreRecords "false"` and `data []`, as recorded traffic shows.
 */
import { writeJsonList, type JsonCall, type JsonRoute } from "./json-call.js";
import { wasQuery, WasRequestError } from "./was-select.js";
import type { WasFindingState, WasWebAppState } from "./webapps.js";

export const WAS_PREFIX = "/qps/rest/3.0/";

/** QPS says everything under HTTP 200, errors included. */
export function serviceError(code: string, message: string, resolution?: string): Record<string, unknown> {
  return { ServiceResponse: { responseCode: code, responseErrorDetails: { errorMessage: message, ...(resolution ? { errorResolution: resolution } : {}) } } };
}

async function answer(call: JsonCall, body: unknown): Promise<void> {
  await call.open().write(JSON.stringify(body));
}

function parsedBody(call: JsonCall): unknown {
  const text = call.body.toString("utf8").trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new WasRequestError("Invalid request body: not JSON.");
  }
}

async function safely(call: JsonCall, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof WasRequestError) return answer(call, serviceError("INVALID_REQUEST", err.errorMessage, err.errorResolution));
    throw err;
  }
}

type Kind = "webapp" | "finding";
const WRAP: Record<Kind, string> = { webapp: "WebApp", finding: "Finding" };

function records(call: JsonCall, kind: Kind, verbose: boolean) {
  const was = call.model.was;
  const apps = new Map(was.webAppStates().map((a) => [a.id, a]));
  return kind === "webapp"
    ? { states: was.webAppStates() as readonly (WasWebAppState | WasFindingState)[], render: (s: WasWebAppState | WasFindingState) => was.renderWebApp(s as WasWebAppState, verbose) }
    : { states: was.findingStates() as readonly (WasWebAppState | WasFindingState)[], render: (s: WasWebAppState | WasFindingState) => was.renderFinding(s as WasFindingState, apps.get((s as WasFindingState).webAppId)!, verbose) };
}

function search(kind: Kind): JsonRoute {
  return {
    method: "POST",
    pattern: new RegExp(`^/qps/rest/3\\.0/search/was/${kind}$`),
    run: (call) =>
      safely(call, async () => {
        const query = wasQuery(parsedBody(call), kind);
        const { states, render } = records(call, kind, query.verbose);
        const matching = states.filter((s) => query.matcher(s as never, call.model));
        const from = query.offset === undefined ? 0 : query.offset - 1;
        const page = matching.slice(from, from + query.limit);
        const more = matching.length > from + page.length;
        if (page.length === 0) {
          return answer(call, { ServiceResponse: kind === "finding" ? { responseCode: "SUCCESS", count: 0 } : { responseCode: "SUCCESS", count: 0, hasMoreRecords: "false", data: [] } });
        }
        const head = `{"ServiceResponse":{"responseCode":"SUCCESS","count":${page.length},"hasMoreRecords":"${more}",${more ? `"lastId":${page.at(-1)!.id},` : ""}"data":[`;
        await writeJsonList(call.open(), head, (function* () {
          for (const s of page) yield { [WRAP[kind]]: render(s) };
        })(), "]}}");
      }),
  };
}

function count(kind: Kind): JsonRoute {
  return {
    method: "POST",
    pattern: new RegExp(`^/qps/rest/3\\.0/count/was/${kind}$`),
    run: (call) =>
      safely(call, async () => {
        const query = wasQuery(parsedBody(call), kind);
        const { states } = records(call, kind, false);
        await answer(call, { ServiceResponse: { responseCode: "SUCCESS", count: states.filter((s) => query.matcher(s as never, call.model)).length } });
      }),
  };
}

function get(kind: Kind): JsonRoute {
  return {
    method: "GET",
    pattern: new RegExp(`^/qps/rest/3\\.0/get/was/${kind}/(\\d+)$`),
    run: (call) =>
      safely(call, async () => {
        const id = Number(call.match[1]);
        const { states, render } = records(call, kind, true);
        const state = states.find((s) => s.id === id);
        if (!state) return answer(call, serviceError("NOT_FOUND", `${WRAP[kind]} with id ${id} was not found.`));
        await answer(call, { ServiceResponse: { responseCode: "SUCCESS", count: 1, data: [{ [WRAP[kind]]: render(state) }] } });
      }),
  };
}

export const WAS_ROUTES: readonly JsonRoute[] = [search("webapp"), count("webapp"), get("webapp"), search("finding"), count("finding"), get("finding")];
