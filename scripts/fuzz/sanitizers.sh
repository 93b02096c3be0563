#!/usr/bin/env bash
# The unit and CLI tests under AddressSanitizer and UndefinedBehaviorSanitizer, each in its own
# scratch path so the normal .build is never clobbered. Usage: scripts/fuzz/sanitizers.sh [asan|ubsan]...
# (default: both). See docs/reliability.md.
#
# ASan: `swift build/test --sanitize=address`. The xen-detect binary the CLI tests run is built
# with ASan too, so every CLI test is also a memory-error and leak check of the binary. LSan
# suppressions (scripts/fuzz/lsan.supp) cover only the test harness's own libraries.
#
# UBSan: swiftc rejects -sanitize=undefined on Linux (Swift traps on overflow and bounds itself),
# so `swift build --sanitize=undefined` fails. UBSan is applied where it means something, the C
# shim (CXenShim), with -Xcc -fsanitize=undefined and -fno-sanitize-recover (any UB aborts the
# test), and the UBSan runtime linked through clang.
set -euo pipefail
cd "$(dirname "$0")/../.."
which=("$@")
[ ${#which[@]} -gt 0 ] || which=(asan ubsan)
for s in "${which[@]}"; do
  start=$(date +%s)
  case "$s" in
    asan)
      echo "== unit and CLI tests under AddressSanitizer (.build-asan)"
      swift build --build-tests --sanitize=address --scratch-path .build-asan
      LSAN_OPTIONS=suppressions=$PWD/scripts/fuzz/lsan.supp:print_suppressions=0 \
        swift test --skip-build --sanitize=address --scratch-path .build-asan
      ;;
    ubsan)
      echo "== unit and CLI tests under UndefinedBehaviorSanitizer (.build-ubsan)"
      swift build --build-tests --scratch-path .build-ubsan \
        -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined \
        -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined
      swift test --skip-build --scratch-path .build-ubsan
      ;;
    *) echo "sanitizers: unknown '$s' (asan or ubsan)" >&2; exit 64 ;;
  esac
  echo "== $s: $(( $(date +%s) - start )) s"
done
