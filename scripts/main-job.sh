#!/usr/bin/env bash
# The main job: until the experiment runner lands, select images for each flux view with `compat match`
# over the shipped LAMMPS catalog.
set -euo pipefail
bin="$1"
for view in "ubuntu 20.04" "ubuntu 22.04" "rocky 8.9" "rocky 9.3"; do
  set -- $view
  echo "== flux view $1 $2 (amd64, no GPU)"
  "$bin/compat" match -i artifacts/lammps-matrix/manifests.yaml --cache artifacts/lammps-matrix/cache \
    --match org.supercontainers.os.vendor="$1" --match org.supercontainers.os.version="$2" \
    --match org.supercontainers.hardware.gpu.available=no --match io.archspec.cpu.target=amd64
done
