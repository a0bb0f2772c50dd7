import type { ApiFamily, Handler } from "./types.js";

/**
 * What every generated module client needs: one composed handler (auth, rate limits, retries,
 * transport) and where each API family lives. One Runtime is shared by all modules of a client,
 * so they share one auth state and one scheduler.
 */
export interface Runtime {
  readonly handler: Handler;
  /**
   * Base URL (no trailing slash) of the gateway or of the qualysapi host. `module` lets a mock
   * (one Prism per spec) or a proxy send each module elsewhere; real platforms ignore it.
   */
  baseUrl(family: ApiFamily, module?: string): string;
  /** Default per-request timeout in ms, used when a call does not set one (0: none). */
  readonly timeoutMs?: number;
  /** Scrubs the client's secrets from an error before it reaches the caller (echoed requests). */
  readonly redact?: <E>(err: E) => E;
  /** The same redactor for text: applied to what an error quotes before it is cut to a slice. */
  readonly redactText?: (text: string) => string;
  /** The redactor's secret forms, for a redaction in a worker thread (a function cannot be posted there). */
  readonly redactForms?: () => readonly string[];
  /** Told once per process and operation when a deprecated operation (or an older API version) is called. */
  readonly onDeprecated?: (warning: DeprecationWarningInfo) => void;
  /** Told once per process when the runtime changed what a call sends (a time filter moved up to its limit). Default: a process warning. */
  readonly onWarning?: (warning: DeprecationWarningInfo) => void;
  /** OpenTelemetry spans for paged walks (when the API is installed). Default true. */
  readonly tracing?: boolean;
}

export interface DeprecationWarningInfo {
  readonly module: string;
  readonly operationId: string;
  readonly message: string;
}
