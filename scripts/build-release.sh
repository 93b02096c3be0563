#!/usr/bin/env bash
# The release build: one fully static executable (glibc linked in), which drops into any
# x86_64 Linux guest (an initramfs, a minimal VM) with nothing beside it.
# Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
# The commit goes into the binary for `xen-detect version` (C shim, XD_BUILD_COMMIT), when known.
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || true)
if [ -n "$commit" ] && ! git diff --quiet HEAD -- Sources Package.swift 2>/dev/null; then commit="$commit-modified"; fi
flags=()
[ -n "$commit" ] && flags=(-Xcc "-DXD_BUILD_COMMIT=\"$commit\"")
# The link is laid out for the start-up (BENCHMARKS.md, "Where the start-up goes"): lld instead
# of gold, because lld orders sections by the symbols they hold (--symbol-ordering-file, the list
# scripts/bench/startup-order.sh writes: what the default run touches goes first and together),
# and each loadable segment on its own pages (-z separate-loadable-segments) so that a segment's
# addresses and its file offsets agree modulo 2 MB and the kernel maps the page cache's large
# folios a whole folio per fault. Same code, same static executable; 81 page faults down to 60.
# The default since 2026-12-03 (XD_STARTUP_LINK=0 selects the toolchain's gold link). It was
# opt-in after two HVM domU boots hung in the first stage run with it (2026-12-02); the stage's
# later stalls came with the gold link too (docs/xen-stage.md, "Stalled boots"), and the stage now
# proves this link in every environment.
order=scripts/bench/startup-order.txt
link=()
if [ "${XD_STARTUP_LINK:-1}" = 1 ]; then
  link=(-Xswiftc -use-ld=lld -Xlinker -z -Xlinker separate-loadable-segments)
fi
if [ "${XD_STARTUP_LINK:-1}" = 1 ] && [ -f "$order" ]; then
  # Named by its content, so that a new list changes the link's arguments and the binary is relinked.
  mkdir -p .build
  ordered=".build/startup-order-$(sha256sum "$order" | cut -c1-12).txt"
  cp "$order" "$ordered"
  link+=(-Xlinker "--symbol-ordering-file=$PWD/$ordered" -Xlinker --no-warn-symbol-ordering)
fi
swift build -c release --static-swift-stdlib -Xswiftc -static-executable ${link[@]+"${link[@]}"} "${flags[@]}" >&2
echo "$PWD/.build/release/xen-detect"
