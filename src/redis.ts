/**
 * qualys-ts/redis: share one subscription's rate limits between processes through Redis.
 *
 *   import { redisStore } from "qualys-ts/redis";
 *   const qualys = createQualysClient({ rateLimit: { store: redisStore({ url: "redis://127.0.0.1:6379" }) } });
 *
 * A separate entry point, so the core never loads ioredis.
 */
export { redisStore, RedisRateLimitStore, type RedisStoreOptions } from "./runtime/rate-limit/redis/redis-store.js";
export { subscriptionHash } from "./runtime/rate-limit/redis/keys.js";
export type { SubscriptionIdentity } from "./runtime/rate-limit/store.js";
export { RateLimitStoreError } from "./runtime/errors/rate-limit-store-error.js";
