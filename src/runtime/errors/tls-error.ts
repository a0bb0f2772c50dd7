import { NetworkError } from "./network-error.js";

/**
 * The TLS handshake failed: most often a certificate the client does not trust (a company proxy
 * or a private cloud signed by an in-house CA). The message names the certificate problem and
 * how to give the CA; never retried, as a repeat meets the same certificate.
 */
export class TlsError extends NetworkError {
  override name = "TlsError";
  /** Node's code for the problem, e.g. "SELF_SIGNED_CERT_IN_CHAIN", "CERT_HAS_EXPIRED". */
  readonly code: string | undefined;

  constructor(cause: unknown, init: { operationId?: string; host: string; code?: string; reason: string }) {
    super(cause, { operationId: init.operationId, host: init.host, attempts: 1, final: true });
    this.code = init.code;
    this.message =
      `${init.operationId ?? "The call"} could not reach ${init.host}: TLS failed: ${init.reason}${init.code ? ` (${init.code})` : ""}. ` +
      "If a company proxy or private CA signs this certificate, give its CA: the `ca` client option, --ca-file, or NODE_EXTRA_CA_CERTS.";
  }

  /** Never retried, and its message already says all there is: the same error, not a retelling. */
  override with(): NetworkError {
    return this;
  }
}
