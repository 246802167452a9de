#!/usr/bin/env bash
# The admission path of two trees side by side in one run, BASE (a git revision) and the working tree:
#   1. in process: each tree's own `compat-bench admission` (AdmissionService.answer per body, no HTTP), in
#      alternating rounds;
#   2. over HTTPS: `compat-webhook` of each tree serving the same node features, artifacts and AdmissionReview
#      bodies; wrk posts each body to each webhook in alternating rounds (base, new, base, new …).
# Alternating rounds make drift on a shared machine hit both alike. Prints one row per body (and connection
# count) with both medians and their ratio. Loopback only; bounded (ROUNDS × bodies × 2 × WRK_SECONDS for wrk,
# plus release builds of both trees and their benchmark packages).
# Usage (repository root): benchmarks/compare.sh BASE [ROUNDS]   e.g. benchmarks/compare.sh HEAD~1 3
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
base="${1:?usage: benchmarks/compare.sh BASE-REVISION [ROUNDS]}"
rounds="${2:-3}"
seconds="${WRK_SECONDS:-5}"
work="$(mktemp -d /tmp/compat-compare.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true
  git worktree remove --force "$work/base" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

git worktree add -q --detach "$work/base" "$base"
build() {  # dir: release compat-webhook, quiet unless it fails; prints the binary
  (cd "$1" && swift build -c release --product compat-webhook > "$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
  echo "$(cd "$1" && swift build -c release --show-bin-path)/compat-webhook"
}
echo "building $base and the working tree (release)…" >&2
base_bin="$(build "$work/base")"
new_bin="$(build .)"
bench_of() {  # tree: its release compat-bench (built against that tree), printed
  (cd "$1/benchmarks" && swift build -c release > "$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
  echo "$(cd "$1/benchmarks" && swift build -c release --show-bin-path)/compat-bench"
}
base_bench="$(bench_of "$work/base")"
bench="$(bench_of .)"

"$new_bin" certs --service compat-webhook --namespace compat-system --out "$work/certs" >/dev/null
mkdir -p "$work/nodes" "$work/bodies"
cp webhook/node-features/node-features.json "$work/nodes/"
"$bench" bodies "$root" "$work/bodies"
mkdir -p "$work/base-bodies"
"$base_bench" bodies "$work/base" "$work/base-bodies" >/dev/null

inprocess="$work/inprocess.tsv"
for round in $(seq 1 "$rounds"); do
  "$base_bench" admission "$work/base" webhook/node-features/node-features.json "$work/base-bodies" \
    | python3 -c 'import json,sys; [print(json.loads(l)["name"], "base", json.loads(l)["p50_us"], sep="\t") for l in sys.stdin]' >> "$inprocess"
  "$bench" admission "$root" webhook/node-features/node-features.json "$work/bodies" \
    | python3 -c 'import json,sys; [print(json.loads(l)["name"], "new", json.loads(l)["p50_us"], sep="\t") for l in sys.stdin]' >> "$inprocess"
done
python3 - "$inprocess" "$base" "$rounds" <<'PY'
import statistics, sys, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    name, side, p50 = line.split("\t")
    rows[name.replace("admission_in_process_", "")][side].append(float(p50))
print(f"in process (AdmissionService.answer), {sys.argv[2]} (base) vs working tree (new): median of {sys.argv[3]} rounds of each tree's p50")
print(f"{'body':<24}{'base µs':>10}{'new µs':>10}{'new/base':>10}")
for body, sides in rows.items():
    b, n = statistics.median(sides["base"]), statistics.median(sides["new"])
    print(f"{body:<24}{b:>10.1f}{n:>10.1f}{n / b:>10.3f}")
print()
PY

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 100); do curl -sk -o /dev/null -w '%{http_code}' "$1" 2>/dev/null | grep -q 200 && return 0; sleep 0.1; done; echo "not ready: $1" >&2; exit 1; }
serve() {  # binary port
  "$1" serve --address 127.0.0.1 --port "$2" --cert "$work/certs/tls.crt" --key "$work/certs/tls.key" --no-kube \
    --node-features-dir "$work/nodes" --file-artifact-root "$root" --models-dir "$root/models" \
    --flux-views "$root/artifacts/flux-views/views.yaml" >/dev/null 2>&1 &
  pids+=($!)
}
base_port="$(free_port)"; serve "$base_bin" "$base_port"
new_port="$(free_port)"; serve "$new_bin" "$new_port"
wait_ready "https://127.0.0.1:$base_port/readyz"; wait_ready "https://127.0.0.1:$new_port/readyz"

results="$work/results.tsv"
for c in 1 8; do
  for body in pod-rules pod-descriptive pod-model minicluster-descriptive minicluster-model; do
    for round in $(seq 1 "$rounds"); do
      for side in base new; do
        port=$base_port; [ "$side" = new ] && port=$new_port
        line="$(BODY_FILE="$work/bodies/$body.json" wrk -t1 -c"$c" -d"${seconds}s" -s benchmarks/wrk/post-body.lua \
          "https://127.0.0.1:$port/mutate?timeout=10s" 2>/dev/null | tail -1)"
        python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["errors"]==0, d; print(sys.argv[2], sys.argv[3], sys.argv[4], d["rps"], d["p99_us"], sep="\t")' \
          "$line" "$body" "$c" "$side" >> "$results"
      done
    done
  done
done

python3 - "$results" "$base" "$rounds" "$seconds" <<'PY'
import statistics, sys, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    body, c, side, rps, p99 = line.split("\t")
    rows[(body, int(c))][side].append((float(rps), int(p99)))
print(f"admission path, {sys.argv[2]} (base) vs working tree (new): {sys.argv[3]} alternating rounds of {sys.argv[4]} s per side, medians")
print(f"{'body':<24}{'conns':>6}{'base req/s':>12}{'new req/s':>11}{'new/base':>10}{'base p99 µs':>13}{'new p99 µs':>12}")
for (body, c), sides in rows.items():
    b = statistics.median(r for r, _ in sides["base"]); n = statistics.median(r for r, _ in sides["new"])
    bp = statistics.median(p for _, p in sides["base"]); np_ = statistics.median(p for _, p in sides["new"])
    print(f"{body:<24}{c:>6}{b:>12.0f}{n:>11.0f}{n / b:>10.3f}{bp:>13.0f}{np_:>12.0f}")
PY
