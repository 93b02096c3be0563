# dom0 side of a domU environment (busybox sh), sourced by the stage's /init when the kernel
# command line has xs.domu=<env>: starts Xen's toolstack, creates the domU <env> with xl from
# the stage's own kernel and initramfs, copies the domU's console onto this one and powers off.
# The domU runs the checks itself (its /init sees xs.env=<env>).
# Lines for the host: "@@XS-DOMU-LOG-BEGIN <env>" ... "@@XS-DOMU-LOG-END <env> status=..."
# frame the domU's console; "@@XS-DOM0-FAIL <env> <reason>" says why dom0 gave up.
XS_DOMU= XS_DOMU_TIMEOUT=390
for word in $(cat /proc/cmdline); do
	case "$word" in
		xs.domu=*) XS_DOMU=${word#xs.domu=} ;;
		xs.domu_timeout=*) XS_DOMU_TIMEOUT=${word#xs.domu_timeout=} ;;
	esac
done
log_dir=/tmp/xs-domu-console
guest_log=$log_dir/guest-$XS_DOMU.log
dom0_start=$(cut -d. -f1 /proc/uptime)
say() { echo "xs-dom0: $*"; }

# The toolstack of the Xen that runs here (its domctl interface is that release's; domu/stage.sh):
# Debian 12's 4.17 at its own paths, or Debian 13's 4.20 under /xs/xen-4.20, started through
# that directory's own loader and libraries (trixie's glibc) so that nothing else changes.
running="$(cat /sys/hypervisor/version/major 2> /dev/null).$(cat /sys/hypervisor/version/minor 2> /dev/null)"
case "$running" in
	4.17) xen_bin=/usr/lib/xen-4.17/bin xen_loader= ;;
	4.20) xen_bin=/xs/xen-4.20/bin xen_loader="/xs/xen-4.20/lib/ld-linux-x86-64.so.2 --library-path /xs/xen-4.20/lib" ;;
	*) xen_bin=/nonexistent xen_loader= ;;
esac
# xen_tool NAME ARG...: runs the toolstack program NAME of the running release.
xen_tool() {
	tool=$1
	shift
	$xen_loader "$xen_bin/$tool" "$@"
}

