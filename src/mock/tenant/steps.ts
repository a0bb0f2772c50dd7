/** One `advance()` of the tenant's clock, as the pure functions see it. */
export interface TenantStep {
  /** 1-based. */
  readonly index: number;
  /** Model time at the end of the step and at its start (epoch ms). */
  readonly at: number;
  readonly previousAt: number;
  /** Share of live hosts rescanned in this step (their detections change). */
  readonly changeFraction: number;
  /** Share of live hosts purged, and the same share added as new hosts. */
  readonly hostChurn: number;
  /** KB indexes published by this step. */
  readonly firstNewIndex: number;
  readonly newCount: number;
}

export interface AdvanceOptions {
  /** How far the clock moves. Default 1. */
  readonly days?: number;
  /** Share of hosts rescanned (0..1). Default 0.1. */
  readonly changeFraction?: number;
  /** Share of hosts removed and added (0..1). Default changeFraction / 10. */
  readonly hostChurn?: number;
}
