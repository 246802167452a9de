#!/usr/bin/env bash
# All benchmarks, side by side in one run, written to benchmarks/RESULTS.md. Loopback only; bounded
# (about 3 minutes plus the release builds). Usage (from the repository root): benchmarks/run.sh
# WRK_SECONDS (default 8) sets each wrk run's length.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${WRK_SECONDS:-8}"
work="$(mktemp -d /tmp/compat-bench.XXXXXX)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

build() {  # dir, swift build arguments…: quiet unless it fails
  local dir="$1"; shift
  (cd "$dir" && swift build -c release "$@" > "$work/build.log" 2>&1) || { cat "$work/build.log" >&2; echo "build failed in $dir" >&2; exit 1; }
}
build . --product compat-webhook
build benchmarks
webhook="$(swift build -c release --show-bin-path)/compat-webhook"
bench="$(cd benchmarks && swift build -c release --show-bin-path)/compat-bench"
results="$work/results.jsonl"
: > "$results"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
wait_ready() {  # url
  for _ in $(seq 1 100); do curl -sk -o /dev/null -w '%{http_code}' "$1" 2>/dev/null | grep -q 200 && return 0; sleep 0.1; done
  echo "not ready: $1" >&2; return 1
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

"$webhook" certs --service compat-webhook --namespace compat-system --out "$work/certs" >/dev/null
mkdir -p "$work/nodes25" "$work/nodes10k" "$work/bodies"
cp webhook/node-features/node-features.json "$work/nodes25/"
"$bench" nodes webhook/node-features/node-features.json 10000 "$work/nodes10k/nodes.json"

# The serve defaults, log level info included: every admission writes its JSON log line (to /dev/null here).
serve() {  # port nodes-dir
  "$webhook" serve --address 127.0.0.1 --port "$1" --cert "$work/certs/tls.crt" --key "$work/certs/tls.key" --no-kube \
    --node-features-dir "$2" --file-artifact-root "$root" --models-dir "$root/models" \
    --registry-insecure "127.0.0.1:$reg_port" --flux-views "$root/artifacts/flux-views/views.yaml" >/dev/null 2>&1 &
  pids+=($!)
}

echo "== registry (docker-registry on 127.0.0.1)"
reg_port="$(free_port)"
cat > "$work/registry.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$reg_port}
YAML
/usr/bin/docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$reg_port/v2/"
"$bench" registry "127.0.0.1:$reg_port" artifacts/lammps-matrix/specs/compspec-openmpi-ubuntu-22.04-amd64.json | tee -a "$results"

"$bench" bodies "$root" "$work/bodies" "127.0.0.1:$reg_port"

echo "== in-process"
"$bench" model models webhook/node-features/node-features.json | tee -a "$results"
"$bench" rules benchmarks/data/rules-spec.yaml webhook/node-features/node-features.json | tee -a "$results"
"$bench" admission "$root" webhook/node-features/node-features.json "$work/bodies" | tee -a "$results"

echo "== HTTPS: webhook vs raw libmicrohttpd echo (wrk, keep-alive)"
hook_port="$(free_port)"; serve "$hook_port" "$work/nodes25"; hook_pid=${pids[-1]}
echo_port="$(free_port)"; "$bench" echo "$echo_port" "$work/certs/tls.crt" "$work/certs/tls.key" >/dev/null & pids+=($!)
wait_ready "https://127.0.0.1:$hook_port/readyz"
sleep 0.5
run_wrk() {  # name url body connections
  local line
  line="$(BODY_FILE="$3" wrk -t1 -c"$4" -d"${seconds}s" -s benchmarks/wrk/post-body.lua "$2" 2>/dev/null | tail -1)"
  echo "{\"name\":\"wrk_$1_c$4\",${line#\{}" | tee -a "$results"
}
for c in 1 8; do
  run_wrk echo "https://127.0.0.1:$echo_port/mutate" "$work/bodies/pod-model.json" "$c"
  for body in pod-rules pod-rules-oci pod-descriptive pod-model minicluster-descriptive minicluster-model; do
    run_wrk "$body" "https://127.0.0.1:$hook_port/mutate?timeout=10s" "$work/bodies/$body.json" "$c"
  done
done
echo "{\"name\":\"rss_25_nodes_after_load\",\"kb\":$(rss_kb "$hook_pid")}" | tee -a "$results"

echo "== memory with 10000 nodes"
big_port="$(free_port)"; serve "$big_port" "$work/nodes10k"; big_pid=${pids[-1]}
wait_ready "https://127.0.0.1:$big_port/readyz"
sleep 1
echo "{\"name\":\"rss_10000_nodes_idle\",\"kb\":$(rss_kb "$big_pid")}" | tee -a "$results"
# Node 12 of the EKS file (c7a.12xlarge) is bench12.xlarge in the generated file.
sed 's/c7a\.12xlarge/bench12.xlarge/' "$work/bodies/pod-descriptive.json" > "$work/bodies/pod-descriptive-10k.json"
run_wrk pod-descriptive-10k "https://127.0.0.1:$big_port/mutate?timeout=10s" "$work/bodies/pod-descriptive-10k.json" 1
# No nodeSelector: the model scores all 10 000 nodes on the first admission, later ones reuse the choice.
# That first one is timed on its own (curl, TLS handshake included); wrk measures the admissions after it,
# since wrk back-fills latency samples around a single stall.
first_ms="$(curl -sk -o /dev/null -w '%{time_total}' -H 'Content-Type: application/json' --data-binary @"$work/bodies/pod-model.json" \
  "https://127.0.0.1:$big_port/mutate" | awk '{printf "%.1f", $1 * 1000}')"
echo "{\"name\":\"first_model_admission_10k\",\"ms\":$first_ms}" | tee -a "$results"
run_wrk pod-model-10k "https://127.0.0.1:$big_port/mutate?timeout=10s" "$work/bodies/pod-model.json" 1
echo "{\"name\":\"rss_10000_nodes_after_load\",\"kb\":$(rss_kb "$big_pid")}" | tee -a "$results"

"$bench" report "$results" "$(uname -srm); $(nproc) cores; $(swift --version 2>/dev/null | head -1)" > benchmarks/RESULTS.md
echo "wrote benchmarks/RESULTS.md"
