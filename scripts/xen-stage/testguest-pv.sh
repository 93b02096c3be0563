#!/bin/bash
# The PV stage in real Xen: boots the 32-bit PAE and the 64-bit PV test guest (guest/pv.c) as PV
# dom0 of Xen 4.17 built with CONFIG_PV32=y (build-xen-pv32.sh; Debian's own build refuses any
# 32-bit PV kernel) under QEMU TCG, both at once (one per core), then checks what Xen did
# (docs/test-guest.md, "The PV test guests"):
#   - each guest's hypercall page, filled by Xen at its XEN_ELFNOTE_HYPERCALL_PAGE address,
#     verifies as the pv32 / pv64 flavor (`hypercall-page verify`);
#   - `xen-detect abi check-pv-guests`: start_info against ABI32's/ABI64's layouts and through
#     XenCompat, the PV calls' extents, padding, read-only inputs, and agreement of the guests.
# Prints PASS/FAIL lines naming the guest, then `pv guests in real Xen: N passed, M failed`;
# exit 0 only when all passed.
#   scripts/xen-stage/testguest-pv.sh [OUTDIR]      (default .xen-stage/testguest-pv)
# XEN_DETECT: the binary (default: the debug build, built here if missing).
# XS_XEN_PV32_CACHE: where build-xen-pv32.sh keeps its Xen (default .xen-stage/xen-4.17-pv32).
# TESTGUEST_TIMEOUT: seconds a boot may take (default 180).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/.xen-stage/testguest-pv}
mkdir -p "$out"
verdicts=$out/verdicts.txt
: > "$verdicts"
summary() { echo "pv guests in real Xen: $1 passed, $2 failed"; }
finish() {
    cat "$verdicts"
    local passed failed
    passed=$(grep -c '^PASS ' "$verdicts")
    failed=$(grep -c '^FAIL ' "$verdicts")
    summary "$passed" "$failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
    exit
}

bin=${XEN_DETECT:-}
if [ -z "$bin" ]; then
    bin=$root/.build/debug/xen-detect
    (cd "$root" && swift build --product xen-detect 2>&1 | grep -E "error" >&2)
fi
[ -x "$bin" ] || { echo "FAIL build: no xen-detect at $bin" >> "$verdicts"; finish; }

start=$(date +%s)
"$root/scripts/xen-stage/build-xen-pv32.sh" > "$out/build-xen.txt" 2>&1 ||
    { echo "FAIL xen: $(tr '\n' ' ' < "$out/build-xen.txt")" >> "$verdicts"; finish; }
xen_gz=${XS_XEN_PV32_CACHE:-$root/.xen-stage/xen-4.17-pv32}/xen-4.17-pv32.gz
make -s -C "$root/guest" OUT="$out/guest" pv > "$out/make.txt" 2>&1 ||
    { echo "FAIL guest build: $(tr '\n' ' ' < "$out/make.txt")" >> "$verdicts"; finish; }
built=$(date +%s)

xen=$(mktemp /tmp/xen-pv32.XXXXXX)
trap 'rm -f "$xen"' EXIT
zcat "$xen_gz" > "$xen" || { echo "FAIL xen: cannot unpack $xen_gz" >> "$verdicts"; finish; }
# A module of known length: Xen maps it as the initial ramdisk, start_info.mod_start/mod_len.
module=$out/module.bin
dom0_mem_mib=128
head -c 1000 /dev/zero | tr '\0' 'M' > "$module"

# boot ABI: one guest as PV dom0 (no dom0=pvh); stops QEMU at the guest's end marker.
boot() {
    local abi=$1 log=$out/serial-pv$1.log qemu status=1 i
    : > "$log"
    qemu-system-x86_64 -M q35 -accel tcg -cpu qemu64 -m 512 -smp 1 \
        -display none -monitor none -no-reboot -serial "file:$log" \
        -kernel "$xen" -append "dom0_mem=${dom0_mem_mib}M console=com1 com1=115200,8n1 sync_console guest_loglvl=all loglvl=all" \
        -initrd "$out/guest/pv$abi.elf,$module" &
    qemu=$!
    for ((i = 0; i < ${TESTGUEST_TIMEOUT:-180} * 5; i++)); do
        if grep -q '^XDG end ' "$log" 2> /dev/null; then status=0; sleep 0.5; break; fi
        kill -0 "$qemu" 2> /dev/null || break
        sleep 0.2
    done
    kill "$qemu" 2> /dev/null
    wait "$qemu" 2> /dev/null
    grep -q '^XDG end ' "$log" && status=0
    return $status
}

pids=()
for abi in 32 64; do
    boot "$abi" &
    pids+=($!)
done
for abi in 32 64; do
    wait "${pids[$(( abi / 32 - 1 ))]}" ||
        echo "FAIL pv$abi boot: no end marker ($(grep -m1 -E 'Panic|refus|CONFIG_PV32|Dom0 kernel' "$out/serial-pv$abi.log" | tr -d '\r'))" >> "$verdicts"
    # The PVH guest's extractor reads the calls; the start_info lines are the PV guest's own.
    { awk -f "$root/scripts/xen-stage/testguest-extract.awk" "$out/serial-pv$abi.log"
      tr -d '\r' < "$out/serial-pv$abi.log" | awk '$1 == "XDG" && $2 == "start_info" { hex = hex $4 }
          $1 == "XDG" && $2 == "pv" { $1 = ""; $2 = ""; sub(/^ +/, ""); print "pv " $0 }
          END { if (hex != "") print "start_info hex=" hex }'
    } > "$out/results-pv$abi.txt"
    grep -m1 '^(XEN) Dom0 kernel' "$out/serial-pv$abi.log" | tr -d '\r' > "$out/dom0-kernel-pv$abi.txt"
done
booted=$(date +%s)

for abi in 32 64; do
    page_hex=$(sed -n 's/^page hex=//p' "$out/results-pv$abi.txt")
    if [ ${#page_hex} -ne 8192 ]; then
        echo "FAIL pv$abi hypercall page: the guest printed ${#page_hex} hex digits, not a 4096-byte page" >> "$verdicts"
        continue
    fi
    perl -e 'print pack("H*", $ARGV[0])' "$page_hex" > "$out/page-pv$abi.bin"
    if verdict=$("$bin" hypercall-page verify --file "$out/page-pv$abi.bin" --flavor "pv$abi" 2>&1); then
        echo "PASS pv$abi hypercall page: $verdict" >> "$verdicts"
    else
        echo "FAIL pv$abi hypercall page: $(echo "$verdict" | tr '\n' ' ')" >> "$verdicts"
    fi
done

"$bin" abi check-pv-guests "$out/results-pv32.txt" "$out/results-pv64.txt" \
    --module-length "$(stat -c %s "$module")" --dom0-mem-mib "$dom0_mem_mib" > "$out/checks.txt" 2>&1
grep -E '^(PASS|FAIL) ' "$out/checks.txt" >> "$verdicts"
grep -qE '^(PASS|FAIL) ' "$out/checks.txt" ||
    echo "FAIL check-pv-guests: $(head -c 300 "$out/checks.txt" | tr '\n' ' ')" >> "$verdicts"
echo "pv stage time: xen and guests $((built - start)) s ($(cat "${XS_XEN_PV32_CACHE:-$root/.xen-stage/xen-4.17-pv32}/VERSION" 2> /dev/null)), boots $((booted - built)) s" > "$out/time.txt"
finish
