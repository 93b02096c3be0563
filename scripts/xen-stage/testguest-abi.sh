#!/bin/bash
# The ABI stage in real Xen: boots the 32-bit and the 64-bit test guest (guest/) as PVH dom0
# of Xen 4.17 under QEMU TCG, each running the hypercall plan `xen-detect abi plan` wrote for
# its ABI, then checks what Xen did (docs/test-guest.md, "Checks"):
#   - the hypercall page of each guest verifies as the svm flavor (`hypercall-page verify`);
#   - `xen-detect abi check-guests`: structure extents against ABI32/ABI64 layouts (sentinel),
#     padding, agreement between the guests, by-design differences, compat translation.
# Prints PASS/FAIL lines and `abi in real Xen: N passed, M failed`; exit 0 only when all passed.
#   scripts/xen-stage/testguest-abi.sh [OUTDIR]
# XEN_DETECT: the binary to use (default: the debug build, built here if missing).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/.xen-stage/testguest}
mkdir -p "$out"
summary() { echo "abi in real Xen: $1 passed, $2 failed"; }

bin=${XEN_DETECT:-}
if [ -z "$bin" ]; then
    bin=$root/.build/debug/xen-detect
    (cd "$root" && swift build --product xen-detect 2>&1 | grep -E "error" >&2)
fi
if [ ! -x "$bin" ]; then
    echo "FAIL build: no xen-detect at $bin"
    summary 0 1
    exit 1
fi

XEN_DETECT=$bin "$root/scripts/xen-stage/testguest-run.sh" "$out" > "$out/run.txt" 2>&1
run_status=$?
verdicts=$out/verdicts.txt
: > "$verdicts"
[ $run_status -eq 0 ] || echo "FAIL boot: a guest did not finish ($(tr '\n' ' ' < "$out/run.txt"))" >> "$verdicts"

for abi in 32 64; do
    results=$out/results-$abi.txt
    page_hex=$(sed -n 's/^page hex=//p' "$results" 2>/dev/null)
    if [ ${#page_hex} -ne 8192 ]; then
        echo "FAIL abi$abi hypercall page: the guest printed ${#page_hex} hex digits, not a 4096-byte page" >> "$verdicts"
        continue
    fi
    perl -e 'print pack("H*", $ARGV[0])' "$page_hex" > "$out/page-$abi.bin"
    if verdict=$("$bin" hypercall-page verify --file "$out/page-$abi.bin" --flavor svm 2>&1); then
        echo "PASS abi$abi hypercall page: $verdict" >> "$verdicts"
    else
        echo "FAIL abi$abi hypercall page: $(echo "$verdict" | tr '\n' ' ')" >> "$verdicts"
    fi
done

if [ -s "$out/results-32.txt" ] && [ -s "$out/results-64.txt" ]; then
    "$bin" abi check-guests "$out/results-32.txt" "$out/results-64.txt" > "$out/checks.txt" 2>&1
    grep -E '^(PASS|FAIL) ' "$out/checks.txt" >> "$verdicts"
    grep -qE '^(PASS|FAIL) ' "$out/checks.txt" ||
        echo "FAIL check-guests: $(head -c 300 "$out/checks.txt" | tr '\n' ' ')" >> "$verdicts"
else
    echo "FAIL check-guests: no results to check" >> "$verdicts"
fi

cat "$verdicts"
passed=$(grep -c '^PASS ' "$verdicts")
failed=$(grep -c '^FAIL ' "$verdicts")
summary "$passed" "$failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
