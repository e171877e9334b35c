-- The admission job's lease (KEYS[1], not a sale key): taken when free, renewed when ours. ARGV: token, ttl (ms).
-- Returns 1 when this process leads for the next ttl, else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
