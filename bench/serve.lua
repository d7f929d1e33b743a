-- wrk script for bench/serve.sh. POSTs the JSON bodies of the file $BODIES (one per line) to
-- /v1/predict, round robin. $DELAY_MS > 0 (may be fractional) paces each connection (a closed-loop rate limit, as
-- wrk2 is not in Debian). $IDS_PREFIX set: each thread writes the event_id of every 200 answer
-- to $IDS_PREFIX<thread>.txt, so the log can be checked against them.
local bodies = {}
local next_body = 1
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  local f = assert(io.open(os.getenv("BODIES"), "r"))
  for line in f:lines() do
    table.insert(bodies, line)
  end
  f:close()
  next_body = (thread_id * 7919) % #bodies + 1
  local prefix = os.getenv("IDS_PREFIX") or ""
  if prefix ~= "" then
    ids = assert(io.open(prefix .. thread_id .. ".txt", "w"))
    ids:setvbuf("line")  -- wrk never closes a thread's state: every line must reach the file
  end
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/v1/predict", {["Content-Type"] = "application/json"}, body)
end

-- wrk's delay() takes whole milliseconds: a fractional DELAY_MS pauses floor(DELAY_MS) ms plus
-- one more with probability equal to the fraction, so the mean pause is DELAY_MS.
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
if delay_ms > 0 then
  local whole = math.floor(delay_ms)
  local fraction = delay_ms - whole
  function delay()
    if math.random() < fraction then
      return whole + 1
    end
    return whole
  end
end

if (os.getenv("IDS_PREFIX") or "") ~= "" then
  function response(status, headers, body)
    if status == 200 then
      ids:write(string.match(body, '"event_id":"([^"]+)"') or "missing", "\n")
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
      "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d mean_us=%.0f non2xx=%d " ..
      "socket_errors=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      latency.mean, e.status, e.connect + e.read + e.write + e.timeout))
end
