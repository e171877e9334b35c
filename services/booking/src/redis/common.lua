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
--   <prefix>{trip:N}:v2:layout  hash    class -> JSON array of layout seats (written once per trip from the catalog)
--   <prefix>{trip:N}:v2:waitlist  zset  waitlistId of each WAITING entry, scored by PostgreSQL's join order (seq)
--   <prefix>{trip:N}:v2:wl      hash    waitlistId -> JSON waitlist entry (WAITING entries only)
--   <prefix>{trip:N}:v2:offers  zset    bookingId of waitlist offers Redis made and PostgreSQL has not recorded
--                                       yet, scored by the time of the offer (drained by offers.ts)
--   <prefix>{trip:N}:seat-events        pub/sub channel of seat changes (SeatEvent in @rail/contracts/booking)
--
-- JSON structures (short keys: they are stored once per seat and booking):
--   seat entry    {"b": bookingId, "m": legMask, "e": expiresAtMs, "s": state}
--                 state 'H' held, 'P' pending payment, 'C' confirmed (e = 0). Live while s = 'C' or e > now.
--   user entry    {"b": bookingId, "n": seatCount, "e": expiresAtMs}   e = 0 when confirmed; live while
--                 e = 0 or e > now. The per-user limit counts the seats of live entries.
--   booking meta  {"m": legMask, "f": fromStation, "t": toStation, "s": [seatId, ...], "u": userId, "w": waitlistId?}
--                 w only on a waitlist offer.
--   layout seat   {"i": seatId, "k": coachCode, "g": rowGroup, "c": column, "w": 1 window | 0 aisle, "a": aisleSide}
--                 in the train's order (coach, row, column); g is unique per coach and row; a is 0 or 1, the
--                 side of the aisle, so seats side by side in one bay share g and a.
--   waitlist entry {"u": userId, "n": seatCount, "c": class, "m": legMask, "f": from, "t": to, "o": offerBookingId}
--                 o is chosen at join: an entry is offered at most once, as booking o.
--   A WAITING entry also has a user entry {"b": waitlistId, "n": seatCount, "e": 0, "w": 1}, so the per-user
--   limit counts waiting seats with held and booked ones; the offer replaces it with the booking's entry.
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

-- The keys a seat-changing script gets, always in this order (seat-inventory.ts tripScriptKeys).
local function trip_keys(keys)
  return {
    loaded = keys[1], seats = keys[2], users = keys[3], expiry = keys[4], meta = keys[5],
    layout = keys[6], waitlist = keys[7], wl = keys[8], offers = keys[9],
  }
end

