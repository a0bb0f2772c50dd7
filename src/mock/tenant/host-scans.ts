/**
 * When a VM host was scanned: its first scan (in its birth step, or the week before the start)
 * and each rescan of a step. The same draws as detections.ts's simulateHost (same tags, same
 * order), so CSAM's sensor dates and PC's scan dates agree with the host's LAST_VM_SCANNED_DATE
 * without replaying its detections; tests/tenant/modules-model.test.ts holds them to it.
 */
import { hash, Rng, Tag, unit } from "./random.js";
import type { TenantStep } from "./steps.js";
import { DAY_MS, toSecond } from "./time.js";

export interface ScanTime {
  /** The step the scan belongs to (0: before any step). */
  readonly step: number;
  readonly at: number;
}

export function hostScanTimes(seed: number, start: number, steps: readonly TenantStep[], c: number, born: number): ScanTime[] {
  const bornAt = born === 0 ? start : steps[born - 1]!.at;
  const bornFrom = born === 0 ? start - 7 * DAY_MS : steps[born - 1]!.previousAt;
  const first = toSecond(bornFrom + (bornAt - bornFrom) * (0.1 + 0.8 * new Rng(hash(seed, Tag.scan, c)).next()));
  const times: ScanTime[] = [{ step: born, at: first }];
  for (let s = born; s < steps.length; s++) {
    const step = steps[s]!;
    if (unit(seed, Tag.scan, c, step.index) >= step.changeFraction) continue;
    const rng = new Rng(hash(seed, Tag.change, c, step.index));
    times.push({ step: step.index, at: toSecond(step.previousAt + (step.at - step.previousAt) * (0.1 + 0.8 * rng.next())) });
  }
  return times;
}

/** A moment inside a step, drawn from (seed, parts): for events that are not scans. */
export function timeInStep(step: TenantStep, seed: number, ...parts: number[]): number {
  return toSecond(step.previousAt + (step.at - step.previousAt) * (0.05 + 0.9 * unit(seed, ...parts)));
}
