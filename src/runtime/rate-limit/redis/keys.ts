/**
 * Redis key names. Qualys limits each subscription per API, so keys are per subscription —
 * the platform and user, hashed with SHA-256 so neither the user name nor anything secret is
 * readable in Redis — and per API (the bucket key, which is a path or an operation id).
 */
import { createHash } from "node:crypto";
import type { SubscriptionIdentity } from "../store.js";


export const DEFAULT_KEY_PREFIX = "qualys-ts:rl";

export function subscriptionHash(identity: SubscriptionIdentity): string {
  const platform = identity.platform.trim().toLowerCase().replace(/\/+$/, "");
  return createHash("sha256").update(`${platform}\n${identity.user.trim().toLowerCase()}`).digest("hex").slice(0, 32);
}

export interface BucketKeys {
  readonly state: string;
  readonly permits: string;
  readonly log: string;
}

/** The `{…}` hash tag keeps a subscription's keys in one Redis Cluster slot, so scripts may touch them together. */
export function bucketKeys(prefix: string, subscription: string, bucket: string): BucketKeys {
  const base = `${prefix}:{${subscription}}:${bucket}`;
  return { state: `${base}:state`, permits: `${base}:permits`, log: `${base}:log` };
}
