/**
 * The optional `@opentelemetry/api` peer dependency, imported on first use; null when it is not
 * installed. Its types stay in this module so the public declarations never name the package.
 */
export type Api = typeof import("@opentelemetry/api");
export type Span = import("@opentelemetry/api").Span;

let api: Api | null | undefined;
let loading: Promise<Api | null> | undefined;

/** The OpenTelemetry API, or null when it is not installed. Loaded once. */
export function loadOtel(): Promise<Api | null> {
  if (api !== undefined) return Promise.resolve(api);
  return (loading ??= import("@opentelemetry/api").then(
    (m) => (api = m),
    () => (api = null),
  ));
}

/** The API if it has been loaded already (synchronous, for hot paths); else starts loading it. */
export function otelIfLoaded(): Api | null | undefined {
  if (api === undefined) void loadOtel();
  return api;
}

/** Marks a span failed with the error's name and message (errors of this SDK carry no secret). */
export function fail(otel: Api, span: Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException({ name: e.name, message: e.message });
  span.setStatus({ code: otel.SpanStatusCode.ERROR, message: `${e.name}: ${e.message}` });
}

export function clean(attributes: Readonly<Record<string, string | number | boolean | undefined>>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}
