-- Load a batch of PostgreSQL's active bookings (and, with the final batch, its WAITING waitlist entries)
-- into a trip that Redis lost; the last batch sets the loaded marker (a new generation), after which the
-- trip takes holds again. Merges: entries of holds still being written are kept. Publishes nothing
-- (watchers refetch the seat map).
-- KEYS: loaded, seats, users, expiry, meta, layout, waitlist, wl, offers (trip_keys)
-- ARGV: generation, final ('1' | '0'), bookings: JSON array of
--       {"bookingId", "userId", "seatIds": [..], "mask", "expiresAtMs", "state", "from", "to"},
--       waitlist: JSON array of {"waitlistId", "seq", "userId", "count", "class", "mask", "from", "to", "offerBookingId"}
-- -> bookings written
local K = trip_keys(KEYS)
local bookings = cjson.decode(ARGV[3])
for _, b in ipairs(bookings) do
  write_booking(K.seats, K.users, K.expiry, K.meta, b.bookingId, b.userId, b.mask, b.expiresAtMs, b.state, b.from, b.to, b.seatIds)
end
for _, w in ipairs(cjson.decode(ARGV[4])) do
  redis.call('ZADD', K.waitlist, w.seq, w.waitlistId)
  redis.call('HSET', K.wl, w.waitlistId, cjson.encode({ u = w.userId, n = w.count, c = w.class, m = w.mask, f = w.from, t = w.to, o = w.offerBookingId }))
  local keep = {}
  for _, u in ipairs(decode_list(redis.call('HGET', K.users, w.userId))) do
    if u.b ~= w.waitlistId then keep[#keep + 1] = u end
  end
  keep[#keep + 1] = { b = w.waitlistId, n = w.count, e = 0, w = 1 }
  redis.call('HSET', K.users, w.userId, cjson.encode(keep))
end
if ARGV[2] == '1' then redis.call('SET', K.loaded, ARGV[1]) end
return #bookings
