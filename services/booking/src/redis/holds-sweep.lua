-- Clean up holds whose time has run out (they already count as free; this only reclaims memory and
-- tells the live seat map).
-- KEYS: seats, users, expiry, meta
-- ARGV: tripId, channel, limit   -> number of bookings swept
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, bid in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[4], bid)
  if raw then
    local meta = cjson.decode(raw)
    local freed = remove_booking(KEYS[1], KEYS[2], KEYS[3], KEYS[4], bid, meta.u, meta.s)
    publish(ARGV[2], ARGV[1], freed, 'available', meta.f, meta.t)
  else
    redis.call('ZREM', KEYS[3], bid)
  end
end
return #ids
