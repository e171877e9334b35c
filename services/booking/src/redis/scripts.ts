/**
 * The seat-inventory Lua scripts, one per operation. Each runs atomically inside Redis and touches only
 * keys of one trip (hash tag `{trip:N}`), so they run unchanged on Redis Cluster. Kept as TypeScript strings
 * so the compiled service needs no extra files. `COMMON` (helpers) is prepended to each.
 */

export const COMMON = String.raw`
-- Shared helpers, prepended to every seat script.
-- seats hash:  seatId -> "bookingId,mask,expMs,state;..."   state H (held), P (pending payment), C (confirmed; exp 0)
-- users hash:  userId -> "bookingId,seatCount,expMs;..."
-- expiry zset: bookingId scored by expMs (H and P only)
-- meta hash:   bookingId -> "mask|from|to|seatId,seatId|userId"
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function parse_seat(s)
  local out = {}
  if not s then return out end
  for bid, mask, exp, st in string.gmatch(s, '([^,;]+),(%d+),(%d+),(%a)') do
    out[#out + 1] = { bid, tonumber(mask), tonumber(exp), st }
  end
  return out
end

local function encode_seat(list)
  local parts = {}
  for i, e in ipairs(list) do parts[i] = e[1] .. ',' .. string.format('%d', e[2]) .. ',' .. string.format('%d', e[3]) .. ',' .. e[4] end
  return table.concat(parts, ';')
end

local function is_live(e, now)
  return e[4] == 'C' or e[3] > now
end

local function status_of(state)
  if state == 'H' then return 'held' end
  return 'booked'
end

local function publish(channel, trip_id, seats, status, from, to)
  if #seats == 0 then return end
  local nums = {}
  for i, s in ipairs(seats) do nums[i] = tonumber(s) end
  redis.call('PUBLISH', channel, cjson.encode({ tripId = tonumber(trip_id), seatIds = nums, status = status, from = from, to = to }))
end

-- Replaces (or adds) one booking's entries everywhere; no conflict check (used for state changes and rebuilds).
local function write_booking(k_seats, k_users, k_expiry, k_meta, bid, uid, mask, exp, state, from, to, seats)
  local vals = redis.call('HMGET', k_seats, unpack(seats))
  local hset = {}
  for i, sid in ipairs(seats) do
    local keep = {}
    for _, e in ipairs(parse_seat(vals[i])) do
      if e[1] ~= bid then keep[#keep + 1] = e end
    end
    keep[#keep + 1] = { bid, mask, exp, state }
    hset[#hset + 1] = sid
    hset[#hset + 1] = encode_seat(keep)
  end
  redis.call('HSET', k_seats, unpack(hset))
  local ulist = {}
  local ustr = redis.call('HGET', k_users, uid)
  if ustr then
    for b, c, e in string.gmatch(ustr, '([^,;]+),(%d+),(%d+)') do
      if b ~= bid then ulist[#ulist + 1] = b .. ',' .. c .. ',' .. e end
    end
  end
  ulist[#ulist + 1] = bid .. ',' .. #seats .. ',' .. string.format('%d', exp)
  redis.call('HSET', k_users, uid, table.concat(ulist, ';'))
  if state == 'C' then
    redis.call('ZREM', k_expiry, bid)
  else
    redis.call('ZADD', k_expiry, exp, bid)
  end
  redis.call('HSET', k_meta, bid, string.format('%d', mask) .. '|' .. from .. '|' .. to .. '|' .. table.concat(seats, ',') .. '|' .. uid)
end

-- Removes one booking's entries everywhere; returns the seats that were freed.
local function remove_booking(k_seats, k_users, k_expiry, k_meta, bid, uid, seats)
  local freed = {}
  local vals = redis.call('HMGET', k_seats, unpack(seats))
  for i, sid in ipairs(seats) do
    local keep = {}
    local found = false
    for _, e in ipairs(parse_seat(vals[i])) do
      if e[1] == bid then found = true else keep[#keep + 1] = e end
    end
    if found then
      freed[#freed + 1] = sid
      if #keep == 0 then redis.call('HDEL', k_seats, sid) else redis.call('HSET', k_seats, sid, encode_seat(keep)) end
    end
  end
  local ustr = redis.call('HGET', k_users, uid)
  if ustr then
    local ulist = {}
    for b, c, e in string.gmatch(ustr, '([^,;]+),(%d+),(%d+)') do
      if b ~= bid then ulist[#ulist + 1] = b .. ',' .. c .. ',' .. e end
    end
    if #ulist == 0 then redis.call('HDEL', k_users, uid) else redis.call('HSET', k_users, uid, table.concat(ulist, ';')) end
  end
  redis.call('ZREM', k_expiry, bid)
  redis.call('HDEL', k_meta, bid)
  return freed
end

local function split_csv(s)
  local out = {}
  for v in string.gmatch(s, '[^,]+') do out[#out + 1] = v end
  return out
end
`;

