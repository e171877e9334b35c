-- Shared by every sale script (prepended by sale-store.ts). One sale's keys, all under the hash tag
-- {sale:YYYY-MM-DD}, in this order (KEYS[1..9]):
--   room     HASH  settings and live state: mode, opensAt, roomOpensMinutes, shoppers, aps (operator overrides),
--                  active '1'|'0', reason, rate (admissions/s now), seatsLeft, soldOut '1', shuffled '1' (the
--                  pre-queue was drawn), admitFrom (ms: admission begins, after the draw's spread check-ins), seq
--                  (arrival counter), admitted (total), lastTick (ms), carry (fraction of an admission left from the
--                  last tick); for the waits' estimate, as of the last tick: cap (the
--                  active-shopper cap), nact (passes live), free (cap - nact, at least 0), turnover (departures per
--                  active shopper per second: measured, else the configured guess) and its two decaying sums tD
--                  (departures) and tE (shopper-seconds)
--   pre      SET   user ids that joined before the opening (the pre-queue, drawn at random at the opening)
--   queue    ZSET  user id -> order (1..N: the drawn pre-queue; 1e12 + seq: later arrivals)
--   checkin  ZSET  user id -> last check-in (ms), waiting places only
--   active   ZSET  user id -> pass expiry (ms): admitted, pass neither expired nor ended
--   places   HASH  user id -> phone ('' without one): every waiting or admitted place
--   phones   HASH  phone -> user id: one place per verified phone
--   passes   HASH  user id -> jti of the pass (the pass itself is signed again from its claims, deterministically)
--   ended    ZSET  jti -> pass expiry (ms): passes ended early (left, bought), kept until they would expire
local K_ROOM, K_PRE, K_QUEUE, K_CHECKIN, K_ACTIVE, K_PLACES, K_PHONES, K_PASSES, K_ENDED =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]

-- Later arrivals queue behind every drawn pre-queue place.
local LATE_BASE = 1000000000000

-- Removes a place's account and phone records (not its queue entry or pass).
local function drop_place(user)
  local phone = redis.call('HGET', K_PLACES, user)
  if phone and phone ~= '' and redis.call('HGET', K_PHONES, phone) == user then
    redis.call('HDEL', K_PHONES, phone)
  end
  redis.call('HDEL', K_PLACES, user)
end

-- The room's fields every answer carries, in this order.
local function room_head()
  local r = redis.call('HMGET', K_ROOM, 'active', 'seatsLeft', 'rate', 'soldOut', 'opensAt', 'reason', 'cap', 'free',
    'turnover', 'admitFrom')
  return { r[1] or '0', r[2] or '', r[3] or '', r[4] or '0', r[5] or '', r[6] or '', r[7] or '', r[8] or '', r[9] or '',
    r[10] or '' }
end

-- One user's place: { kind, position, ahead, passExpiresAt, jti, preQueued, <room_head> }.
-- kind: 'admitted' (a live pass), 'sold-out', 'open' (the room is not active), 'pre' (pre-queue, with the size of
-- the pre-queue), 'queued' (position/ahead set), 'none' (no place). A waiting place's check-in is recorded when
-- checkin == '1'.
local function place_status(user, now, checkin)
  local head = room_head()
  local function answer(kind, position, ahead, exp, jti, pre)
    local out = { kind, position or '', ahead or '', exp or '', jti or '', pre or '' }
    for _, v in ipairs(head) do out[#out + 1] = v end
    return out
  end
  local exp = redis.call('ZSCORE', K_ACTIVE, user)
  if exp and tonumber(exp) > now then
    return answer('admitted', '0', '0', exp, redis.call('HGET', K_PASSES, user))
  end
  if head[4] == '1' then return answer('sold-out') end
  if head[1] ~= '1' then return answer('open') end
  -- A waiting place is in the pre-queue or the queue (no need to ask `places` as well: a place leaves both
  -- whenever it leaves `places`).
  if redis.call('SISMEMBER', K_PRE, user) == 1 then
    if checkin == '1' then redis.call('ZADD', K_CHECKIN, now, user) end
    return answer('pre', nil, nil, nil, nil, tostring(redis.call('SCARD', K_PRE)))
  end
  local rank = redis.call('ZRANK', K_QUEUE, user)
  if rank then
    if checkin == '1' then redis.call('ZADD', K_CHECKIN, now, user) end
    return answer('queued', tostring(rank + 1), tostring(rank))
  end
  return answer('none')
end
