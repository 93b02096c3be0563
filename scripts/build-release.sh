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
swift build -c release --static-swift-stdlib -Xswiftc -static-executable "${flags[@]}" >&2
echo "$PWD/.build/release/xen-detect"
