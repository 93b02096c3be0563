#!/usr/bin/env bash
# The public API of every library product, from the symbol graph (scripts/api/api.py):
#   bash scripts/api.sh           per-product counts "M: N public symbols, K undocumented"; fails when K > 0
#   bash scripts/api.sh --update  rewrite the listings api/<M>.txt
#   bash scripts/api.sh --check   compare the code's API with api/ and CHANGELOG.md; fails on a difference
# It builds first (a no-op after `swift build --build-tests`).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build >/dev/null
exec python3 scripts/api/api.py "$@"