-- Seats a user holds, has booked or waits for (live entries), and the user's live entries.
local function user_usage(k_users, uid, now)
  local used = 0
  local live = {}
  for _, u in ipairs(decode_list(redis.call('HGET', k_users, uid))) do
    if user_live(u, now) then
      used = used + u.n
      live[#live + 1] = u
    end
  end
  return used, live
end

-- Writes a new hold on free seats (the caller checked them). `lists` are the seats' decoded entries (or
-- nil: read here); expired entries are dropped as the seats are rewritten. `ulist` is the user's live
-- entries; an entry with b = `replace` (a waitlist entry being offered) is dropped.
local function put_hold(K, bid, uid, mask, exp, now, from, to, seats, lists, ulist, replace, wid)
  if not lists then
    lists = {}
    local vals = redis.call('HMGET', K.seats, unpack(seats))
    for i = 1, #seats do lists[i] = decode_list(vals[i]) end
  end
  local hset = {}
  for i = 1, #seats do
    local keep = {}
    for _, e in ipairs(lists[i]) do
      if is_live(e, now) then keep[#keep + 1] = e end
    end
    keep[#keep + 1] = { b = bid, m = mask, e = exp, s = 'H' }
    hset[#hset + 1] = seats[i]
    hset[#hset + 1] = cjson.encode(keep)
  end
  redis.call('HSET', K.seats, unpack(hset))
  local users = {}
  for _, u in ipairs(ulist) do
    if u.b ~= replace then users[#users + 1] = u end
  end
  users[#users + 1] = { b = bid, n = #seats, e = exp }
  redis.call('HSET', K.users, uid, cjson.encode(users))
  redis.call('ZADD', K.expiry, exp, bid)
  local meta = { m = mask, f = from, t = to, s = seat_numbers(seats), u = uid }
  if wid then meta.w = wid end
  redis.call('HSET', K.meta, bid, cjson.encode(meta))
end

-- One class's layout seats, or nil when the layout was never written (or Redis lost it).
local function load_layout(k_layout, class)
  local raw = redis.call('HGET', k_layout, class)
  if not raw then return nil end
  return cjson.decode(raw)
end

-- Which layout seats are free over `mask` now: free[j] for cand[j]; lists[j] their decoded entries;
-- stale = 1 when an expired entry overlapped a seat.
local function free_of(k_seats, cand, mask, now)
  local free, lists, left, stale = {}, {}, 0, 0
  local j = 1
  while j <= #cand do
    local ids = {}
    for x = j, math.min(j + 499, #cand) do ids[#ids + 1] = cand[x].i end
    local vals = redis.call('HMGET', k_seats, unpack(ids))
    for x = 1, #ids do
      local list = decode_list(vals[x])
      local ok = true
      for _, e in ipairs(list) do
        if bit.band(e.m, mask) ~= 0 then
          if is_live(e, now) then ok = false else stale = 1 end
        end
      end
      lists[j + x - 1] = list
      free[j + x - 1] = ok
      if ok then left = left + 1 end
    end
    j = j + #ids
  end
  return free, lists, left, stale
end

-- Chooses `count` free seats of a class layout over `mask`.
--   coach     '' = any coach, else only that coach's seats
--   together  'yes' side by side in one row (or fail), 'no' nearest, 'auto' side by side if any row allows, else nearest
--   pref      'window' | 'aisle' | '': honoured where it can be
-- -> picks (indexes into cand), cand, lists, seatsLeft, stale; picks is nil when no choice fits
--    (seatsLeft < count: not enough; else together = 'yes' and no row has them side by side).
local function allocate(k_seats, layout, coach, mask, now, count, together, pref)
  local cand = {}
  for _, x in ipairs(layout) do
    if coach == '' or x.k == coach then cand[#cand + 1] = x end
  end
  local free, lists, left, stale = free_of(k_seats, cand, mask, now)
  if left < count then return nil, cand, lists, left, stale end
  local want = -1
  if pref == 'window' then want = 1 elseif pref == 'aisle' then want = 0 end
  local function hits(from_j, to_j, only_free)
    local h = 0
    for j = from_j, to_j do
      if (not only_free or free[j]) and cand[j].w == want then h = h + 1 end
    end
    return h
  end

  if count > 1 and together ~= 'no' then
    -- A block: `count` consecutive seats of one row (adjacent columns), all free. Better: not across the
    -- aisle, then more preferred positions, then earlier in the train's order.
    local best, best_score = nil, nil
    local j = 1
    while j <= #cand do
      local r_end = j
      while r_end < #cand and cand[r_end + 1].g == cand[j].g do r_end = r_end + 1 end
      for s = j, r_end - count + 1 do
        local ok = true
        local cross = 0
        for x = s, s + count - 1 do
          if not free[x] then ok = false break end
          if x > s then
            if cand[x].c ~= cand[x - 1].c + 1 then ok = false break end
            if cand[x].a ~= cand[x - 1].a then cross = 1 end
          end
        end
        if ok then
          local score = cross * 100 - hits(s, s + count - 1, false)
          if not best_score or score < best_score then best, best_score = s, score end
        end
      end
      j = r_end + 1
    end
    if best then
      local picks = {}
      for x = best, best + count - 1 do picks[#picks + 1] = x end
      return picks, cand, lists, left, stale
    end
    if together == 'yes' then return nil, cand, lists, left, stale end
  end

  -- Nearest: `count` free seats as close together in the train's order as possible (one coach and few
  -- rows first), preferring the requested position.
  local frees = {}
  for j = 1, #cand do
    if free[j] then frees[#frees + 1] = j end
  end
  local best, best_score = nil, nil
  for s = 1, #frees - count + 1 do
    local first, last = frees[s], frees[s + count - 1]
    local coaches, rows, prefer = 0, 0, 0
    for x = s, s + count - 1 do
      local j = frees[x]
      if x == s or cand[j].k ~= cand[frees[x - 1]].k then coaches = coaches + 1 end
      if x == s or cand[j].g ~= cand[frees[x - 1]].g then rows = rows + 1 end
      if cand[j].w == want then prefer = prefer + 1 end
    end
    local score = coaches * 1000000 + rows * 10000 + (last - first) * 10 - prefer * 5
    if count == 1 then score = -prefer end
    if not best_score or score < best_score then best, best_score = s, score end
  end
  local picks = {}
  for x = best, best + count - 1 do picks[#picks + 1] = frees[x] end
  return picks, cand, lists, left, stale
end

-- Gives free seats to the first waiting entries that fit, in order, each as a hold (booking o of the entry)
-- for `offer_ttl` ms, recorded in the offers zset for PostgreSQL to follow. Runs inside every step that frees
-- seats, so a freed seat reaches the waitlist before any other request. -> number of offers made
local function offer_waitlist(K, now, trip_id, channel, offer_ttl)
  local ids = redis.call('ZRANGE', K.waitlist, 0, -1)
  if #ids == 0 then return 0 end
  local made = 0
  local layouts = {}
  -- (class, mask) -> the smallest count that did not fit: a larger entry of the same kind cannot fit either.
  local failed = {}
  for _, wid in ipairs(ids) do
    local raw = redis.call('HGET', K.wl, wid)
    if not raw then
      redis.call('ZREM', K.waitlist, wid)
    else
      local w = cjson.decode(raw)
      local kind = w.c .. ':' .. w.m
      if layouts[w.c] == nil then layouts[w.c] = load_layout(K.layout, w.c) or false end
      local layout = layouts[w.c]
      if layout and (failed[kind] == nil or w.n < failed[kind]) then
        local picks, cand, lists = allocate(K.seats, layout, '', w.m, now, w.n, 'auto', '')
        if picks then
          local seats, plists = {}, {}
          for x, j in ipairs(picks) do
            seats[x] = tostring(cand[j].i)
            plists[x] = lists[j]
          end
          local _, ulist = user_usage(K.users, w.u, now)
          local exp = now + offer_ttl
          put_hold(K, w.o, w.u, w.m, exp, now, w.f, w.t, seats, plists, ulist, wid, wid)
          redis.call('ZREM', K.waitlist, wid)
          redis.call('HDEL', K.wl, wid)
          redis.call('ZADD', K.offers, now, w.o)
          publish(channel, trip_id, seats, 'held', w.f, w.t)
          made = made + 1
        else
          failed[kind] = w.n
        end
      end
    end
  end
  return made
end

-- Removes the holds whose time ran out (up to `limit`), publishes their seats as available and, when the
-- trip has a waitlist, offers what they freed. -> bookings swept, offers made
local function settle(K, now, trip_id, channel, offer_ttl, limit)
  local ids = redis.call('ZRANGEBYSCORE', K.expiry, '-inf', now, 'LIMIT', 0, limit)
  for _, bid in ipairs(ids) do
    local raw = redis.call('HGET', K.meta, bid)
    if raw then
      local meta = cjson.decode(raw)
      local freed = remove_booking(K.seats, K.users, K.expiry, K.meta, bid, meta.u, meta.s)
      publish(channel, trip_id, freed, 'available', meta.f, meta.t)
    else
      redis.call('ZREM', K.expiry, bid)
    end
  end
  local made = 0
  if #ids > 0 then made = offer_waitlist(K, now, trip_id, channel, offer_ttl) end
  return #ids, made
end
