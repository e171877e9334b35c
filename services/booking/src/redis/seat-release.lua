-- Free one booking's seats at once (released, expired, cancelled, or its database write failed).
-- Only entries of this booking are removed; other bookings on the same seats stay.
-- KEYS: seats, users, expiry, meta
-- ARGV: bookingId, userId, tripId, from, to, channel, seatId...   -> number of seats freed
local seats = {}
for i = 7, #ARGV do seats[#seats + 1] = ARGV[i] end
local freed = remove_booking(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], seats)
publish(ARGV[6], ARGV[3], freed, 'available', ARGV[4], ARGV[5])
return #freed
