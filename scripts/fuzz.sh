#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with coverage and AddressSanitizer and runs each for a bounded
# time on a copy of its seed corpus (fuzz/corpus/<target>/). Crashes land in fuzz/findings/. lld links
# them: gold fails on the fuzzer runtime together with the main SwiftPM gives every executable.
# Usage (from the repository root): scripts/fuzz.sh        FUZZ_SECONDS (default 60) per target.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${FUZZ_SECONDS:-60}"
cd "$root/fuzz"
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
swift build "${flags[@]}" >/dev/null
bin="$(swift build "${flags[@]}" --show-bin-path)"
mkdir -p findings
status=0
for pair in FuzzAdmissionReview:admission-review FuzzArtifactDecoders:artifacts FuzzJSONPatchBuilder:json-patch; do
  target="${pair%%:*}"; corpus="${pair#*:}"
  work="$(mktemp -d)"
  cp corpus/"$corpus"/* "$work/"
  echo "== $target ($seconds s)"
  if ! "$bin/$target" "$work" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="findings/$target-" -print_final_stats=1 2>"$work.log"; then
    status=1
  fi
  grep -E "^(stat::number_of_executed_units|stat::new_units_added|Done)|ERROR|SUMMARY" "$work.log" || true
  rm -rf "$work" "$work.log"
done
exit $status
