-- Joining a sale's room. ARGV: user id, phone ('' without one), now (ms), the rule's opening (ms; the room's
-- `opensAt` override wins). Idempotent: an existing place (or pass) is answered as it is, with a check-in.
-- Returns place_status (common.lua), or { 'phone-taken' } when the phone holds another account's place.
local user, phone, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local status = place_status(user, now, '1')
if status[1] ~= 'none' then return status end
if phone ~= '' then
  local holder = redis.call('HGET', K_PHONES, phone)
  if holder and holder ~= user then return { 'phone-taken' } end
end
local opens = tonumber(redis.call('HGET', K_ROOM, 'opensAt') or ARGV[4])
redis.call('HSET', K_PLACES, user, phone)
if phone ~= '' then redis.call('HSET', K_PHONES, phone, user) end
if redis.call('HGET', K_ROOM, 'shuffled') ~= '1' and now < opens then
  redis.call('SADD', K_PRE, user)
else
  local seq = redis.call('HINCRBY', K_ROOM, 'seq', 1)
  redis.call('ZADD', K_QUEUE, LATE_BASE + seq, user)
end
return place_status(user, now, '1')
