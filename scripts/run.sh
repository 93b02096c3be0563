#!/usr/bin/env bash
# The main job: set up, build the release binary, and run xen-detect with the given arguments
# (default: the full JSON report of this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bin=$(bash scripts/build-release.sh)
if [ $# -eq 0 ]; then set -- --json; fi
exec "$bin" "$@"
