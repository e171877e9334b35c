-- Leaving a room (or having bought): the place goes, and a live pass is recorded as ended.
-- ARGV: user id, now (ms). Returns { existed 0|1, hadPass 0|1 }.
local user, now = ARGV[1], tonumber(ARGV[2])
local existed = redis.call('HEXISTS', K_PLACES, user)
local had = 0
local exp = redis.call('ZSCORE', K_ACTIVE, user)
if exp then
  local jti = redis.call('HGET', K_PASSES, user)
  if jti and tonumber(exp) > now then
    redis.call('ZADD', K_ENDED, exp, jti)
    had = 1
  end
  redis.call('ZREM', K_ACTIVE, user)
  redis.call('HDEL', K_PASSES, user)
end
redis.call('ZREM', K_QUEUE, user)
redis.call('SREM', K_PRE, user)
redis.call('ZREM', K_CHECKIN, user)
drop_place(user)
return { existed, had }
