-- Clean up holds whose time has run out (they already count as free; this reclaims memory, tells the live
-- seat map and, in the same step, offers the freed seats to the trip's waitlist).
-- KEYS: loaded, seats, users, expiry, meta, layout, waitlist, wl, offers (trip_keys)
-- ARGV: tripId, channel, limit, offerTtlMs   -> {bookings swept, offers made}
local K = trip_keys(KEYS)
local swept, offers = settle(K, now_ms(), ARGV[1], ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[3]))
return { swept, offers }
