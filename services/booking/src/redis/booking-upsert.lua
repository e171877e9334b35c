-- Write one booking's state (H/P/C) as PostgreSQL has it: state changes, and restoring a committed hold
-- after Redis lost the trip. With a generation, it is a no-op when Redis still has that generation.
-- KEYS: loaded, seats, users, expiry, meta
-- ARGV: generation|'', bookingId, userId, mask, expMs, state, tripId, from, to, channel, seatId...  -> 1 written, 0 skipped
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end
local seats = {}
for i = 11, #ARGV do seats[#seats + 1] = ARGV[i] end
write_booking(KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[8], ARGV[9], seats)
publish(ARGV[10], ARGV[7], seats, status_of(ARGV[6]), ARGV[8], ARGV[9])
return 1
