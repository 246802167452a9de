-- wrk script: POST one request body (an AdmissionReview, or any payload for the echo ceiling) over and
-- over on keep-alive connections, then print the latency percentiles and throughput as one JSON line
-- that benchmarks/run.sh parses. Non-2xx answers count as errors (summary.errors.status).
--   BODY_FILE=path/to/review.json wrk -t2 -c16 -d10s -s post-body.lua https://127.0.0.1:8443/mutate
local body_file = os.getenv("BODY_FILE")
local f = assert(io.open(body_file, "rb"), "cannot open BODY_FILE " .. tostring(body_file))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  -- wrk reports microseconds.
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"errors":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