# domu_diagnostics: what the toolstack knows, for a domU that failed.
domu_diagnostics() {
	say "xl list:"; xen_tool xl list 2>&1
	say "xl dmesg (last 30 lines):"; xen_tool xl dmesg 2>&1 | tail -n 30
	say "console logs:"; ls -l "$log_dir" 2>&1
	for f in /var/log/xen/*; do
		[ -f "$f" ] || continue
		say "$f (last 20 lines):"; tail -n 20 "$f"
	done
}

# domu_give_up REASON: the host reports REASON with dom0's and the domU's console tails.
domu_give_up() {
	echo "@@XS-DOM0-FAIL $XS_DOMU $*"
	domu_diagnostics
	xen_tool xl destroy "$XS_DOMU" > /dev/null 2>&1
	sync
	poweroff -f
}

# The domU's identity as the toolstack knows it (issue 17 item 4; README, "Facts"), read while the
# domain runs: `xl list -l` (libxl's JSON, c_info.uuid), `xl list -v` (its UUID column),
# `xl domid`, and `xl info`'s xen_version (the string hvmloader builds from XENVER_version and
# XENVER_extraversion for the HVM domU's SMBIOS). domu_identity_verdicts compares them with the
# facts.json the domU sent (checks/50-fleet.sh) once it has finished.
domu_identity_read() {
	xen_tool xl list -l "$XS_DOMU" > /tmp/xl-list-l.json 2>&1
	xen_tool xl list -v "$XS_DOMU" > /tmp/xl-list-v.txt 2>&1
	xen_tool xl domid "$XS_DOMU" > /tmp/xl-domid.txt 2>&1
	xen_tool xl info > /tmp/xl-info.txt 2>&1
}
# domu_identity_verdicts: dom0's verdicts, framed like a guest's ("@@XS-BEGIN <env> dom0" ...
# "@@XS-END <env> dom0"), so the host counts them with the domU's as "<env> dom0-identity/*".
domu_identity_verdicts() {
	# When the domU ran checks/50-fleet.sh or checks/46-pv-selftests.sh (an empty xs.checks= runs
	# every check): its facts.json, and the grant self-test's domain (which a PV domU reads from
	# xenstore), against `xl domid`.
	fleet=yes
	grep -aq "^@@F-END facts.json " "$guest_log" || [ -z "$XS_CHECKS" ] || fleet=
	grant=yes
	grep -aq "^@@F-END pv-selftests-grant-table.json " "$guest_log" || grant=
	backends=yes
	grep -aq "^@@F-END extensions.json " "$guest_log" || backends=
	[ -n "$fleet$grant$backends" ] || return 0
	(
		. /xs/lib.sh
		XS_ENV=$XS_DOMU XS_CHECK=dom0-identity XS_TMP=/tmp/xs-dom0-identity
		mkdir -p "$XS_TMP" && cd "$XS_TMP" || exit 0
		echo "@@XS-BEGIN $XS_DOMU dom0"
		domid=$(cat /tmp/xl-domid.txt)
		if [ -n "$grant" ]; then
			tr -d '\r' < "$guest_log" | awk 'index($0, "@@F pv-selftests-grant-table.json ") == 1 { print substr($0, 35) }' > grant.json
			xs_json_flatten < grant.json > grant.flat
			xs_expect grant-table-domain-equals-xl-domid "$domid" "$(xs_json_get grant.flat domain)"
		fi
		if [ -n "$backends" ]; then
			# Each PV device the domU listed (checks/45): its backend path is xl's BE-path, its
			# backend domain xl's BE (block devices by Vdev, NICs by Idx).
			tr -d '\r' < "$guest_log" | awk 'index($0, "@@F extensions.json ") == 1 { print substr($0, 21) }' > ext.json
			xs_json_flatten < ext.json > ext.flat
			cat /tmp/xl-block-list.txt /tmp/xl-network-list.txt
			for i in $(sed -n 's|^devices\.\([0-9]*\)\.path=pv$|\1|p' ext.flat); do
				name=$(xs_json_get ext.flat "devices.$i.name") frontend=$(xs_json_get ext.flat "devices.$i.frontend")
				case "$frontend" in
					vbd-*) list=/tmp/xl-block-list.txt ;;
					vif-*) list=/tmp/xl-network-list.txt ;;
					*) continue ;;
				esac
				line=$(awk -v id="${frontend#*-}" 'NR > 1 && $1 == id' "$list")
				xs_expect "backend-path-equals-xl.$name" "$(echo "$line" | awk '{ print $NF }')" "$(xs_json_get ext.flat "devices.$i.backend.path")"
				xs_expect "backend-domain-equals-xl.$name" "$(echo "$line" | awk '{ print $2 }')" "$(xs_json_get ext.flat "devices.$i.backend.domain")"
			done
		fi
		[ -n "$fleet" ] || { echo "@@XS-END $XS_DOMU dom0"; exit 0; }
		tr -d '\r' < "$guest_log" | awk 'index($0, "@@F facts.json ") == 1 { print substr($0, 16) }' > facts.json
		xs_json_flatten < facts.json > facts.flat
		said() { xs_json_get facts.flat "$1"; }
		if [ ! -s facts.json ]; then
			xs_fail facts.json "the domU sent no facts.json (checks/50-fleet.sh)"
		else
			uuid_l=$(grep -o '"uuid": *"[^"]*"' /tmp/xl-list-l.json | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')
			uuid_v=$(awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "UUID") c = i } NR == 2 && c { print $c }' /tmp/xl-list-v.txt)
			[ -n "$uuid_l" ] && xs_pass xl-list-l-has-uuid || xs_fail xl-list-l-has-uuid "$(head -c 300 /tmp/xl-list-l.json)"
			xs_expect uuid-equals-xl-list-l "$uuid_l" "$(said identity.uuid)"
			xs_expect uuid-equals-xl-list-v "$uuid_v" "$(said identity.uuid)"
			case "$XS_DOMU" in
				pv-domu) xs_expect domainId-null-in-pv null "$(said identity.domainId)" ;;
				*) xs_expect domainId-equals-xl-domid "$domid" "$(said identity.domainId)" ;;
			esac
			xen_version=$(sed -n 's/^xen_version *: *//p' /tmp/xl-info.txt)
			case "$XS_DOMU" in
				hvm-domu | hvm-viridian-domu | hvm-pvio-domu | hvm-emulated-domu)
					xs_expect dmi.sysVendor Xen "$(said identity.dmi.sysVendor)"
					xs_expect dmi.productName "HVM domU" "$(said identity.dmi.productName)"
					xs_expect dmi.productVersion-equals-xl-info-xen_version "$xen_version" "$(said identity.dmi.productVersion)"
					xs_expect dmi.biosVersion-equals-xl-info-xen_version "$xen_version" "$(said identity.dmi.biosVersion)"
					;;
				*)
					xs_expect dmi-null "null" "$(said identity.dmi)"
					xs_expect dmiAbsent noFirmwareTables "$(said identity.dmiAbsent)"
					;;
			esac
			echo "xs-dom0: xl list -l uuid $uuid_l, xl list -v uuid $uuid_v, xl domid $domid, xl info xen_version $xen_version"
		fi
		echo "@@XS-END $XS_DOMU dom0"
	)
}

