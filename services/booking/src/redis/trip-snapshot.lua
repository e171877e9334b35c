-- A consistent view of a trip's seats for availability and the audit. The entries are returned as stored
-- (JSON, see common.lua): the caller decodes them and leaves out the expired ones, off Redis's CPU.
-- KEYS: loaded, seats   -> {'NOT_LOADED'} | {nowMs, generation, seatId, entriesJson, seatId, entriesJson, ...}
local gen = redis.call('GET', KEYS[1])
if not gen then return { 'NOT_LOADED' } end
local out = { string.format('%d', now_ms()), gen }
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all do out[#out + 1] = all[i] end
return out
