-- Take a WAITING entry off the trip's waitlist (the traveller left, or the cut-off closed it): its place,
-- its entry and its user entry. Idempotent.
-- KEYS: loaded, seats, users, expiry, meta, layout, waitlist, wl, offers (trip_keys)
-- ARGV: waitlistId, userId   -> 1 removed, 0 it was not there
local K = trip_keys(KEYS)
local wid, uid = ARGV[1], ARGV[2]
local removed = redis.call('ZREM', K.waitlist, wid)
redis.call('HDEL', K.wl, wid)
local ustr = redis.call('HGET', K.users, uid)
if ustr then
  local keep = {}
  for _, u in ipairs(cjson.decode(ustr)) do
    if u.b ~= wid then keep[#keep + 1] = u end
  end
  if #keep == 0 then redis.call('HDEL', K.users, uid) else redis.call('HSET', K.users, uid, cjson.encode(keep)) end
end
return removed