# The release the host booted (xs.xen=) must be the one running, and this archive must carry its
# toolstack; the domU is told the same release and asserts it again (boot/xen-release).
[ "$running" = "$XS_XEN" ] || domu_give_up "the host booted Xen $XS_XEN, /sys/hypervisor/version says '$running'"
[ -x "$xen_bin/xl" ] || domu_give_up "no toolstack for Xen $running in dom0's archive ($xen_bin/xl)"
say "Xen $running: toolstack $xen_bin${xen_loader:+ through $xen_loader}"

# Toolstack prerequisites: event channels and grant tables for user space, ptys for
# xenconsoled, and the run-time directories of xenstored and libxl.
for module in $(cat /xs/domu/modules.order); do
	insmod "/xs/domu/modules/$module.ko" 2> /tmp/insmod.err || say "insmod $module: $(cat /tmp/insmod.err)"
done
mkdir -p /dev/pts /run && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /run ||
	domu_give_up "cannot mount devpts and /run"
mkdir -p /run/xen /run/xenstored "$log_dir"
xen_tool xenstored --pid-file=/run/xenstored.pid > /tmp/xenstored.out 2>&1 ||
	domu_give_up "xenstored failed: $(head -c 300 /tmp/xenstored.out)"
xen_tool xen-init-dom0 > /tmp/xen-init-dom0.out 2>&1 ||
	domu_give_up "xen-init-dom0 failed: $(head -c 300 /tmp/xen-init-dom0.out)"
xen_tool xenconsoled --log=guest --log-dir="$log_dir" > /tmp/xenconsoled.out 2>&1 ||
	domu_give_up "xenconsoled failed: $(head -c 300 /tmp/xenconsoled.out)"

# The domU: 256 MiB, one vCPU, the stage's kernel and initramfs, its console on hvc0.
# The I/O domUs run only checks/45-extensions.sh and 46-pv-selftests.sh unless the host named
# checks: the others run in hvm-domu. Decided here, once, so the domU's command line and dom0's identity verdicts agree.
case "$XS_DOMU" in
	hvm-pvio-domu | hvm-emulated-domu) [ -n "$XS_CHECKS" ] || XS_CHECKS=extensions,pv-selftests ;;
