-- Free one booking's seats at once (released, expired, cancelled, or its database write failed), and in
-- the same step offer what was freed to the trip's waitlist (offer_waitlist in common.lua).
-- Only entries of this booking are removed; other bookings on the same seats stay.
-- KEYS: loaded, seats, users, expiry, meta, layout, waitlist, wl, offers (trip_keys)
-- ARGV: bookingId, userId, tripId, from, to, channel, offerTtlMs, seatId...   -> {seats freed, offers made}
local K = trip_keys(KEYS)
local seats = {}
for i = 8, #ARGV do seats[#seats + 1] = ARGV[i] end
local freed = remove_booking(K.seats, K.users, K.expiry, K.meta, ARGV[1], ARGV[2], seats)
publish(ARGV[6], ARGV[3], freed, 'available', ARGV[4], ARGV[5])
local offers = 0
if #freed > 0 then offers = offer_waitlist(K, now_ms(), ARGV[3], ARGV[6], tonumber(ARGV[7])) end
return { #freed, offers }
