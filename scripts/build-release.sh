#!/usr/bin/env bash
# The release build: one fully static executable (glibc linked in), which drops into any
# x86_64 Linux guest (an initramfs, a minimal VM) with nothing beside it.
# Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib -Xswiftc -static-executable >&2
echo "$PWD/.build/release/xen-detect"
