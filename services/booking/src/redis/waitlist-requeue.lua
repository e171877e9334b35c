-- Undo a waitlist offer PostgreSQL did not record (it refused the seats, or the offer vanished before it
-- was recorded): the offered hold is removed and the entry takes its old place again. Publishes the freed
-- seats; the caller then resyncs them from PostgreSQL and runs waitlist-offer.lua. Idempotent.
-- KEYS: loaded, seats, users, expiry, meta, layout, waitlist, wl, offers (trip_keys)
-- ARGV: waitlistId, offerBookingId, userId, seq, waitlist entry JSON, tripId, channel   -> seats freed
local K = trip_keys(KEYS)
local wid, bid, uid = ARGV[1], ARGV[2], ARGV[3]
local freed = {}
local raw = redis.call('HGET', K.meta, bid)
if raw then
  local meta = cjson.decode(raw)
  freed = remove_booking(K.seats, K.users, K.expiry, K.meta, bid, uid, meta.s)
  publish(ARGV[7], ARGV[6], freed, 'available', meta.f, meta.t)
end
redis.call('ZREM', K.offers, bid)
local entry = cjson.decode(ARGV[5])
redis.call('ZADD', K.waitlist, ARGV[4], wid)
redis.call('HSET', K.wl, wid, ARGV[5])
local keep = {}
for _, u in ipairs(decode_list(redis.call('HGET', K.users, uid))) do
  if u.b ~= wid then keep[#keep + 1] = u end
end
keep[#keep + 1] = { b = wid, n = entry.n, e = 0, w = 1 }
redis.call('HSET', K.users, uid, cjson.encode(keep))
return #freed
