#!/usr/bin/env bash
# Rebuilds every module into a temporary directory and fails, naming the file,
# when anything differs from the committed wasm/dist/.
#
#   bash wasm/check.sh
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if ! bash "$here/build.sh" "$tmp/out" > "$tmp/build.log" 2>&1; then
  cat "$tmp/build.log"
  echo "check: build failed"
  exit 1
fi

status=0
names="$( (ls "$tmp/out"; ls "$here/dist" 2>/dev/null || true) | sort -u)"
for name in $names; do
  if [ ! -f "$here/dist/$name" ]; then
    echo "check: wasm/dist/$name is missing (run bash wasm/build.sh)"; status=1
  elif [ ! -f "$tmp/out/$name" ]; then
    echo "check: wasm/dist/$name is not produced by the build"; status=1
  elif ! cmp -s "$tmp/out/$name" "$here/dist/$name"; then
    echo "check: wasm/dist/$name differs from a fresh build"; status=1
  fi
done

if [ "$status" -eq 0 ]; then echo "check: wasm/dist matches a fresh build"; fi
exit "$status"
