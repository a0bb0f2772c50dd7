import { faultDetail, NetworkError, progress, type NetworkErrorInit } from "./network-error.js";

/**
 * A write (scan launch, tag create…) lost its connection after the request had gone out: the
 * server may have carried it out. The SDK never re-sends a write; look before sending it again.
 */
export class OutcomeUnknownError extends NetworkError {
  override name = "OutcomeUnknownError";

  constructor(cause: unknown, init: NetworkErrorInit) {
    const who = init.operationId ?? "The call";
    const when = init.phase === "body" ? `while reading the answer (${progress(init)})` : "before an answer came";
    super(cause, { ...init, phase: init.phase ?? "request" }, `${who} lost its connection to ${init.host} ${when} (${faultDetail(cause)}): the request may have been carried out; check before retrying.`);
  }
}
