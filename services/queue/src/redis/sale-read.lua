-- A sale's room in one round trip: { HGETALL room, queued, preQueued, active }.
return { redis.call('HGETALL', K_ROOM), redis.call('ZCARD', K_QUEUE), redis.call('SCARD', K_PRE), redis.call('ZCARD', K_ACTIVE) }
