#!/usr/bin/env bash
# Soak run (outside CI): the release webhook under continuous wrk load for SOAK_SECONDS (default 600),
# sampled every SAMPLE_SECONDS (default 30): latency percentiles, requests/s and the webhook's RSS, one
# CSV row per sample in benchmarks/soak.csv. Samples rotate through SOAK_BODIES (Pod and MiniCluster,
# rules, descriptive and model admissions). The webhook runs with its defaults (log level info, lines to
# /dev/null). Loopback only. Usage (from the repository root): scripts/soak.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
total="${SOAK_SECONDS:-600}"
sample="${SAMPLE_SECONDS:-30}"
read -r -a bodies <<< "${SOAK_BODIES:-pod-descriptive pod-model minicluster-descriptive pod-rules minicluster-model}"
work="$(mktemp -d /tmp/compat-soak.XXXXXX)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

swift build -c release --product compat-webhook >/dev/null
(cd benchmarks && swift build -c release >/dev/null)
webhook="$(swift build -c release --show-bin-path)/compat-webhook"
bench="$(cd benchmarks && swift build -c release --show-bin-path)/compat-bench"
"$webhook" certs --service compat-webhook --namespace compat-system --out "$work/certs" >/dev/null
mkdir -p "$work/nodes" "$work/bodies"
cp webhook/node-features/node-features.json "$work/nodes/"
"$bench" bodies "$root" "$work/bodies"
port=$((20000 + RANDOM % 20000))
"$webhook" serve --address 127.0.0.1 --port "$port" --cert "$work/certs/tls.crt" --key "$work/certs/tls.key" --no-kube \
  --node-features-dir "$work/nodes" --file-artifact-root "$root" --models-dir "$root/models" \
  --flux-views "$root/artifacts/flux-views/views.yaml" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -sk -o /dev/null "https://127.0.0.1:$port/readyz" && break; sleep 0.1; done

echo "elapsed_s,body,requests,rps,p50_us,p99_us,max_us,errors,rss_kb" > benchmarks/soak.csv
elapsed=0
sample_index=0
while [ "$elapsed" -lt "$total" ]; do
  body="${bodies[$((sample_index % ${#bodies[@]}))]}"
  sample_index=$((sample_index + 1))
  line="$(BODY_FILE="$work/bodies/$body.json" wrk -t1 -c4 -d"${sample}s" -s benchmarks/wrk/post-body.lua \
    "https://127.0.0.1:$port/mutate?timeout=10s" 2>/dev/null | tail -1)"
  elapsed=$((elapsed + sample))
  rss="$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
  row="$(echo "$line" | sed -E 's/.*"requests":([0-9]+).*"rps":([0-9.]+).*"p50_us":([0-9]+).*"p99_us":([0-9]+).*"max_us":([0-9]+).*"errors":([0-9]+).*/\1,\2,\3,\4,\5,\6/')"
  echo "$elapsed,$body,$row,$rss" | tee -a benchmarks/soak.csv
done
