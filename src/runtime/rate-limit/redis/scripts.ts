/**
 * The Redis side of the shared rate-limit store: one Lua script per store operation, so each is
 * atomic and one round trip (ioredis sends EVALSHA, and EVAL once per connection to load it).
 * They port MemoryRateLimitStore's rules to three keys per API bucket:
 *
 *   KEYS[1] state   hash: learned limits (concurrency, limit, windowSec), remaining, others,
 *                   othersUntil, holdUntil, holdCode
 *   KEYS[2] permits sorted set: permit id → lease expiry. Expired leases are dropped before every
 *                   count, so a crashed process's permits come back on their own.
 *   KEYS[3] log     sorted set: permit id → when the call was counted (its answer arrived)
 *
 * Every time is Redis's own clock (TIME), never a client's: processes on hosts whose clocks
 * disagree still share one window. Keys expire an hour after the last use past their window.
 */

const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num(v) if v == false or v == nil then return nil end return tonumber(v) end
local function holdUntil(state, current, untilMs, code)
  if untilMs > (current or 0) then
    redis.call('HSET', state, 'holdUntil', untilMs, 'holdCode', code)
    return untilMs
  end
  return current
end
local function touch(keys, windowSec, leaseMs, held)
  local ttl = math.max((windowSec or 0) * 1000, leaseMs, (held or 0) - now) + 3600000
  for _, k in ipairs(keys) do redis.call('PEXPIRE', k, math.ceil(ttl)) end
end
`;

/**
 * Up to `count` permits in one go (a queue of calls takes what is free in one round trip).
 * ARGV: permit id prefix, lease ms, default concurrency, default limit, default window s,
 * reserve, count, first permit number; permit i is prefix .. (first + i - 1).
 * → {granted, now, reason of the refusal or '', retryAt or -1, code or ''}
 */
export const ACQUIRE = `${PRELUDE}
local leaseMs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local s = redis.call('HMGET', KEYS[1], 'concurrency', 'limit', 'windowSec', 'remaining', 'others', 'othersUntil', 'holdUntil', 'holdCode')
local concurrency = num(s[1]) or tonumber(ARGV[3])
local limit = num(s[2]) or num(ARGV[4])
local windowSec = num(s[3]) or num(ARGV[5])
local remaining = num(s[4])
local held = num(s[7]) or 0
local reserve = tonumber(ARGV[6])
if now < held then return {0, now, 'hold', held, s[8] or ''} end
local inFlight = redis.call('ZCARD', KEYS[2])
local windowMs, others, othersUntil, counted
if limit and windowSec then
  windowMs = windowSec * 1000
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - windowMs)
  others = num(s[5]) or 0
  othersUntil = num(s[6]) or 0
  if now >= othersUntil then others = 0 end
  counted = redis.call('ZCARD', KEYS[3])
end
local granted, reason, at = 0, '', -1
for i = 1, tonumber(ARGV[7]) do
  if inFlight >= concurrency then reason = 'concurrency' break end
  if windowMs then
    local cap = math.max(1, limit - reserve)
    local used = counted + inFlight + others
    if used >= cap then
      -- When enough slots free: our counted calls leave the window one by one, other clients' all by othersUntil.
      local needed = used - cap + 1
      local function nth(k) return tonumber(redis.call('ZRANGE', KEYS[3], k - 1, k - 1, 'WITHSCORES')[2]) end
      local t = nil
      if needed <= counted then t = nth(needed) + windowMs end
      if others > 0 then
        local rest = needed - others
        local withOthers = nil
        if rest <= 0 then withOthers = othersUntil
        elseif rest <= counted then withOthers = math.max(othersUntil, nth(rest) + windowMs) end
        if withOthers and (not t or withOthers < t) then t = withOthers end
      end
      if t then at = math.ceil(t) + 1 end
      reason = 'quota'
      break
    end
  elseif remaining and remaining <= reserve and inFlight > 0 then
    -- Used up, window unknown: the calls out will tell more; with none out, one call probes.
    reason = 'quota'
    break
  end
  if remaining then remaining = remaining - 1 end
  redis.call('ZADD', KEYS[2], now + leaseMs, ARGV[1] .. (tonumber(ARGV[8]) + i - 1))
  inFlight = inFlight + 1
  granted = granted + 1
