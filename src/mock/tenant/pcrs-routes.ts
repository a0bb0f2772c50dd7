/**
 * PCRS on the tenant's gateway: policy list (1.0, 2.0), host ids (1.0–5.0; 1.0/2.0 take at most
 * 10 policies and need one) and posture info (4.0, 5.0), the last streamed as one JSON array,
 * gzipped unless compressionRequired=0. Whether Qualys sets Content-Encoding on it is unknown, so
 * the tenant sends it either way (`postureContentEncoding`, default without).
 */
import { ApiError, writeJsonList, type JsonCall, type JsonRoute } from "./json-call.js";
import { hostIds, PcrsRequestError, policyList, postureBody, postureQuery, selectPosture } from "./pcrs-select.js";

export interface PcrsRouteOptions {
  /** Send `Content-Encoding: gzip` with a gzipped posture answer. Default false. */
  readonly postureContentEncoding: boolean;
}

function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof PcrsRequestError) throw new ApiError(err.status, err.body);
    throw err;
  }
}

function jsonBody(call: JsonCall): unknown {
  try {
    return JSON.parse(call.body.toString("utf8"));
  } catch {
    throw new ApiError(400, { status: 400, errorCode: "1905", message: "The request body is not valid JSON" });
  }
}

export function pcrsRoutes(options: PcrsRouteOptions): readonly JsonRoute[] {
  return [
    {
      method: "GET",
      pattern: /^\/pcrs\/(1\.0|2\.0)\/posture\/policy\/list$/,
      async run(call) {
        const v1 = call.match[1] === "1.0";
        const answer = guarded(() => policyList(call.model, v1 ? new URLSearchParams([...call.query].filter(([k]) => k !== "requireTagInfo")) : call.query));
        await call.open().write(JSON.stringify(answer));
      },
    },
    {
      method: "GET",
      pattern: /^\/pcrs\/(1\.0|2\.0|3\.0|4\.0|5\.0)\/posture\/hostids$/,
      async run(call) {
        const old = call.match[1] === "1.0" || call.match[1] === "2.0";
        if (old && !call.query.get("policyId")) throw new ApiError(400, { status: 400, errorCode: "1903", message: "Missing required parameter: policyId" });
        const answer = guarded(() => hostIds(call.model, call.query, old ? { maxPolicies: 10 } : {}));
        await call.open().write(JSON.stringify(answer));
      },
    },
    {
      method: "POST",
      pattern: /^\/pcrs\/(4\.0|5\.0)\/posture\/postureInfo$/,
      async run(call) {
        const query = guarded(() => postureQuery(call.query, call.match[1]));
        const body = guarded(() => postureBody(jsonBody(call)));
        const writer = call.open({ gzip: query.compression, contentEncoding: options.postureContentEncoding });
        await writeJsonList(writer, "[", selectPosture(call.model, body, query), "]");
      },
    },
  ];
}
