#!/bin/bash
# Boots the test guest as a PVH dom0 of real Xen (XEN_ELF, else XEN_GZ, default
# Debian's 4.17) under QEMU TCG and
# stops QEMU once the guest's end marker appears (Xen does not power off).
#   testguest-boot.sh GUEST.elf PLAN.bin SERIAL.log [TIMEOUT_SECONDS]
# The plan is the second multiboot module, which Xen hands to the PVH dom0 as
# its first hvm_start_info module. Exit 0 when the end marker appeared.
set -u
guest=$1 plan=$2 log=$3 timeout=${4:-120}
xen=${XEN_ELF:-}
if [ -z "$xen" ]; then
    xen=$(mktemp /tmp/xen.XXXXXX)
    trap 'rm -f "$xen"' EXIT
    zcat "${XEN_GZ:-/boot/xen-4.17-amd64.gz}" > "$xen" || exit 2
fi
# sync_console: Xen writes each line before returning, so none is dropped
# from its serial transmit buffer when the guest prints quickly.
xen_cmdline="dom0=pvh iommu=1 dom0_mem=128M console=com1 com1=115200,8n1 sync_console guest_loglvl=all loglvl=all"
: > "$log"
qemu-system-x86_64 -M q35 -accel tcg -cpu qemu64,+svm,+npt -m 512 -smp 1 \
    -device amd-iommu -display none -monitor none -no-reboot \
    -serial "file:$log" \
    -kernel "$xen" -append "$xen_cmdline" \
    -initrd "$guest,$plan" &
qemu=$!
status=1
for ((i = 0; i < timeout * 5; i++)); do
    if grep -q '^XDG end ' "$log" 2>/dev/null; then status=0; sleep 0.5; break; fi
    kill -0 "$qemu" 2>/dev/null || break
    sleep 0.2
done
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null
grep -q '^XDG end ' "$log" && status=0
exit $status
