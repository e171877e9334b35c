-- Hold 1-4 seats for one booking over a leg mask, all or nothing, within the per-user limit.
-- KEYS: loaded, seats, users, expiry, meta
-- ARGV: bookingId, userId, mask, ttlMs, limit, tripId, from, to, channel, seatId...
-- -> {'OK', expMs, generation, nowMs, staleOverlap} | {'TAKEN', seatId...} | {'LIMIT', used} | {'NOT_LOADED'}
local gen = redis.call('GET', KEYS[1])
if not gen then return { 'NOT_LOADED' } end
local now = now_ms()
local bid, uid = ARGV[1], ARGV[2]
local mask, ttl, limit = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local seats = {}
for i = 10, #ARGV do seats[#seats + 1] = ARGV[i] end
local n = #seats

local used = 0
local users = decode_list(redis.call('HGET', KEYS[3], uid))
for _, u in ipairs(users) do
  if user_live(u, now) then used = used + u.n end
end
if used + n > limit then return { 'LIMIT', string.format('%d', used) } end

-- staleOverlap: an expired entry overlapped the request (PostgreSQL may still hold that row as active).
local taken = {}
local stale = 0
local vals = redis.call('HMGET', KEYS[2], unpack(seats))
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
if #taken > 0 then return { 'TAKEN', unpack(taken) } end

-- Expired entries of these seats are dropped as we rewrite them; the sweeper tidies their other keys.
local exp = now + ttl
local hset = {}
for i = 1, n do
  local keep = {}
  for _, e in ipairs(lists[i]) do
    if is_live(e, now) then keep[#keep + 1] = e end
  end
  keep[#keep + 1] = { b = bid, m = mask, e = exp, s = 'H' }
  hset[#hset + 1] = seats[i]
  hset[#hset + 1] = cjson.encode(keep)
end
redis.call('HSET', KEYS[2], unpack(hset))
local ulist = {}
for _, u in ipairs(users) do
  if user_live(u, now) then ulist[#ulist + 1] = u end
end
ulist[#ulist + 1] = { b = bid, n = n, e = exp }
redis.call('HSET', KEYS[3], uid, cjson.encode(ulist))
redis.call('ZADD', KEYS[4], exp, bid)
redis.call('HSET', KEYS[5], bid, cjson.encode({ m = mask, f = ARGV[7], t = ARGV[8], s = seat_numbers(seats), u = uid }))
publish(ARGV[9], ARGV[6], seats, 'held', ARGV[7], ARGV[8])
return { 'OK', string.format('%d', exp), gen, string.format('%d', now), tostring(stale) }
