-- The opening: the pre-queue takes places 1..N in the order drawn by the service (a uniform shuffle, CSPRNG
-- Fisher-Yates; shuffle.ts), ahead of every later arrival. ARGV: when admission may begin (ms: once the pre-queue's
-- spread first check-ins are over, domain/admission.ts), then the pre-queue's user ids in drawn order.
-- Ids no longer in the pre-queue (left, dropped) are skipped; any that joined after the draw was read (none with
-- one clock, kept for safety) follow in set order. Runs once: returns -1 when already done, else the count.
if redis.call('HGET', K_ROOM, 'shuffled') == '1' then return -1 end
redis.call('HSET', K_ROOM, 'admitFrom', ARGV[1])
-- After an earlier draw's places, if any still wait (the opening was moved and drawn again): they keep their turn.
local n = 0
local last_drawn = redis.call('ZREVRANGEBYSCORE', K_QUEUE, '(' .. LATE_BASE, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
if #last_drawn == 2 then n = tonumber(last_drawn[2]) end
for i = 2, #ARGV do
  local user = ARGV[i]
  if redis.call('SREM', K_PRE, user) == 1 then
    n = n + 1
    redis.call('ZADD', K_QUEUE, n, user)
  end
end
for _, user in ipairs(redis.call('SMEMBERS', K_PRE)) do
  n = n + 1
  redis.call('ZADD', K_QUEUE, n, user)
end
redis.call('DEL', K_PRE)
redis.call('HSET', K_ROOM, 'shuffled', '1')
return n
