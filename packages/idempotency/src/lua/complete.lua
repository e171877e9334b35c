-- Stores the answer of a claimed Idempotency-Key, if the caller still holds the claim (same salt).
-- KEYS[1]  the key's record (see claim.lua)
-- ARGV     salt, status, content type, body, TTL ms
-- Returns  1 when stored, 0 when the claim was lost (lease expired and taken over).
if redis.call('HGET', KEYS[1], 'salt') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'ctype', ARGV[3], 'body', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
