-- common.lua: helpers shared by every seat script, and the one description of the data they keep.
-- Redis scripts cannot `require`, so seat-inventory.ts prepends this file to each script file when it
-- loads them (once, at start); each script then runs as one EVALSHA. Line numbers in a Redis script error
-- count from the top of this file.
--
-- Keys of one trip (prefix from config; every key carries the hash tag {trip:N}, so a script touches one
-- cluster slot). `v2` names this layout: bump it whenever a structure below changes, so replicas of the
-- old and the new layout (a rolling deploy) never read each other's entries; PostgreSQL rebuilds the new
-- keys on first use.
--   <prefix>{trip:N}:v2:loaded  string  the generation; absent = Redis lost the trip (rebuild from PostgreSQL)
--   <prefix>{trip:N}:v2:seats   hash    seatId -> JSON array of seat entries, one per booking on the seat
--   <prefix>{trip:N}:v2:users   hash    userId -> JSON array of user entries, one per booking of the user
--   <prefix>{trip:N}:v2:expiry  zset    bookingId scored by its expiry (epoch ms); H and P bookings only
--   <prefix>{trip:N}:v2:meta    hash    bookingId -> JSON booking meta (what the sweeper needs to free it)
--   <prefix>{trip:N}:seat-events        pub/sub channel of seat changes (SeatEvent in @rail/contracts/booking)
--
-- JSON structures (short keys: they are stored once per seat and booking):
--   seat entry    {"b": bookingId, "m": legMask, "e": expiresAtMs, "s": state}
--                 state 'H' held, 'P' pending payment, 'C' confirmed (e = 0). Live while s = 'C' or e > now.
--   user entry    {"b": bookingId, "n": seatCount, "e": expiresAtMs}   e = 0 when confirmed; live while
--                 e = 0 or e > now. The per-user limit counts the seats of live entries.
--   booking meta  {"m": legMask, "f": fromStation, "t": toStation, "s": [seatId, ...], "u": userId}
-- Seat ids are JSON numbers; hash fields are their decimal strings. `now` is Redis TIME in ms: expired
-- entries count as free at once, and are dropped when their seat is next written or by the sweeper.
-- A list never stays empty: its field is deleted instead (cjson would write an empty table as {}).
-- cjson writes numbers with 14 significant digits: exact for epoch ms (13 digits) and 31-bit leg masks.

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A stored JSON list, or an empty one for a missing field (HGET/HMGET give false).
local function decode_list(s)
  if not s then return {} end
  return cjson.decode(s)
end

local function is_live(e, now)
  return e.s == 'C' or e.e > now
end

local function user_live(u, now)
  return u.e == 0 or u.e > now
end

local function status_of(state)
  if state == 'H' then return 'held' end
  return 'booked'
end

local function seat_numbers(seats)
  local nums = {}
  for i, s in ipairs(seats) do nums[i] = tonumber(s) end
  return nums
end

local function publish(channel, trip_id, seats, status, from, to)
  if #seats == 0 then return end
  redis.call('PUBLISH', channel, cjson.encode({ tripId = tonumber(trip_id), seatIds = seat_numbers(seats), status = status, from = from, to = to }))
end

-- Replaces (or adds) one booking's entries everywhere; no conflict check (used for state changes and rebuilds).
local function write_booking(k_seats, k_users, k_expiry, k_meta, bid, uid, mask, exp, state, from, to, seats)
  local vals = redis.call('HMGET', k_seats, unpack(seats))
  local hset = {}
  for i, sid in ipairs(seats) do
    local keep = {}
    for _, e in ipairs(decode_list(vals[i])) do
      if e.b ~= bid then keep[#keep + 1] = e end
    end
    keep[#keep + 1] = { b = bid, m = mask, e = exp, s = state }
    hset[#hset + 1] = sid
    hset[#hset + 1] = cjson.encode(keep)
  end
  redis.call('HSET', k_seats, unpack(hset))
  local ulist = {}
  for _, u in ipairs(decode_list(redis.call('HGET', k_users, uid))) do
    if u.b ~= bid then ulist[#ulist + 1] = u end
  end
  ulist[#ulist + 1] = { b = bid, n = #seats, e = exp }
  redis.call('HSET', k_users, uid, cjson.encode(ulist))
  if state == 'C' then
    redis.call('ZREM', k_expiry, bid)
  else
    redis.call('ZADD', k_expiry, exp, bid)
  end
  redis.call('HSET', k_meta, bid, cjson.encode({ m = mask, f = from, t = to, s = seat_numbers(seats), u = uid }))
end

-- Removes one booking's entries everywhere; returns the seats that were freed.
local function remove_booking(k_seats, k_users, k_expiry, k_meta, bid, uid, seats)
  local freed = {}
  local vals = redis.call('HMGET', k_seats, unpack(seats))
  for i, sid in ipairs(seats) do
    local keep = {}
    local found = false
    for _, e in ipairs(decode_list(vals[i])) do
      if e.b == bid then found = true else keep[#keep + 1] = e end
    end
    if found then
      freed[#freed + 1] = sid
      if #keep == 0 then redis.call('HDEL', k_seats, sid) else redis.call('HSET', k_seats, sid, cjson.encode(keep)) end
    end
  end
  local ustr = redis.call('HGET', k_users, uid)
  if ustr then
    local ulist = {}
    for _, u in ipairs(cjson.decode(ustr)) do
      if u.b ~= bid then ulist[#ulist + 1] = u end
    end
    if #ulist == 0 then redis.call('HDEL', k_users, uid) else redis.call('HSET', k_users, uid, cjson.encode(ulist)) end
  end
  redis.call('ZREM', k_expiry, bid)
  redis.call('HDEL', k_meta, bid)
  return freed
end
