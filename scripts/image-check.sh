#!/usr/bin/env bash
# What can be proven about webhook/Dockerfile on a machine without a container daemon or base images
# (make test runs this; it downloads nothing):
#   1. the build stage's toolchain is the one this machine builds with, and its package lists are the files
#      the Dockerfile installs from (webhook/build-packages.txt, webhook/runtime-packages.txt);
#   2. the build step itself: webhook/build-webhook.sh, the script the Dockerfile runs (release, static Swift
#      runtime, Package.resolved's versions), into .build-image/;
#   3. the runtime stage: a root filesystem holding only the files of the runtime packages and their
#      dependencies (as installed here from the same Debian release) plus the Dockerfile's runtime COPY lines;
#      the dynamic loader inside it must find every library the binary needs, and the binary, started in it
#      with chroot as the image's user (65532), the root mounted read-only, must answer /healthz over TLS.
# Needs root (chroot, and mounts in a private mount namespace), as make deps does. Bounded: every wait has a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$PWD
dockerfile=webhook/Dockerfile
user=65532:65532

fail() { echo "image-check: $*" >&2; exit 1; }
step() { echo "image-check: $*"; }
list() { sed 's/#.*//' "$1" | tr -s ' \t' '\n' | grep -v '^$'; }

[ "$(id -u)" -eq 0 ] || fail "needs root to chroot into the runtime root filesystem and mount it read-only (CI runs as root; locally: sudo make test)"

# 1. The Dockerfile against this machine and the package lists.
toolchain=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -1)
[ -n "$toolchain" ] || fail "cannot read the Swift version from 'swift --version'"
grep -q "^FROM swift:${toolchain}-bookworm AS build\$" "$dockerfile" \
  || fail "$dockerfile's build stage is not FROM swift:${toolchain}-bookworm, the toolchain this project builds with (swift --version)"
grep -q '^FROM debian:bookworm-slim$' "$dockerfile" || fail "$dockerfile's runtime stage is not FROM debian:bookworm-slim"
for file in webhook/build-packages.txt webhook/runtime-packages.txt; do
  grep -q "^COPY $file " "$dockerfile" || fail "$dockerfile does not install the packages of $file"
done
grep -q '^RUN webhook/build-webhook.sh /out$' "$dockerfile" || fail "$dockerfile does not build with webhook/build-webhook.sh /out"
mapfile -t build_packages < <(list webhook/build-packages.txt)
mapfile -t runtime_packages < <(list webhook/runtime-packages.txt)
for p in "${build_packages[@]}" "${runtime_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || fail "package $p is not installed; run make deps"
done
step "Dockerfile: swift:${toolchain}-bookworm, ${#build_packages[@]} build and ${#runtime_packages[@]} runtime packages from webhook/*-packages.txt"

work=$(mktemp -d "${TMPDIR:-/tmp}/compat-image-check.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# 2. The build step.
[ -f Package.resolved ] || swift package resolve
step "building as the image does: webhook/build-webhook.sh (release, .build-image/)"
timeout 3600 webhook/build-webhook.sh "$work/out" .build-image >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; fail "the image's build step failed"; }

