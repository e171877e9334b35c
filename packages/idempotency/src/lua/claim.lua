-- Claims an Idempotency-Key, or returns the record already there.
-- KEYS[1]  the key's record, a hash: salt, hash, op (the request fingerprint; salt also names the claim) and,
--          once answered, status, ctype, body. It expires after the lease while pending, after the TTL once answered.
-- ARGV     salt, hash, op, lease ms
-- Returns  nil when claimed, else {salt, hash, op, status, ctype, body} (status... nil while pending).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HMGET', KEYS[1], 'salt', 'hash', 'op', 'status', 'ctype', 'body')
end
redis.call('HSET', KEYS[1], 'salt', ARGV[1], 'hash', ARGV[2], 'op', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return false