end
if granted > 0 then
  if remaining then redis.call('HSET', KEYS[1], 'remaining', remaining) end
  touch(KEYS, windowSec, leaseMs, held)
end
return {granted, now, reason, at, ''}
`;

/**
 * ARGV: permit id ('' none), counted ('1': an answer or a fault; '0': never sent), observed
 * concurrency limit, limit, window s, remaining, to-wait s ('' when absent), exhausted wait ms,
 * default limit, default window s, lease ms, max log length. → now
 */
export const RELEASE = `${PRELUDE}
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[2], ARGV[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local s = redis.call('HMGET', KEYS[1], 'limit', 'windowSec', 'remaining', 'holdUntil')
local leaseMs = tonumber(ARGV[11])
local held = num(s[4]) or 0
local limit = num(ARGV[4]) or num(s[1]) or num(ARGV[9])
local windowSec = num(s[2]) or num(ARGV[10])
if ARGV[2] ~= '1' then
  local remaining = num(s[3])
  if remaining then redis.call('HSET', KEYS[1], 'remaining', remaining + 1) end
  touch(KEYS, windowSec, leaseMs, held)
  return now
end
local member = ARGV[1]
if member == '' then member = 'n' .. redis.call('HINCRBY', KEYS[1], 'seq', 1) end
redis.call('ZADD', KEYS[3], now, member)
local concurrency = num(ARGV[3])
if concurrency and concurrency >= 1 then redis.call('HSET', KEYS[1], 'concurrency', math.floor(concurrency)) end
if num(ARGV[4]) then redis.call('HSET', KEYS[1], 'limit', limit) end
local observedWindow = num(ARGV[5])
if observedWindow and observedWindow > 0 then
  windowSec = observedWindow
  redis.call('HSET', KEYS[1], 'windowSec', ARGV[5])
end
local windowKnown = limit ~= nil and windowSec ~= nil
local inFlight = redis.call('ZCARD', KEYS[2])
local remaining = num(ARGV[6])
local toWait = num(ARGV[7])
if remaining then
  -- Calls still out may not be in this count yet: assume they are not.
  redis.call('HSET', KEYS[1], 'remaining', remaining - inFlight)
  if windowKnown then
    local windowMs = windowSec * 1000
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - windowMs)
    -- What Qualys counted beyond every process's calls came from other clients; gone within one window.
    local others = math.max(0, limit - remaining - redis.call('ZCARD', KEYS[3]) - inFlight)
    redis.call('HSET', KEYS[1], 'others', others, 'othersUntil', now + windowMs)
  elseif remaining <= 0 and not (toWait and toWait > 0) then
    held = holdUntil(KEYS[1], held, now + tonumber(ARGV[8]), 'quota')
  end
end
if not windowKnown then redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[12]) + 1)) end
if toWait and toWait > 0 then held = holdUntil(KEYS[1], held, now + math.ceil(toWait * 1000), 'quota') end
touch(KEYS, windowSec, leaseMs, held)
return now
`;

/** ARGV: hold ms from now, code, lease ms. KEYS[1] state only. → now */
export const HOLD = `${PRELUDE}
local s = redis.call('HMGET', KEYS[1], 'holdUntil', 'windowSec')
local held = holdUntil(KEYS[1], num(s[1]) or 0, now + math.ceil(tonumber(ARGV[1])), ARGV[2])
touch({KEYS[1]}, num(s[2]), tonumber(ARGV[3]), held)
return now
`;

/**
 * Heartbeat: ARGV lease ms, then the permit ids this process still holds; KEYS[1] permits. A
 * permit lost while Redis was away is put back: its call is still running at Qualys.
 */
export const RENEW = `${PRELUDE}
local leaseMs = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + leaseMs, ARGV[i]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < leaseMs * 2 then redis.call('PEXPIRE', KEYS[1], leaseMs * 2 + 3600000) end
return now
`;

/** → {now, state hash as a flat list, permits out, log as a flat list of member, score} */
export const SNAPSHOT = `${PRELUDE}
return {now, redis.call('HGETALL', KEYS[1]), redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf'), redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')}
`;