esac
domu_args="console=hvc0 quiet panic=-1 xs.env=$XS_DOMU xs.xen=$XS_XEN xs.checks=$XS_CHECKS xs.record=$XS_RECORD xs.timeout=$XS_CHECK_TIMEOUT"
# Host facts for the domU's memory_op checks (checks/40-hypercall.sh), on its command line:
# Xen's own count of the host's RAM (xl info total_memory, MiB: physinfo total_pages) and
# maximum_ram_page as dom0 gets it (Xen answers its one global max_page to every domain).
host_total_mb=$(xen_tool xl info 2> /dev/null | sed -n 's/^total_memory *: *//p')
dom0_max_ram_page=$(/opt/xen-detect/bin/xen-detect hypercall selftest 2> /dev/null | sed -n 's/^memory_op maximum_ram_page: //p')
say "host: xl info total_memory ${host_total_mb:-?} MiB; dom0's maximum_ram_page ${dom0_max_ram_page:-?}"
domu_args="$domu_args xs.host_total_mb=${host_total_mb:-unknown} xs.dom0_max_ram_page=${dom0_max_ram_page:-unknown}"
# The I/O environments (a disk, PV or emulated) have their own config lines and ramdisk (io-dom0.sh).
domu_ramdisk=/xs/domu/initrd.gz
case "$XS_DOMU" in hvm-pvio-domu | hvm-emulated-domu) . /xs/domu/io-dom0.sh; domu_ramdisk=/xs/domu/initrd-io.gz ;; esac
{
	echo "name = \"$XS_DOMU\""
	echo 'kernel = "/xs/domu/vmlinuz"'
	echo "ramdisk = \"$domu_ramdisk\""
	echo 'memory = 256'
	echo 'vcpus = 1'
	echo 'on_poweroff = "destroy"'
	echo 'on_crash = "destroy"'
	case "$XS_DOMU" in
		pvh-domu) echo 'type = "pvh"'; echo "extra = \"$domu_args\"" ;;
		pv-domu) echo 'type = "pv"'; echo "extra = \"$domu_args\"" ;;
		hvm-domu | hvm-viridian-domu)
			echo 'type = "hvm"'
			echo "cmdline = \"$domu_args\""
			echo 'vga = "none"'
			echo 'vnc = 0'
			echo 'serial = "none"'
			[ "$XS_DOMU" = hvm-viridian-domu ] && echo 'viridian = 1'
			;;
		hvm-pvio-domu | hvm-emulated-domu) domu_io_config "$XS_DOMU" "$domu_args" ;;
		*) domu_give_up "unknown domU environment" ;;
	esac
} > /tmp/domu.cfg
say "creating $XS_DOMU after $(($(cut -d. -f1 /proc/uptime) - dom0_start))s:"
sed 's/^/xs-dom0:   /' /tmp/domu.cfg
xen_tool xl create /tmp/domu.cfg > /tmp/xl-create.out 2>&1 ||
	domu_give_up "xl create failed: $(tail -n 5 /tmp/xl-create.out)"
say "domain id $(xen_tool xl domid "$XS_DOMU" 2>&1)"
domu_identity_read

# Copy the domU's console as it comes, until the domain is gone or dom0's deadline passes.
echo "@@XS-DOMU-LOG-BEGIN $XS_DOMU"
waited=0
while [ ! -e "$guest_log" ] && [ "$waited" -lt 30 ]; do sleep 1; waited=$((waited + 1)); done
touch "$guest_log"
tail -n +1 -f "$guest_log" &
tail_pid=$!
status=finished
devices_read=
while xen_tool xl list "$XS_DOMU" > /dev/null 2>&1; do
	# Done when the domU's /init printed its end marker (it powers off next; no need to wait).
	# The toolstack's view of the PV devices, once, right after the domU sent its inventory
	# (checks/45) while both ends still run (domu_identity_verdicts compares them). At the end
	# marker it is too late: the domU is shutting down, and libxl has dropped its vif by then.
	if [ -z "$devices_read" ] && grep -aq "^@@F-END extensions.json " "$guest_log"; then
		xen_tool xl block-list "$XS_DOMU" > /tmp/xl-block-list.txt 2>&1
		xen_tool xl network-list "$XS_DOMU" > /tmp/xl-network-list.txt 2>&1
		devices_read=yes
	fi
	if grep -aq "^@@XS-END $XS_DOMU " "$guest_log"; then
		sleep 2
		xen_tool xl destroy "$XS_DOMU" > /dev/null 2>&1
		break
	fi
	if [ $(($(cut -d. -f1 /proc/uptime) - dom0_start)) -ge "$XS_DOMU_TIMEOUT" ]; then
		status=timeout
		break
	fi
	sleep 2
done
sleep 2
kill "$tail_pid" 2> /dev/null
wait "$tail_pid" 2> /dev/null
echo
echo "@@XS-DOMU-LOG-END $XS_DOMU status=$status after=$(($(cut -d. -f1 /proc/uptime) - dom0_start))s"
if [ "$status" = timeout ]; then
	domu_give_up "the domU did not finish within ${XS_DOMU_TIMEOUT}s of dom0's start"
fi
grep -q "^@@XS-END $XS_DOMU " "$guest_log" || domu_give_up "the domU ended without finishing its checks"
domu_identity_verdicts
# The device model's own log (HVM), for the console log: Debian 12's QEMU serves both releases;
# and the vif hotplug script's (the I/O environments).
for f in /var/log/xen/qemu-dm-*.log /var/log/xen/vif-hotplug.log; do
	[ -f "$f" ] || continue
	say "$f:"; sed 's/^/xs-dom0:   /' "$f"
done
sync
poweroff -f
