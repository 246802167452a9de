#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the benchmarks need, if any is missing.
# Idempotent and non-interactive (CI runs with no stdin); needs root, as on a fresh build machine.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# One package a line, '#' comments: the lists webhook/Dockerfile installs from, so the image and the tests
# build and run against the same packages (scripts/image-check.sh copies the runtime ones into its root).
read_list() { sed 's/#.*//' "$1" | tr -s ' \t' '\n' | grep -v '^$'; }
mapfile -t build_packages < <(read_list "$root/webhook/build-packages.txt")
mapfile -t runtime_packages < <(read_list "$root/webhook/runtime-packages.txt")

packages=(
  "${build_packages[@]}"
  "${runtime_packages[@]}"
  docker-registry        # a real OCI registry for the tests, started on 127.0.0.1 by the test harness
  openssl                # `openssl verify` in the certificate tests
  curl                   # the CLI tests' HTTPS client (AdmissionReviews, probes)
  wrk                    # admission benchmarks
  python3-jsonpatch      # the tests apply every webhook patch with a JSON Patch implementation not ours,
  python3-jsonschema     #   check the result against the CRD schemas,
  python3-yaml           #   and read the real-world objects (Tests/Support/apiserver_check.py)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
