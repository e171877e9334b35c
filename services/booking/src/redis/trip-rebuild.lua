-- Load a batch of PostgreSQL's active bookings into a trip that Redis lost; the last batch sets the
-- loaded marker (a new generation), after which the trip takes holds again. Merges: entries of holds
-- still being written are kept. Publishes nothing (watchers refetch the seat map).
-- KEYS: loaded, seats, users, expiry, meta
-- ARGV: generation, final ('1' | '0'), bookings: JSON array of
--       {"bookingId", "userId", "seatIds": [..], "mask", "expiresAtMs", "state", "from", "to"}   -> bookings written
local bookings = cjson.decode(ARGV[3])
for _, b in ipairs(bookings) do
  write_booking(KEYS[2], KEYS[3], KEYS[4], KEYS[5], b.bookingId, b.userId, b.mask, b.expiresAtMs, b.state, b.from, b.to, b.seatIds)
end
if ARGV[2] == '1' then redis.call('SET', KEYS[1], ARGV[1]) end
return #bookings
