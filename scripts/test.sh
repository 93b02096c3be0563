#!/usr/bin/env bash
# All tests: set up, unit and CLI tests (swift test), then the real-Xen stage under QEMU.
# XEN_STAGE=skip skips the real-Xen stage (it then says so); see docs/xen-stage.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== unit and CLI tests"
swift build --build-tests
swift test --skip-build
if [ -x scripts/xen-stage/run.sh ]; then
  if [ "${XEN_STAGE:-}" = "skip" ]; then
    echo "== real-Xen stage SKIPPED (XEN_STAGE=skip)"
  else
    echo "== real-Xen stage"
    # run.sh installs its own packages (and honours XEN_STAGE_OPTIONAL=1 when it cannot).
    bash scripts/xen-stage/run.sh
    echo "== ABIs in real Xen: the 32-bit and 64-bit PVH test guests"
    XEN_DETECT=.build/release/xen-detect bash scripts/xen-stage/testguest-abi.sh
  fi
fi
