#!/bin/bash
# The ABI stage in real Xen: boots the 32-bit and the 64-bit test guest (guest/) as PVH dom0
# of Xen 4.17 and of Xen 4.20 under QEMU TCG, each running the hypercall plan `xen-detect abi
# plan` wrote for its ABI, then checks what Xen did (docs/test-guest.md, "Checks"):
#   - the hypercall page of each guest verifies as the svm flavor (`hypercall-page verify`);
#   - `xen-detect abi check-guests`: structure extents against ABI32/ABI64 layouts (sentinel),
#     padding, agreement between the guests, by-design differences, compat translation.
# Prints PASS/FAIL lines naming the release (`PASS xen-4.20 abi32 ...`), a count per release and
# `abi in real Xen: N passed, M failed`; exit 0 only when all passed.
#   scripts/xen-stage/testguest-abi.sh [OUTDIR]      (OUTDIR/xen-RELEASE/ per release)
# XEN_DETECT: the binary to use (default: the debug build, built here if missing).
# TESTGUEST_XEN_RELEASES: the releases (default "4.17 4.20"; 4.20 is fetched by fetch-xen-4.20.sh).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
top=${1:-$root/.xen-stage/testguest}
mkdir -p "$top"
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

# run_release RELEASE: boots both guests on Xen RELEASE into $top/xen-RELEASE/ and writes its
# verdicts to verdicts.txt there.
run_release() {
    local release=$1 out=$top/xen-$1 verdicts xen_gz abi results page_hex verdict
    mkdir -p "$out"
    verdicts=$out/verdicts.txt
    : > "$verdicts"
    case "$release" in
        4.17) xen_gz=/boot/xen-4.17-amd64.gz ;;
        4.20) xen_gz=${XS_XEN_420_CACHE:-$root/.xen-stage/xen-4.20}/xen-4.20-amd64.gz
            "$root/scripts/xen-stage/fetch-xen-4.20.sh" > "$out/fetch.txt" 2>&1 ||
                { echo "FAIL fetch: $(tr '\n' ' ' < "$out/fetch.txt")" >> "$verdicts"; return; } ;;
        *) echo "FAIL release: no Xen image for $release" >> "$verdicts"; return ;;
    esac
    XEN_GZ=$xen_gz XEN_DETECT=$bin "$root/scripts/xen-stage/testguest-run.sh" "$out" > "$out/run.txt" 2>&1 ||
        echo "FAIL boot: a guest did not finish ($(tr '\n' ' ' < "$out/run.txt"))" >> "$verdicts"

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
}

# One release after the other: each boots its two guests in parallel, one per core.
releases=${TESTGUEST_XEN_RELEASES:-4.17 4.20}
all=$top/verdicts.txt
: > "$all"
for release in $releases; do
    run_release "$release"
    # The release on every line, as the stage labels pv-dom0@4.20.
    sed "s/^\(PASS\|FAIL\) /\1 xen-$release /" "$top/xen-$release/verdicts.txt" >> "$all"
done

cat "$all"
for release in $releases; do
    echo "abi in real Xen $release: $(grep -c "^PASS xen-$release " "$all") passed, $(grep -c "^FAIL xen-$release " "$all") failed"
done
passed=$(grep -c '^PASS ' "$all")
failed=$(grep -c '^FAIL ' "$all")
summary "$passed" "$failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
