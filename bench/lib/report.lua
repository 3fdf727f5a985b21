-- wrk script of the tinyhttp benchmark.
--
--   wrk ... -s bench/lib/report.lua URL -- [depth] [method]
--
-- depth  (default 1): requests sent per write. With depth > 1, request()
--        returns `depth` concatenated requests (the idea of wrk's
--        pipeline.lua) and wrk counts every response.
-- method (default GET). Not HEAD: wrk 4.1 waits for a body after a HEAD
--        response with Content-Length; lib/headload.c measures HEAD.
--
-- done() prints one line `BENCHJSON {...}` with requests, bytes (headers
-- included), duration, errors (status = responses >= 400) and latency
-- percentiles in microseconds. done() runs in wrk's main Lua state, where
-- init() never ran: it must not rely on init's locals. Under pipelining wrk
-- records one latency per batch of `depth` requests: not meaningful there.

local depth = 1

function init(args)
  depth = tonumber(args[1] or "1") or 1
  if args[2] and args[2] ~= "" then
    wrk.method = args[2]
  end
  if depth > 1 then
    local reqs = {}
    for i = 1, depth do
      reqs[i] = wrk.format(nil, nil)
    end
    local batch = table.concat(reqs)
    -- a global request() makes wrk send this string for every write
    request = function()
      return batch
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"bytes":%d,"duration_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.bytes, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
