-- wrk script: POST /api/bookings/seats/select from many prepared users, each with its own
-- X-Forwarded-For, a random seat of a random trip per request. Closed model (wrk keeps -c
-- connections busy): the ceiling of select on this machine, next to wrk on /healthz.
-- Data file (written by load-testing/wrk.mjs), one request per line: token<TAB>xff<TAB>tripId<TAB>seatId
-- Usage: wrk -t2 -c200 -d15s --latency -s load-testing/wrk/select.lua http://127.0.0.1:8080 -- DATAFILE
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  statuses = {}
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local token, xff, trip, seat = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)")
    if token then
      local body = '{"tripId":' .. trip .. ',"seatIds":[' .. seat .. ']}'
      table.insert(requests, wrk.format("POST", "/api/bookings/seats/select", {
        ["Authorization"] = "Bearer " .. token,
        ["X-Forwarded-For"] = xff,
        ["Content-Type"] = "application/json",
      }, body))
    end
  end
  file:close()
  math.randomseed(os.time() + id)
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, '"' .. status .. '":' .. n) end
  io.write(string.format('WRK_JSON {"requests":%d,"seconds":%.3f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"p999":%.3f,"max":%.3f,"socketErrors":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
