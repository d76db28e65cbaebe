#!/usr/bin/env bash
# Builds every module in modules/<id>/ (AssemblyScript) and wat/<id>/ (WebAssembly text)
# into <out>/<id>.wasm (default out: dist/),
# copies its manifest to <out>/<id>.manifest.json and writes <out>/SHA256SUMS.
# Deterministic: the same sources and lockfile give the same bytes.
#
#   bash wasm/build.sh [OUT_DIR]
#   MODULES="hourly tax" bash wasm/build.sh OUT_DIR   # rebuild only these ids, keep the rest of OUT_DIR
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$here"

# Install the pinned toolchain when node_modules is missing or older than the lockfile.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.installed-lock.sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund --ignore-scripts
  echo "$lock_sum" > "$stamp"
fi

# Fixed compiler flags: the stub runtime (bump allocator, no GC), full
# optimisation, assertions compiled out, no source map and no debug info.
ASC_FLAGS=(--runtime stub -O3 --noAssert)

selected() { [ -z "${MODULES:-}" ] || [[ " $MODULES " == *" $1 "* ]]; }

[ -n "${MODULES:-}" ] || rm -f "$out"/*.wasm "$out"/*.manifest.json "$out"/SHA256SUMS
for dir in modules/*/; do
  id="$(basename "$dir")"
  [ -f "$dir/index.ts" ] && selected "$id" || continue
  node node_modules/assemblyscript/bin/asc.js "modules/$id/index.ts" "${ASC_FLAGS[@]}" \
    --outFile "$out/$id.wasm"
  cp "modules/$id/manifest.json" "$out/$id.manifest.json"
done

# Hand-written WebAssembly text (wat/<id>/module.wat), assembled with the wasmtime
# Python package of the project's venv (or $PYTHON): the ABI needs no SDK.
python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x "$here/../.venv/bin/python" ]; then python="$here/../.venv/bin/python"; else python=python3; fi
fi
for dir in wat/*/; do
  id="$(basename "$dir")"
  [ -f "$dir/module.wat" ] && selected "$id" || continue
  "$python" wat/wat2wasm.py "wat/$id/module.wat" "$out/$id.wasm"
  cp "wat/$id/manifest.json" "$out/$id.manifest.json"
done

(cd "$out" && sha256sum -- *.wasm *.manifest.json | sort -k2) > "$out/SHA256SUMS.tmp"
mv "$out/SHA256SUMS.tmp" "$out/SHA256SUMS"
echo "built into $out:"
cat "$out/SHA256SUMS"
