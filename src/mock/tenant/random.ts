/**
 * Counter-based randomness: every value is a hash of (seed, what, ids…), so any host, detection
 * or QID can be computed on its own, in any order, and always comes out the same. A stream of
 * draws (Rng) is only used inside one record.
 */

/** murmur3's 32-bit finaliser: a cheap mix with full avalanche. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of the seed and the given integers. */
export function hash(seed: number, ...parts: readonly number[]): number {
  let h = fmix(seed ^ 0x9e3779b9);
  for (const part of parts) h = fmix(h ^ Math.imul((part | 0) + 0x7f4a7c15, 0x9e3779b1));
  return h;
}

/** A number in [0, 1) from the same inputs. */
export function unit(seed: number, ...parts: readonly number[]): number {
  return hash(seed, ...parts) / 0x1_0000_0000;
}

/** Numeric tags keep the hash inputs apart (a host's id and a QID never collide as inputs). */
export const Tag = {
  idGap: 1,
  host: 2,
  detectionCount: 3,
  detection: 4,
  vuln: 5,
  kbGap: 6,
  step: 7,
  remove: 8,
  scan: 9,
  change: 10,
  added: 11,
  kbChange: 12,
  hld5: 13,
  cloud: 14,
  patch: 15,
} as const;

/** Sequential draws seeded from one hash (mulberry32): one record's fields. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}
