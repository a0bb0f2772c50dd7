/**
 * OpenTelemetry spans through `@opentelemetry/api`, an optional peer dependency: it is imported
 * on first use, and when it is not installed every helper here just runs the work. Spans go to
 * whatever tracer provider the application registered (none: the API's no-op tracer).
 */
import { clean, fail, loadOtel, type Api, type Span } from "./otel.js";

/** Span attribute values this SDK sets. */
export type SpanAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

const TRACER = "qualys-ts";

/**
 * Runs `fn` inside a span named `name` (a child of the active span, the parent of any span
 * started within): ended when `fn` settles, marked as an error when it throws.
 *
 *   await withSpan("qualys export batch", { "qualys.batch.rows": rows.length }, () => writeBatch(rows));
 */
export async function withSpan<T>(name: string, attributes: SpanAttributes, fn: (span: SpanHandle) => Promise<T>): Promise<T> {
  const otel = await loadOtel();
  if (!otel) return fn(NO_SPAN);
  return otel.trace.getTracer(TRACER).startActiveSpan(name, { attributes: clean(attributes) }, async (span) => {
    try {
      return await fn(handle(span));
    } catch (err) {
      fail(otel, span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * `walk` with one span around all of it: each step runs with the span active, so the calls made
 * for a page are its children. The span ends when the walk ends, fails, or the loop breaks out.
 */
export function tracedWalk<T>(name: string, attributes: SpanAttributes, walk: AsyncIterator<T>): AsyncIterableIterator<T> {
  let span: Span | undefined;
  let otel: Api | null | undefined;
  let steps = 0;
  const finish = (err?: unknown) => {
    if (!span || !otel) return;
    span.setAttribute("qualys.walk.items", steps);
    if (err !== undefined) fail(otel, span, err);
    span.end();
    span = undefined;
  };
  const step = async (move: () => Promise<IteratorResult<T>>): Promise<IteratorResult<T>> => {
    if (otel === undefined) {
      otel = await loadOtel();
      if (otel) span = otel.trace.getTracer(TRACER).startSpan(name, { attributes: clean(attributes) });
    }
    try {
      const result = otel && span ? await otel.context.with(otel.trace.setSpan(otel.context.active(), span), move) : await move();
      if (result.done) finish();
      else steps++;
      return result;
    } catch (err) {
      finish(err);
      throw err;
    }
  };
  const iterator: AsyncIterableIterator<T> = {
    next: () => step(() => walk.next()),
    return: async (value?: unknown) => {
      finish();
      return walk.return ? walk.return(value) : { done: true, value: value as T };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** What `withSpan` hands its function: set more attributes as the work learns them. */
export interface SpanHandle {
  setAttribute(key: string, value: string | number | boolean): void;
}

const NO_SPAN: SpanHandle = { setAttribute: () => {} };

function handle(span: Span): SpanHandle {
  return { setAttribute: (key, value) => void span.setAttribute(key, value) };
}
