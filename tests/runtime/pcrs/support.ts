/** The PCRS stream tests' pieces: posture records to send, a gateway on a raw socket, a client on it. */
import type { Socket } from "node:net";
import { createQualysClient, type QualysClientOptions } from "../../../src/client.js";
import { head, startRawServer, type RawRequest } from "../../servers/raw-http-server.js";

/** A posture record as PCRS sends one; `evidence` makes it large. Ids past 2^53 are written as JSON numbers. */
export function postureJson(n: number, evidenceBytes = 0): string {
  const bigId = n % 5 === 0 ? `${9_007_199_254_740_993n + BigInt(n)}` : String(23_006_235_045 + n);
  const evidence = evidenceBytes ? `,"evidence":{"value":${JSON.stringify("é".repeat(evidenceBytes / 2))}}` : "";
  return `{"id":${bigId},"instance":"os","policyId":4677689,"controlId":${1000 + n},"status":"${n % 3 ? "Passed" : "Failed"}","hostId":"${1_000_000 + n}","firstFailDate":"","netBios":null,"controlStatement":"Control \\"${n}\\" \\u00fcber"${evidence}}`;
}

/** What the decoder must hand over for postureJson(n): the same, with ids past 2^53 as exact strings. */
export function postureRecord(n: number, evidenceBytes = 0): Record<string, unknown> {
  const parsed = JSON.parse(postureJson(n, evidenceBytes)) as Record<string, unknown>;
  if (n % 5 === 0) parsed.id = `${9_007_199_254_740_993n + BigInt(n)}`;
  return parsed;
}

export const postureArray = (count: number, evidenceBytes = 0) => Buffer.from(`[${Array.from({ length: count }, (_, i) => postureJson(i + 1, evidenceBytes)).join(",\n")}]`);

const jwt = (n: number) => `${Buffer.from('{"alg":"HS512"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "acme", n })).toString("base64url")}.c2ln`;

/** What the posture route does with a request; `token` is the JWT number it carries (1 for the first issued). */
export type PostureRoute = (socket: Socket, request: RawRequest, call: number, token: number) => void | Promise<void>;

/**
 * A gateway on a raw socket: `/auth` issues numbered JWTs with 201 (as Qualys: text/plain), the
 * posture path is answered by `route` byte by byte. Records every request.
 */
export async function rawGateway(route: PostureRoute) {
  let issued = 0;
  let postureCalls = 0;
  const server = await startRawServer(async (socket, request) => {
    if (request.path === "/auth") {
      const token = jwt(++issued);
      socket.write(Buffer.concat([head(201, { "Content-Type": "text/plain", "Content-Length": token.length }, "Created"), Buffer.from(token)]));
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
    const n = Number((JSON.parse(Buffer.from(bearer.split(".")[1] ?? "", "base64url").toString() || "{}") as { n?: number }).n ?? 0);
    await route(socket, request, ++postureCalls, n);
  });
  return { ...server, issued: () => issued };
}

export function clientOn(url: string, options: Partial<QualysClientOptions> = {}) {
  return createQualysClient({ credentials: { username: "acme_ab12", password: "pa55-Word!" }, baseUrls: { gateway: url }, ...options });
}

export const SLICE = [{ policyId: "4677689", subscriptionId: "71412", hostIds: ["1000001", "1000002"] }];
