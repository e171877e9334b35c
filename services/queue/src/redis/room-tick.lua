-- One admission step of a sale's room (the leader job, every tick). ARGV:
--   1 now (ms)  2 check-in grace (ms)  3 room active '1'|'0'  4 reason  5 admission rate (per second)
--   6 active-shopper cap  7 pass lifetime (ms)  8 seats left ('' when unknown: keep the last)  9 longest step (ms)
-- In order: passes past their expiry go; waiting places not checked in within the grace go; seats left is
-- stored and, at 0, every waiting place goes at once (their check-in answers sold-out); an inactive room keeps
-- no waiting places (their check-in answers 'open'); then, once the pre-queue is drawn, the head is admitted:
-- min(carry + rate x dt, cap - active), dt capped so a late tick never bursts.
-- Returns { admitted, queued, preQueued, active, dropped, expired, soldOut 0|1 }.
local now, grace = tonumber(ARGV[1]), tonumber(ARGV[2])
local is_active, reason, rate = ARGV[3], ARGV[4], tonumber(ARGV[5])
local cap, ttl, seats, max_dt = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], tonumber(ARGV[9])

local expired = redis.call('ZRANGEBYSCORE', K_ACTIVE, '-inf', now)
for _, user in ipairs(expired) do
  redis.call('HDEL', K_PASSES, user)
  drop_place(user)
end
redis.call('ZREMRANGEBYSCORE', K_ACTIVE, '-inf', now)
redis.call('ZREMRANGEBYSCORE', K_ENDED, '-inf', now)

local stalled = redis.call('ZRANGEBYSCORE', K_CHECKIN, '-inf', now - grace)
for _, user in ipairs(stalled) do
  redis.call('ZREM', K_QUEUE, user)
  redis.call('SREM', K_PRE, user)
  drop_place(user)
end
redis.call('ZREMRANGEBYSCORE', K_CHECKIN, '-inf', now - grace)

local function drop_waiting()
  for _, user in ipairs(redis.call('ZRANGE', K_QUEUE, 0, -1)) do drop_place(user) end
  for _, user in ipairs(redis.call('SMEMBERS', K_PRE)) do drop_place(user) end
  redis.call('DEL', K_QUEUE, K_PRE, K_CHECKIN)
end

local sold_out = 0
if seats ~= '' then
  redis.call('HSET', K_ROOM, 'seatsLeft', seats)
  if tonumber(seats) == 0 then
    sold_out = 1
    redis.call('HSET', K_ROOM, 'soldOut', '1')
    drop_waiting()
  else
    redis.call('HDEL', K_ROOM, 'soldOut')
  end
elseif redis.call('HGET', K_ROOM, 'soldOut') == '1' then
  sold_out = 1
end

redis.call('HSET', K_ROOM, 'active', is_active, 'reason', reason, 'rate', tostring(rate))
local admitted = 0
local last = tonumber(redis.call('HGET', K_ROOM, 'lastTick') or '0')
local dt = now - last
if last == 0 or dt > max_dt then dt = max_dt end
if dt < 0 then dt = 0 end
if is_active ~= '1' then
  drop_waiting()
  redis.call('HSET', K_ROOM, 'carry', '0')
elseif sold_out == 0 and redis.call('SCARD', K_PRE) == 0 then
  local allowance = tonumber(redis.call('HGET', K_ROOM, 'carry') or '0') + rate * dt / 1000
  local n = math.floor(allowance)
  local room_left = cap - redis.call('ZCARD', K_ACTIVE)
  local carry = allowance - n
  if n > room_left then
    n = math.max(room_left, 0)
    carry = 0
  end
  if carry > 1 then carry = 1 end
  local waiting_before = redis.call('ZCARD', K_QUEUE)
  if n > 0 then
    local popped = redis.call('ZPOPMIN', K_QUEUE, n)
    for i = 1, #popped, 2 do
      local user = popped[i]
      local jti = tostring(redis.call('HINCRBY', K_ROOM, 'admitted', 1))
      redis.call('ZADD', K_ACTIVE, now + ttl, user)
      redis.call('HSET', K_PASSES, user, jti)
      redis.call('ZREM', K_CHECKIN, user)
      admitted = admitted + 1
    end
  end
  -- The measured rate (an EWMA of admissions per second while people were waiting) gives the waits' estimate.
  if waiting_before > 0 and dt > 0 then
    local measured = admitted * 1000 / dt
    local prev = tonumber(redis.call('HGET', K_ROOM, 'mrate') or '')
    if prev then measured = 0.8 * prev + 0.2 * measured end
    redis.call('HSET', K_ROOM, 'mrate', tostring(measured))
  end
  redis.call('HSET', K_ROOM, 'carry', tostring(carry))
end
redis.call('HSET', K_ROOM, 'lastTick', now)
return { admitted, redis.call('ZCARD', K_QUEUE), redis.call('SCARD', K_PRE), redis.call('ZCARD', K_ACTIVE), #stalled, #expired, sold_out }
