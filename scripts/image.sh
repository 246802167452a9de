#!/usr/bin/env bash
# make image IMAGE=registry/compat-webhook:tag: builds webhook/Dockerfile with docker or podman (CONTAINER_ENGINE
# picks one), after writing Package.resolved so the image gets the dependency versions CI builds with.
# Fails, saying why, when no engine can build here (no docker daemon and no podman).
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:?usage: scripts/image.sh IMAGE}

engine=${CONTAINER_ENGINE:-}
reasons=()
if [ -z "$engine" ]; then
  for candidate in docker podman; do
    if ! command -v "$candidate" >/dev/null 2>&1; then reasons+=("$candidate: not installed"); continue; fi
    if info=$("$candidate" info 2>&1 >/dev/null); then engine=$candidate; break; fi
    reasons+=("$candidate: $(printf '%s' "$info" | grep -v '^$' | tail -1)")
  done
fi
if [ -z "$engine" ]; then
  echo "make image: no container engine can build here:" >&2
  printf '  %s\n' "${reasons[@]}" >&2
  echo "Start the docker daemon or install podman (or set CONTAINER_ENGINE), then run make image again." >&2
  echo "Without one, scripts/image-check.sh (part of make test) performs the image's build step and runs the" >&2
  echo "binary with only the runtime stage's packages." >&2
  exit 1
fi
swift package resolve
echo "make image: $engine build -f webhook/Dockerfile -t $image ." >&2
exec "$engine" build -f webhook/Dockerfile -t "$image" .
