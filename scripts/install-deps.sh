#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the benchmarks need, if any is missing.
# Idempotent and non-interactive (CI runs with no stdin); needs root, as on a fresh build machine.
set -euo pipefail

packages=(
  pkg-config
  libmicrohttpd-dev      # HTTPS server (GnuTLS inside)
  libcurl4-openssl-dev   # registry and Kubernetes API client
  libssl-dev             # SHA-256, certificates
  zlib1g-dev             # reading the .csv.gz training data
  docker-registry        # a real OCI registry for the tests, started on 127.0.0.1 by the test harness
  openssl                # `openssl verify` in the certificate tests
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
