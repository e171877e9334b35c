-- "Pick for me": choose `count` free seats of a class (and coach) over a leg mask and hold them for one
-- booking, all or nothing, within the per-user limit, in one atomic step (allocate() in common.lua does the
-- choosing). Like seat-hold.lua, a trip with a waitlist settles its expired holds first.
-- KEYS: loaded, seats, users, expiry, meta, layout, waitlist, wl, offers (trip_keys)
-- ARGV: bookingId, userId, mask, ttlMs, limit, tripId, from, to, channel, offerTtlMs, class, count,
--       together ('yes' | 'no' | 'auto'), preference ('window' | 'aisle' | ''), coach ('' = any)
-- -> {'OK', expMs, generation, nowMs, staleOverlap, offers, seatId...} | {'NOT_ENOUGH', seatsLeft, offers}
--    | {'APART', seatsLeft, offers} | {'LIMIT', used, offers} | {'NOT_LOADED'} | {'NO_LAYOUT'}
local K = trip_keys(KEYS)
local gen = redis.call('GET', K.loaded)
if not gen then return { 'NOT_LOADED' } end
local layout = load_layout(K.layout, ARGV[11])
if not layout then return { 'NO_LAYOUT' } end
local now = now_ms()
local bid, uid = ARGV[1], ARGV[2]
local mask, ttl, limit, n = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[12])

local offers = 0
if redis.call('ZCARD', K.waitlist) > 0 then
  local _, made = settle(K, now, ARGV[6], ARGV[9], tonumber(ARGV[10]), 1000)
  offers = made
end

local used, ulist = user_usage(K.users, uid, now)
if used + n > limit then return { 'LIMIT', string.format('%d', used), offers } end

local picks, cand, lists, left, stale = allocate(K.seats, layout, ARGV[15], mask, now, n, ARGV[13], ARGV[14])
if not picks then
  if left < n then return { 'NOT_ENOUGH', left, offers } end
  return { 'APART', left, offers }
end
local seats, plists = {}, {}
for x, j in ipairs(picks) do
  seats[x] = tostring(cand[j].i)
  plists[x] = lists[j]
end
local exp = now + ttl
put_hold(K, bid, uid, mask, exp, now, ARGV[7], ARGV[8], seats, plists, ulist, nil, nil)
publish(ARGV[9], ARGV[6], seats, 'held', ARGV[7], ARGV[8])
return { 'OK', string.format('%d', exp), gen, string.format('%d', now), tostring(stale), offers, unpack(seats) }
