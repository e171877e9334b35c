-- Forgets a pending claim, if the caller holds it (same salt) and it has no answer yet.
-- KEYS[1]  the key's record (see claim.lua)
-- ARGV     salt
-- Returns  1 when released, else 0.
if redis.call('HGET', KEYS[1], 'salt') == ARGV[1] and redis.call('HEXISTS', KEYS[1], 'status') == 0 then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
