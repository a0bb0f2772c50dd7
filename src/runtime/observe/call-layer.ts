/**
 * The outer observation layer, above the scheduler: starts the call's record (so the attempt
 * layer can tell queue waits and attempt numbers) and, with OpenTelemetry installed, a client
 * span per call with what the attempts learned.
 */
import { fail, loadOtel, otelIfLoaded } from "./otel.js";
import { CALL_RECORD, type CallRecord, type RecordedContext } from "./call-record.js";
import { pathOf } from "../rate-limit/url-path.js";
import type { Layer } from "../types.js";

export function callLayer(options: { readonly tracing: boolean }): Layer {
  return (next) => async (request, ctx) => {
    const record: CallRecord = { readyAt: performance.now(), attempts: 0, waitMs: 0 };
    const inner: RecordedContext = { ...ctx, [CALL_RECORD]: record };
    const otel = options.tracing ? (otelIfLoaded() ?? (await loadOtel())) : null;
    if (!otel) return next(request, inner);
    const span = otel.trace.getTracer("qualys-ts").startSpan(`${ctx.module}.${ctx.operationId ?? request.method}`, { kind: otel.SpanKind.CLIENT });
    // No SDK registered (or this span sampled out): nothing to record, so nothing to compute.
    if (!span.isRecording()) return next(request, inner);
    span.setAttributes({
      "qualys.module": ctx.module,
      "qualys.operation": ctx.operationId ?? "",
      "qualys.api_family": ctx.family,
      "http.request.method": request.method,
      "url.path": pathOf(request.url),
    });
    const finish = () => {
      span.setAttribute("qualys.attempts", record.attempts);
      span.setAttribute("qualys.rate_limit.wait_ms", Math.round(record.waitMs));
      if (record.status !== undefined) span.setAttribute("http.response.status_code", record.status);
      if (record.remaining !== undefined) span.setAttribute("qualys.rate_limit.remaining", record.remaining);
    };
    try {
      const response = await next(request, inner);
      finish();
      if (response.status >= 400) span.setStatus({ code: otel.SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
      return response;
    } catch (err) {
      finish();
      fail(otel, span, err);
      throw err;
    } finally {
      span.end();
    }
  };
}
