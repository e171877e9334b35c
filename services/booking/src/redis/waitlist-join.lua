-- Put one traveller on the trip's waitlist (PostgreSQL already has the row, in the caller's open
-- transaction): refused when the seats are free (hold them instead), past the per-user limit (waiting
-- seats count with held and booked ones), or when the user already waits on this trip. Idempotent.
-- KEYS: loaded, seats, users, expiry, meta, layout, waitlist, wl, offers (trip_keys)
-- ARGV: waitlistId, userId, count, class, mask, from, to, offerBookingId, seq, limit, tripId, channel, offerTtlMs
-- -> {'OK', offers} | {'SEATS_FREE', seatsLeft, offers} | {'LIMIT', used, offers} | {'DUPLICATE', offers}
--    | {'NOT_LOADED'} | {'NO_LAYOUT'}
local K = trip_keys(KEYS)
if not redis.call('GET', K.loaded) then return { 'NOT_LOADED' } end
local layout = load_layout(K.layout, ARGV[4])
if not layout then return { 'NO_LAYOUT' } end
local now = now_ms()
local wid, uid, n, mask = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[5])
local offers = 0
if redis.call('ZCARD', K.waitlist) > 0 then
  local _, made = settle(K, now, ARGV[11], ARGV[12], tonumber(ARGV[13]), 1000)
  offers = made
end
if redis.call('HEXISTS', K.wl, wid) == 1 then return { 'OK', offers } end
local used, ulist = user_usage(K.users, uid, now)
for _, u in ipairs(ulist) do
  if u.w == 1 then return { 'DUPLICATE', offers } end
end
if used + n > tonumber(ARGV[10]) then return { 'LIMIT', string.format('%d', used), offers } end
local picks, _, _, left = allocate(K.seats, layout, '', mask, now, n, 'auto', '')
if picks then return { 'SEATS_FREE', left, offers } end
redis.call('ZADD', K.waitlist, ARGV[9], wid)
redis.call('HSET', K.wl, wid, cjson.encode({ u = uid, n = n, c = ARGV[4], m = mask, f = ARGV[6], t = ARGV[7], o = ARGV[8] }))
ulist[#ulist + 1] = { b = wid, n = n, e = 0, w = 1 }
redis.call('HSET', K.users, uid, cjson.encode(ulist))
return { 'OK', offers }