# 3. The runtime root filesystem: the runtime packages and everything they depend on, nothing else.
declare -A seen=()
queue=("${runtime_packages[@]}")
closure=()
while [ ${#queue[@]} -gt 0 ]; do
  p=${queue[0]}; queue=("${queue[@]:1}")
  [ -z "${seen[$p]:-}" ] || continue
  seen[$p]=1
  closure+=("$p")
  depends=$(dpkg-query -W -f='${Pre-Depends}, ${Depends}' "$p")
  IFS=',' read -ra groups <<<"$depends"
  for group in "${groups[@]}"; do
    chosen=""
    IFS='|' read -ra alternatives <<<"$group"
    for alternative in "${alternatives[@]}"; do
      name=$(echo "$alternative" | sed 's/(.*)//; s/:any//; s/ //g')
      [ -n "$name" ] || continue
      if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed"; then chosen=$name; break; fi
    done
    [ -n "$chosen" ] || [ -z "$(echo "$group" | tr -d ' ')" ] || fail "no installed package satisfies '$group' (needed by $p)"
    [ -z "$chosen" ] || queue+=("$chosen")
  done
done
rootfs=$work/rootfs
mkdir -p "$rootfs"
# Debian's merged /usr: /bin, /lib, /lib64, /sbin are symlinks into /usr, as in the base image.
for d in bin sbin lib lib64; do
  if [ -L "/$d" ]; then mkdir -p "$rootfs/$(readlink "/$d")"; ln -s "$(readlink "/$d")" "$rootfs/$d"; fi
done
for p in "${closure[@]}"; do dpkg -L "$p"; done | grep '^/' | sort -u | while read -r path; do
  if [ -f "$path" ] || [ -L "$path" ]; then [ -d "$path" ] || echo "${path#/}"; fi
done >"$work/files"
tar -C / --no-recursion -cf - -T "$work/files" | tar -C "$rootfs" -xf -
# ca-certificates builds its bundle in a maintainer script (update-ca-certificates), not from a listed file.
if printf '%s\n' "${closure[@]}" | grep -qx ca-certificates; then
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
fi
# The runtime stage's COPY lines: --from=build files come from the build step's /out, the rest from here.
copies=0
while read -r _ a b c; do
  if [ "$a" = "--from=build" ]; then source=$work/out/${b#/out/}; target=$c; else source=$root_dir/$a; target=$b; fi
  [ -e "$source" ] || fail "$dockerfile copies $source, which does not exist"
  mkdir -p "$rootfs$(dirname "$target")"
  cp -a "$source" "$rootfs$target"
  copies=$((copies + 1))
done < <(sed -n '/^FROM debian:bookworm-slim$/,$p' "$dockerfile" | grep '^COPY ')
step "runtime root: ${#closure[@]} packages (${#runtime_packages[@]} listed and their dependencies), $(wc -l <"$work/files") files, $copies COPY lines"

binary=/usr/local/bin/compat-webhook
loader=$(cd "$rootfs" && { ls lib64/ld-linux-*.so.* lib/ld-linux-*.so.* 2>/dev/null || true; } | head -1)
[ -n "$loader" ] || fail "the runtime packages provide no dynamic loader"
chroot "$rootfs" "/$loader" --list "$binary" >"$work/ldd" 2>&1 || true
if grep -q 'not found' "$work/ldd" || ! grep -q '=>' "$work/ldd"; then
  cat "$work/ldd" >&2
  fail "the binary needs libraries the runtime packages do not provide (above); add their packages to webhook/runtime-packages.txt"
fi
step "ldd in the runtime root: $(grep -c '=>' "$work/ldd") libraries, none missing"

# The binary in the runtime root, as the image's user, with a certificate as a Secret volume would mount it.
"$work/out/compat-webhook" certs --san 127.0.0.1 --out "$work/certs" >/dev/null
install -D -m 0644 "$work/certs/tls.crt" "$rootfs/etc/compat-webhook/tls/tls.crt"
install -D -m 0644 "$work/certs/tls.key" "$rootfs/etc/compat-webhook/tls/tls.key"
mkdir -p "$rootfs/etc/compat-webhook/node-features" "$rootfs/tmp" "$rootfs/proc" "$rootfs/dev"
# As in the pod: a private mount namespace (gone when the process exits) with the root filesystem read-only,
# /proc, /dev, and /tmp as the Deployment's emptyDir.
unshare --mount --propagation private -- sh -c '
  set -e
  root=$1; user=$2; shift 2
  mount --bind "$root" "$root"
  mount -o remount,bind,ro "$root"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs -o size=64m,mode=1777 tmpfs "$root/tmp"
  exec chroot --userspec="$user" "$root" "$@"
' image-check "$rootfs" "$user" "$binary" serve --address 127.0.0.1 --port 0 \
  --cert /etc/compat-webhook/tls/tls.crt --key /etc/compat-webhook/tls/tls.key --no-kube \
  --node-features-dir /etc/compat-webhook/node-features \
  --flux-views /usr/share/compat/flux-views.yaml --models-dir /usr/share/compat/models >"$work/serve.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 200); do
  port=$(sed -n 's/.*"message":"http server listening".*"port":"\([0-9]*\)".*/\1/p' "$work/serve.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/serve.log" >&2; fail "compat-webhook did not start in the runtime root"; }
health=$(curl -sS --max-time 5 --cacert "$work/certs/ca.crt" "https://127.0.0.1:$port/healthz") \
  || { cat "$work/serve.log" >&2; fail "/healthz did not answer over TLS"; }
[ "$health" = "ok" ] || fail "/healthz answered '$health', expected 'ok'"
kill -TERM "$server_pid"
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then fail "compat-webhook did not stop within 10 s of SIGTERM"; fi
wait "$server_pid" || fail "compat-webhook exited with status $? after SIGTERM, expected 0"
server_pid=""
step "compat-webhook ran in the runtime root (read-only, as $user): /healthz answered ok over TLS, exit 0 on SIGTERM"
