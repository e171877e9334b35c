-- Offer whatever is free to the trip's waitlist now (settling expired holds first): after an offer was
-- undone, after a rebuild, and from the waitlist job as a safety net.
-- KEYS: loaded, seats, users, expiry, meta, layout, waitlist, wl, offers (trip_keys)
-- ARGV: tripId, channel, offerTtlMs   -> offers made (0 when the trip is not loaded)
local K = trip_keys(KEYS)
if not redis.call('GET', K.loaded) then return 0 end
local now = now_ms()
local _, made = settle(K, now, ARGV[1], ARGV[2], tonumber(ARGV[3]), 1000)
return made + offer_waitlist(K, now, ARGV[1], ARGV[2], tonumber(ARGV[3]))
