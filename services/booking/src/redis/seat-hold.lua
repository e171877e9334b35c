-- Hold 1-4 seats for one booking over a leg mask, all or nothing, within the per-user limit.
-- When the trip has a waitlist, holds whose time ran out are settled first (their seats offered to the
-- waitlist), so a new hold never takes a freed seat ahead of a waiting traveller.
-- KEYS: loaded, seats, users, expiry, meta, layout, waitlist, wl, offers (trip_keys)
-- ARGV: bookingId, userId, mask, ttlMs, limit, tripId, from, to, channel, offerTtlMs, seatId...
-- -> {'OK', expMs, generation, nowMs, staleOverlap, offers} | {'TAKEN', offers, seatId...} | {'LIMIT', used, offers} | {'NOT_LOADED'}
local K = trip_keys(KEYS)
local gen = redis.call('GET', K.loaded)
if not gen then return { 'NOT_LOADED' } end
local now = now_ms()
local bid, uid = ARGV[1], ARGV[2]
local mask, ttl, limit = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local seats = {}
for i = 11, #ARGV do seats[#seats + 1] = ARGV[i] end
local n = #seats

local offers = 0
if redis.call('ZCARD', K.waitlist) > 0 then
  local _, made = settle(K, now, ARGV[6], ARGV[9], tonumber(ARGV[10]), 1000)
  offers = made
end

local used, ulist = user_usage(K.users, uid, now)
if used + n > limit then return { 'LIMIT', string.format('%d', used), offers } end

-- staleOverlap: an expired entry overlapped the request (PostgreSQL may still hold that row as active).
local taken = {}
local stale = 0
local vals = redis.call('HMGET', K.seats, unpack(seats))
local lists = {}
for i = 1, n do
  local list = decode_list(vals[i])
  lists[i] = list
  local conflict = false
  for _, e in ipairs(list) do
    if bit.band(e.m, mask) ~= 0 then
      if is_live(e, now) then conflict = true else stale = 1 end
    end
  end
  if conflict then taken[#taken + 1] = seats[i] end
end
if #taken > 0 then return { 'TAKEN', offers, unpack(taken) } end

local exp = now + ttl
put_hold(K, bid, uid, mask, exp, now, ARGV[7], ARGV[8], seats, lists, ulist, nil, nil)
publish(ARGV[9], ARGV[6], seats, 'held', ARGV[7], ARGV[8])
return { 'OK', string.format('%d', exp), gen, string.format('%d', now), tostring(stale), offers }
