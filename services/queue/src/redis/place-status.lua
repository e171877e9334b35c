-- The check-in (GET /api/queue/sales/:date/me) in one round trip: the place, and the check-in recorded.
-- ARGV: user id, now (ms). Returns place_status (common.lua).
return place_status(ARGV[1], tonumber(ARGV[2]), '1')
