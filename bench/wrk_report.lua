-- wrk script for bench/run.py.
--   * Arguments after `--` are Cookie header values; requests rotate through them (one session per
--     connection's worth of traffic, as 20 separate signed-in users would send).
--   * Counts every response that is not 2xx (wrk itself only counts >= 400 as errors, so a 302 to the
--     sign-in page would otherwise pass silently).
--   * done() prints one machine-readable line with the real p50/p95/p99 from wrk's latency histogram.

local counter = 1
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  non2xx = 0
  first_bad = 0
  requests_list = nil
  if #args > 0 then
    requests_list = {}
    for i, cookie in ipairs(args) do
      requests_list[i] = wrk.format(nil, nil, { ["Cookie"] = cookie })
    end
    position = (id or 1) - 1
  end
end

function request()
  if requests_list then
    position = position % #requests_list + 1
    return requests_list[position]
  end
  return wrk.request()
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    local f = thread:get("first_bad") or 0
    if first == 0 and f ~= 0 then first = f end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"mean_us":%.1f,"non2xx":%d,"first_bad_status":%d,"err_connect":%d,' ..
    '"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, bad, first,
    e.connect, e.read, e.write, e.status, e.timeout))
end
