-- One admission step of a sale's room (the leader job, every tick). ARGV:
--   1 now (ms)  2 check-in grace (ms)  3 room active '1'|'0'  4 reason  5 admission rate (per second)
--   6 active-shopper cap  7 pass lifetime (ms)  8 seats left ('' when unknown: keep the last)  9 longest step (ms)
--   10 turnover until one is measured (departures per active shopper per second: 1 / the expected shopping time)
-- In order: passes past their expiry go; waiting places not checked in within the grace go; seats left is
-- stored and, at 0, every waiting place goes at once (their check-in answers sold-out); the turnover is measured;
-- an inactive room keeps no waiting places (their check-in answers 'open'); then, once the pre-queue is drawn and
-- its spread first check-ins are over (admitFrom), the head is admitted: min(carry + rate x dt, cap - active),
-- dt capped so a late tick never bursts. Last, what
-- the waits' estimate needs is stored: the cap, the slots free now and the turnover (domain/admission.ts).
-- Returns { admitted, queued, preQueued, active, dropped, expired, soldOut 0|1, turnover (string) }.
local now, grace = tonumber(ARGV[1]), tonumber(ARGV[2])
local is_active, reason, rate = ARGV[3], ARGV[4], tonumber(ARGV[5])
local cap, ttl, seats, max_dt = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], tonumber(ARGV[9])
local turnover_guess = tonumber(ARGV[10])
-- The turnover's EWMA forgets with this time constant: a minute-old departure still counts ~2 %.
local TURNOVER_TAU_MS = 15000
-- Fractions stored and returned whole (tostring keeps 14 digits).
local function exact(x) return string.format('%.17g', x) end

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

-- Turnover: how fast admitted shoppers give their slot back (pass expired, left, bought), per active shopper per
-- second, so that cap x turnover is the rate at which a full room admits. Since the last tick the number of passes
-- can only have gone down by departures (admissions come below), over an exposure of shoppers x seconds. Kept as
-- two decaying sums (departures, exposure), counted from the first departure on: before that, nobody has
-- finished, and the ARGV guess stands in. Over the real time elapsed, not the capped step.
local active_now = redis.call('ZCARD', K_ACTIVE)
local was_active = tonumber(redis.call('HGET', K_ROOM, 'nact') or '')
local dep_sum = tonumber(redis.call('HGET', K_ROOM, 'tD') or '')
local exp_sum = tonumber(redis.call('HGET', K_ROOM, 'tE') or '0')
local elapsed = now - last
if last > 0 and was_active and elapsed > 0 then
  local departed = math.max(0, was_active - active_now)
  if dep_sum or departed > 0 then
    local w = math.exp(-elapsed / TURNOVER_TAU_MS)
    dep_sum = (dep_sum or 0) * w + departed
    exp_sum = exp_sum * w + was_active * elapsed / 1000
    redis.call('HSET', K_ROOM, 'tD', exact(dep_sum), 'tE', exact(exp_sum))
  end
end
-- At least one shopper-second observed, else the guess (a window with nobody inside says nothing).
local turnover = turnover_guess
if dep_sum and exp_sum >= 1 then turnover = dep_sum / exp_sum end
if is_active ~= '1' then
  drop_waiting()
  redis.call('HSET', K_ROOM, 'carry', '0')
elseif sold_out == 0 and redis.call('SCARD', K_PRE) == 0
  and now >= tonumber(redis.call('HGET', K_ROOM, 'admitFrom') or '0') then
  local allowance = tonumber(redis.call('HGET', K_ROOM, 'carry') or '0') + rate * dt / 1000
  local n = math.floor(allowance)
  local room_left = cap - redis.call('ZCARD', K_ACTIVE)
  local carry = allowance - n
  if n > room_left then
    n = math.max(room_left, 0)
    carry = 0
  end
  if carry > 1 then carry = 1 end
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
  redis.call('HSET', K_ROOM, 'carry', tostring(carry))
end
local active_after = redis.call('ZCARD', K_ACTIVE)
redis.call('HSET', K_ROOM, 'lastTick', now, 'nact', active_after, 'cap', cap, 'free', math.max(0, cap - active_after),
  'turnover', exact(turnover))
return { admitted, redis.call('ZCARD', K_QUEUE), redis.call('SCARD', K_PRE), active_after, #stalled, #expired, sold_out,
  exact(turnover) }
