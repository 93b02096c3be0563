#!/usr/bin/env bash
# Generates the DocC documentation of every library product with swift-docc-plugin, warnings as
# errors, into .build/plugins/Swift-DocC/outputs/ (one combined archive, xen-detect.doccarchive,
# with each module's archive under intermediates/). Fails on any warning or error.
# The products are read from Package.swift's `.library(name:` lines, so a new product is covered.
set -euo pipefail
cd "$(dirname "$0")/.."

products=$(sed -n 's/^ *\.library(name: "\([A-Za-z0-9_]*\)".*/\1/p' Package.swift)
if [ -z "$products" ]; then
  echo "docs.sh: no library products found in Package.swift" >&2
  exit 1
fi
args=()
for p in $products; do
  if [ ! -f "Sources/$p/$p.docc/$p.md" ]; then
    echo "docs.sh: $p has no catalog page Sources/$p/$p.docc/$p.md" >&2
    exit 1
  fi
  args+=(--target "$p")
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
status=0
swift package generate-documentation "${args[@]}" --enable-experimental-combined-documentation \
  --warnings-as-errors >"$log" 2>&1 || status=$?
seconds=$(( $(date +%s) - start ))
# DocC prints a diagnostic as "warning: ..." or "error: ..." followed by its source excerpt.
if [ "$status" -ne 0 ] || grep -qE '^(warning|error):' "$log"; then
  grep -v '^\[[0-9]*/[0-9]*\]' "$log" >&2
  echo "docs.sh: documentation has warnings or errors (above); $seconds s" >&2
  exit 1
fi
count=$(grep -c 'Finished building documentation for' "$log" || true)
echo "docs: $count modules, no warnings, $seconds s: .build/plugins/Swift-DocC/outputs/xen-detect.doccarchive"
