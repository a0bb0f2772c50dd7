/**
 * Says what a connection fault was before retry sees it: a certificate the client does not trust
 * becomes a TlsError naming the problem (not "fetch failed"), a proxy refusing the tunnel a
 * NetworkError naming the proxy (redacted) and its status — neither is retried, a repeat meets
 * the same answer — and proxy credentials are scrubbed from every other fault's messages.
 */
import { NetworkError } from "../errors/network-error.js";
import { QualysError } from "../errors/qualys-error.js";
import { TlsError } from "../errors/tls-error.js";
import { hostOf } from "../rate-limit/url-path.js";
import type { Handler } from "../types.js";
import type { Network } from "./dispatcher.js";
import { scrubProxy } from "./proxy-url.js";

const CERT_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
]);

type Fault = Error & { code?: string; cause?: unknown };

export function explainFaults<T extends Handler>(transport: T, network: Pick<Network, "secrets" | "proxyLabel">): T {
  const explained: Handler = async (request, ctx) => {
    try {
      return await transport(request, ctx);
    } catch (err) {
      if (err instanceof QualysError) throw err;
      const chain = causes(err);
      if (network.secrets.length) {
        for (const e of chain) {
          e.message = scrubProxy(e.message, network.secrets);
          if (e.stack) e.stack = scrubProxy(e.stack, network.secrets);
        }
      }
      const tls = chain.find((e) => (e.code && (CERT_CODES.has(e.code) || e.code.startsWith("ERR_SSL_") || e.code.startsWith("ERR_TLS_"))) || /certificate/i.test(e.message));
      if (tls) {
        const code = tls.code && !tls.code.startsWith("UND_") ? tls.code : undefined;
        throw new TlsError(err, { operationId: ctx.operationId, host: hostOf(request.url), code, reason: tls.message });
      }
      const tunnel = chain.map((e) => /^Proxy response \((\d+)\)/.exec(e.message)?.[1]).find(Boolean);
      if (tunnel) {
        const why = tunnel === "407" ? "proxy authentication required: check the user and password in the proxy URL" : "the proxy refused the tunnel";
        throw new NetworkError(err, { operationId: ctx.operationId, host: hostOf(request.url), attempts: 1, final: true, detail: `proxy ${network.proxyLabel ?? ""} answered ${tunnel} to CONNECT: ${why}` });
      }
      throw err;
    }
  };
  return Object.assign(explained, transport);
}

function causes(err: unknown): Fault[] {
  const out: Fault[] = [];
  for (let e = err; e instanceof Error && out.length < 8; e = (e as Fault).cause) out.push(e as Fault);
  return out;
}
