-- wrk script for bench/run.sh: sends one fixed RPC request and, when done,
-- prints one machine-readable line that run.sh parses (no scraping of
-- wrk's human output, whose units change with the magnitude).
--
--   wrk ... URL -s bench/wrk/rpc.lua -- METHOD PATH ["Name: value"]...
--
-- The ACS3 case passes x-acs-action, x-acs-version and an
-- "Authorization: ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,
-- Signature=..." header, as the darabonba SDKs send them.

local req

-- init runs once per wrk thread: the request is built here once, because
-- building it in request() would make wrk, not the server, the bottleneck.
function init(args)
  local method = args[1] or "GET"
  local path = args[2] or "/"
  local headers = {}
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if not name then
      error("header argument " .. i .. " is not 'Name: value': " .. args[i])
    end
    headers[name] = value
  end
  req = wrk.format(method, path, headers, nil)
end

function request()
  return req
end

-- done prints microseconds and counts; errors.status counts answers >= 400,
-- which run.sh compares with what the case expects (0, or every request).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d " ..
    "status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50.0), latency:percentile(99.0), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
