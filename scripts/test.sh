#!/usr/bin/env bash
# All tests: set up, unit and CLI tests (swift test), then the real-Xen stage under QEMU.
# XEN_STAGE=skip skips the real-Xen stage (it then says so); see docs/xen-stage.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== unit and CLI tests"
swift build --build-tests
swift test --skip-build
echo "== unit tests under AddressSanitizer, and the C shim under UndefinedBehaviorSanitizer"
bash scripts/fuzz/sanitizers.sh asan
bash scripts/fuzz/sanitizers.sh ubsan
echo "== fuzzing: every decoder, 30 s each, seeded with the real recordings"
bash scripts/fuzz/run.sh --ci --jobs 2 --no-record
if [ -x scripts/xen-stage/run.sh ]; then
  if [ "${XEN_STAGE:-}" = "skip" ]; then
    echo "== real-Xen stage SKIPPED (XEN_STAGE=skip)"
  else
    echo "== real-Xen stage"
    # run.sh installs its own packages (and honours XEN_STAGE_OPTIONAL=1 when it cannot).
    bash scripts/xen-stage/run.sh
    echo "== real-Xen stage: the four domUs (PVH, PV, HVM, HVM with Viridian) created with xl"
    XS_NO_BUILD=1 XS_BOOT_TIMEOUT=900 bash scripts/xen-stage/run.sh --env domu
    echo "== ABIs in real Xen: the 32-bit and 64-bit PVH test guests"
    XEN_DETECT=.build/release/xen-detect bash scripts/xen-stage/testguest-abi.sh
  fi
fi
