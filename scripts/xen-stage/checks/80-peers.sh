# What each tool says in this environment, for docs/tested-environments.md (built from these
# files by scripts/xen-stage/domu/environments-table.sh), sent to the host as peers.txt, and
# asserted against what the stage booted here (the environment's label), so the table cannot
# record a wrong answer:
#   xen-detect=           Debian's xen-detect (Xen's tools/misc/xen-detect): the guest type the
#                         label names, with sysfs's version ("Not running on Xen." on plain Linux)
#   systemd-detect-virt=  Debian's systemd-detect-virt (systemd 252), as measured: "xen" in every
#                         domU, "qemu" in PV dom0, "xen" in PVH dom0, "qemu" on plain Linux (our
#                         reading of detect_vm(), src/basic/virt.c: /proc/xen means Xen, but a
#                         dom0 is not taken for a VM and it goes on to plain CPUID, which shows
#                         QEMU's TCG in PV and Xen in PVH)
#   ours=                 our drop-in: the same line as xen-detect's
#   report=               the first line of `xen-detect report`: version, type, role, "from sysfs"
#   stack=                the hypervisor stack of `xen-detect --json`, in leaf order: QEMU's TCG
#                         below Xen in PV (plain CPUID shows it), Hyper-V's leaves above Xen's
#                         with Viridian
case "$XS_ENV" in
	pv-dom0) want_type=PV want_role=dom0 want_virt=qemu want_stack="xen@0x40000000 qemu@0x40000000" ;;
	pvh-dom0) want_type=PVH want_role=dom0 want_virt=xen want_stack="xen@0x40000000" ;;
	pv-domu) want_type=PV want_role=domU want_virt=xen want_stack="xen@0x40000000 qemu@0x40000000" ;;
	pvh-domu) want_type=PVH want_role=domU want_virt=xen want_stack="xen@0x40000000" ;;
	hvm-domu) want_type=HVM want_role=domU want_virt=xen want_stack="xen@0x40000000" ;;
	hvm-viridian-domu) want_type=HVM want_role=domU want_virt=xen want_stack="microsoft@0x40000000 xen@0x40000100" ;;
	linux) want_type="" want_role="" want_virt=qemu want_stack="qemu@0x40000000" ;;
	*) xs_fail environment "unknown environment $XS_ENV"; return 0 ;;
esac
{
	echo "env=$XS_ENV"
	echo "xen-detect=$("$XS_THEIRS" 2>&1 | head -n 1)"
	if [ -x /usr/bin/systemd-detect-virt ]; then
		echo "systemd-detect-virt=$(/usr/bin/systemd-detect-virt 2>&1 | head -n 1)"
	else
		echo "systemd-detect-virt=(not in the initramfs)"
	fi
	echo "ours=$("$XS_OURS" 2>&1 | head -n 1)"
	echo "report=$("$XS_OURS" report 2>&1 | head -n 1)"
	"$XS_OURS" --json 2> /dev/null | xs_json_flatten > json.flat
	index=0 stack=""
	while [ -n "$(xs_json_get json.flat "hypervisors.$index.signature")" ]; do
		stack="$stack $(xs_json_get json.flat "hypervisors.$index.name")@$(printf '0x%08x' "$(xs_number "$(xs_json_get json.flat "hypervisors.$index.leafBase")")")"
		index=$((index + 1))
	done
	echo "stack=${stack# }"
} > peers.txt
said() { sed -n "s|^$1=||p" peers.txt | head -n 1; }

if xs_on_xen; then
	version="$(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)"
	xs_expect xen-detect "Running in $want_type context on Xen V$version." "$(said xen-detect)"
	# The role's evidence: xenfs's capabilities when mounted, else sysfs's XENFEAT_dom0.
	if [ -r /proc/xen/capabilities ]; then role_from=/proc/xen/capabilities; else role_from=XENFEAT_dom0; fi
	xs_expect report "Xen $version$(cat /sys/hypervisor/version/extra): $want_type guest, $want_role (context from sysfs, domain from $role_from)" "$(said report)"
else
	xs_expect xen-detect "Not running on Xen." "$(said xen-detect)"
	xs_expect report "Xen: not detected" "$(said report)"
fi
xs_expect ours "$(said xen-detect)" "$(said ours)"
# The stage copies systemd-detect-virt into the initramfs when the host has it (run.sh); without
# it the table would have a hole, which is a failure, not a pass.
xs_expect systemd-detect-virt "$want_virt" "$(said systemd-detect-virt)"
xs_expect stack "$want_stack" "$(said stack)"
xs_emit_file peers.txt < peers.txt