export const HOLD_LUA = String.raw`
-- Hold 1-4 seats for one booking over a leg mask, all or nothing, within the per-user limit.
-- KEYS: loaded, seats, users, expiry, meta
-- ARGV: bookingId, userId, mask, ttlMs, limit, tripId, from, to, channel, seatId...
-- -> {'OK', expMs, generation, nowMs, staleOverlap} | {'TAKEN', seatId...} | {'LIMIT', used} | {'NOT_LOADED'}
local gen = redis.call('GET', KEYS[1])
if not gen then return { 'NOT_LOADED' } end
local now = now_ms()
local bid, uid = ARGV[1], ARGV[2]
local mask, ttl, limit = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local seats = {}
for i = 10, #ARGV do seats[#seats + 1] = ARGV[i] end
local n = #seats

local used = 0
local ustr = redis.call('HGET', KEYS[3], uid)
if ustr then
  for _, c, e in string.gmatch(ustr, '([^,;]+),(%d+),(%d+)') do
    local exp = tonumber(e)
    if exp == 0 or exp > now then used = used + tonumber(c) end
  end
end
if used + n > limit then return { 'LIMIT', tostring(used) } end

local taken = {}
local stale = 0
local vals = redis.call('HMGET', KEYS[2], unpack(seats))
for i = 1, n do
  local conflict = false
  for _, e in ipairs(parse_seat(vals[i])) do
    if bit.band(e[2], mask) ~= 0 then
      if is_live(e, now) then conflict = true else stale = 1 end
    end
  end
  if conflict then taken[#taken + 1] = seats[i] end
end
if #taken > 0 then return { 'TAKEN', unpack(taken) } end

-- Expired entries of these seats are dropped as we rewrite them; the sweeper tidies their other keys.
local exp = now + ttl
local hset = {}
for i = 1, n do
  local keep = {}
  for _, e in ipairs(parse_seat(vals[i])) do
    if is_live(e, now) then keep[#keep + 1] = e end
  end
  keep[#keep + 1] = { bid, mask, exp, 'H' }
  hset[#hset + 1] = seats[i]
  hset[#hset + 1] = encode_seat(keep)
end
redis.call('HSET', KEYS[2], unpack(hset))
local ulist = {}
if ustr then
  for b, c, e in string.gmatch(ustr, '([^,;]+),(%d+),(%d+)') do
    local x = tonumber(e)
    if x == 0 or x > now then ulist[#ulist + 1] = b .. ',' .. c .. ',' .. e end
  end
end
ulist[#ulist + 1] = bid .. ',' .. n .. ',' .. string.format('%d', exp)
redis.call('HSET', KEYS[3], uid, table.concat(ulist, ';'))
redis.call('ZADD', KEYS[4], exp, bid)
redis.call('HSET', KEYS[5], bid, ARGV[3] .. '|' .. ARGV[7] .. '|' .. ARGV[8] .. '|' .. table.concat(seats, ',') .. '|' .. uid)
publish(ARGV[9], ARGV[6], seats, 'held', ARGV[7], ARGV[8])
return { 'OK', string.format('%d', exp), gen, string.format('%d', now), tostring(stale) }
`;

export const RELEASE_LUA = String.raw`
-- Free one booking's seats at once (released, expired, cancelled, or its database write failed).
-- KEYS: seats, users, expiry, meta
-- ARGV: bookingId, userId, tripId, from, to, channel, seatId...   -> number of seats freed
local seats = {}
for i = 7, #ARGV do seats[#seats + 1] = ARGV[i] end
local freed = remove_booking(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], seats)
publish(ARGV[6], ARGV[3], freed, 'available', ARGV[4], ARGV[5])
return #freed
`;

export const UPSERT_LUA = String.raw`
-- Write one booking's state (H/P/C) as PostgreSQL has it: state changes, and restoring a committed hold
-- after Redis lost the trip. With a generation, it is a no-op when Redis still has that generation.
-- KEYS: loaded, seats, users, expiry, meta
-- ARGV: generation|'', bookingId, userId, mask, expMs, state, tripId, from, to, channel, seatId...  -> 1 written, 0 skipped
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end
local seats = {}
for i = 11, #ARGV do seats[#seats + 1] = ARGV[i] end
write_booking(KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[8], ARGV[9], seats)
publish(ARGV[10], ARGV[7], seats, status_of(ARGV[6]), ARGV[8], ARGV[9])
return 1
`;

export const REBUILD_LUA = String.raw`
-- Load a batch of PostgreSQL's active bookings into a trip that Redis lost; the last batch sets the
-- loaded marker (a new generation), after which the trip takes holds again. Merges: entries of holds
-- still being written are kept.
-- KEYS: loaded, seats, users, expiry, meta
-- ARGV: generation, final(1|0), then per booking: bookingId, userId, mask, expMs, state, from, to, seatCsv
local i = 3
local count = 0
while i + 7 <= #ARGV do
  write_booking(KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]),
    ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], split_csv(ARGV[i + 7]))
  count = count + 1
  i = i + 8
end
if ARGV[2] == '1' then redis.call('SET', KEYS[1], ARGV[1]) end
return count
`;

export const SWEEP_LUA = String.raw`
-- Clean up holds whose time has run out (they already count as free; this only reclaims memory and
-- tells the live seat map).
-- KEYS: seats, users, expiry, meta
-- ARGV: tripId, channel, limit   -> number of bookings swept
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, bid in ipairs(ids) do
  local m = redis.call('HGET', KEYS[4], bid)
  if m then
    local mask, from, to, csv, uid = string.match(m, '^(%d+)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
    local freed = remove_booking(KEYS[1], KEYS[2], KEYS[3], KEYS[4], bid, uid, split_csv(csv))
    publish(ARGV[2], ARGV[1], freed, 'available', from, to)
  else
    redis.call('ZREM', KEYS[3], bid)
  end
end
return #ids
`;

export const SNAPSHOT_LUA = String.raw`
-- A consistent view of a trip's seats for availability and the audit.
-- KEYS: loaded, seats   -> {'NOT_LOADED'} | {nowMs, generation, seatId, entries, seatId, entries, ...}
local gen = redis.call('GET', KEYS[1])
if not gen then return { 'NOT_LOADED' } end
local out = { string.format('%d', now_ms()), gen }
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all do out[#out + 1] = all[i] end
return out
`;
