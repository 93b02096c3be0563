#!/bin/bash
# Builds the test guest, writes a hypercall plan for each ABI, boots the
# 32-bit and the 64-bit guest as PVH dom0 of Xen (XEN_GZ, default Debian's
# 4.17) in parallel, and
# extracts each guest's per-call results.
#   testguest-run.sh [OUTDIR] [NAME...]
# OUTDIR (default .xen-stage/testguest) receives plan-{32,64}.bin,
# serial-{32,64}.log and results-{32,64}.txt. NAMEs select plan calls.
# The plan comes from `xen-detect abi plan` (XEN_DETECT, default the debug
# build).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/.xen-stage/testguest}
shift || true
mkdir -p "$out"
make -s -C "$root/guest" OUT="$out/guest" || exit 2

write_plan() { # abi file
    "${XEN_DETECT:-$root/.build/debug/xen-detect}" abi plan --abi "$1" --output "$2" "${@:3}"
}

xen=$(mktemp /tmp/xen.XXXXXX)
trap 'rm -f "$xen"' EXIT
zcat "${XEN_GZ:-/boot/xen-4.17-amd64.gz}" > "$xen" || exit 2

pids=()
for abi in 32 64; do
    write_plan "$abi" "$out/plan-$abi.bin" "$@" || { echo "testguest: no plan for ABI$abi" >&2; exit 2; }
    XEN_ELF=$xen "$root/scripts/xen-stage/testguest-boot.sh" "$out/guest/guest$abi.elf" \
        "$out/plan-$abi.bin" "$out/serial-$abi.log" "${TESTGUEST_TIMEOUT:-180}" &
    pids+=($!)
done
status=0
for abi in 32 64; do
    wait "${pids[$(( abi / 32 - 1 ))]}" || { echo "testguest: ABI$abi guest did not finish (see $out/serial-$abi.log)" >&2; status=1; }
    awk -f "$root/scripts/xen-stage/testguest-extract.awk" "$out/serial-$abi.log" > "$out/results-$abi.txt"
    head -1 "$out/results-$abi.txt"
done
exit $status
