#!/usr/bin/env bash
# Builds compat-webhook the way the image does: webhook/Dockerfile's build stage runs this script, and so does
# scripts/image-check.sh. Release, the Swift runtime linked statically, and exactly the dependency versions
# Package.resolved pins (written by `swift package resolve`, as CI resolves them; make image runs it first).
#   webhook/build-webhook.sh OUT_DIR [SCRATCH_PATH]   (from the repository root; installs OUT_DIR/compat-webhook)
set -euo pipefail
out=${1:?usage: webhook/build-webhook.sh OUT_DIR [SCRATCH_PATH]}
scratch=${2:-.build}
if [ ! -f Package.resolved ]; then
  echo "build-webhook: Package.resolved is missing; run 'swift package resolve' first (make image does), so the" \
    "image is built with the dependency versions CI builds with" >&2
  exit 2
fi
flags=(-c release --static-swift-stdlib --product compat-webhook --scratch-path "$scratch" --force-resolved-versions)
swift build "${flags[@]}"
install -D -m 0755 "$(swift build "${flags[@]}" --show-bin-path)/compat-webhook" "$out/compat-webhook"
