# `xen-detect extensions --json` (docs/extensions.md) against what this guest's kernel shows,
# read here independently of the tool: /sys/block/*, /sys/class/net/* and where their device
# links lead (a vbd-N/vif-N on the xen bus, or a PCI function with its driver), the xen bus's
# devices and their state, /proc/interrupts, the clocksource, the balloon's sysfs directory.
#   every environment: the context; hypercall-page, event-channels, xenstore, balloon in use;
#                      pv-clock in use exactly when the clocksource is xen; pv-console exactly
#                      when /proc/interrupts has hvc_console; each block device and NIC with
#                      the path its sysfs link shows and the device its device link names; the
#                      summary verdict
#   hvm-pvio-domu:     xvda on vbd-51712, Connected, bound to vbd (xen-blkfront); eth0 on vif-0,
#                      Connected, bound to vif (xen-netfront); pv-block and pv-net in use; no
#                      network function left on the PCI bus (the e1000 unplugged); "I/O: PV-on-HVM"
#   hvm-emulated-domu: the disk on the PIIX IDE controller (8086:7010, ata_piix), vbd-768 left
#                      without a driver; eth0 on the e1000 (8086:100e, driver e1000), vif-0 left
#                      without a driver; pv-block and pv-net not in use; xen_emul_unplug=never;
#                      "I/O: emulated (ioemu)"
#   PV dom0, pv-domu:  the mmu-operations row in use; no emulated device
#   linux (not Xen):   status 69 and one line on stderr, nothing on stdout

if ! xs_on_xen; then
	"$XS_OURS" extensions --json > ext.json 2> ext.err
	xs_expect off-xen/status 69 "$?"
	xs_expect off-xen/stderr "xen-detect: not running on Xen: no PV extensions to list" "$(cat ext.err)"
	xs_expect off-xen/stdout "" "$(cat ext.json)"
	return 0
fi

# The raw facts, for the console log (and for fixtures of the unit tests).
echo "== /proc/cmdline: $(cat /proc/cmdline)"
if [ "$XS_ENV" = hvm-emulated-domu ]; then
	# ata_piix finds the disk at once, the sd disk appears some seconds later under TCG.
	waited=0
	while ! ls /sys/block | grep -q '^sd' && [ "$waited" -lt 90 ]; do sleep 1; waited=$((waited + 1)); done
	echo "== waited ${waited}s for the emulated disk"
fi
if [ "$XS_ENV" = hvm-pvio-domu ]; then
	# xen-netfront's eth0 exists from its probe; vif-0 is Connected once netback's backend is
	# (after the hotplug script's hotplug-status): wait, so that sysfs and the tool see one state.
	waited=0
	while [ "$(cat /sys/bus/xen/devices/vif-0/state 2> /dev/null)" != Connected ] && [ "$waited" -lt 60 ]; do
		sleep 1; waited=$((waited + 1))
	done
	echo "== waited ${waited}s for vif-0 to be Connected: state $(cat /sys/bus/xen/devices/vif-0/state 2> /dev/null)"
fi
for d in /sys/block/* /sys/class/net/*; do
	echo "== $d -> $(readlink "$d") device -> $(readlink "$d/device" 2> /dev/null)"
done
for d in /sys/bus/xen/devices/*; do
	[ -e "$d" ] || continue
	echo "== $d -> $(readlink "$d") driver -> $(readlink "$d/driver" 2> /dev/null)"
	for f in "$d"/*; do [ -f "$f" ] && echo "   ${f##*/}: $(head -c 200 "$f" 2> /dev/null | tr '\n' ' ')"; done
done
echo "== /sys/bus/xen/drivers: $(ls /sys/bus/xen/drivers 2> /dev/null | tr '\n' ' ')"
for d in /sys/bus/pci/devices/*; do
	[ -e "$d" ] || continue
	echo "== $d $(cat "$d/vendor" "$d/device" "$d/class" | tr '\n' ' ') driver -> $(readlink "$d/driver" 2> /dev/null)"
done
echo "== clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource) of $(cat /sys/devices/system/clocksource/clocksource0/available_clocksource)"
echo "== features: $(cat /sys/hypervisor/properties/features 2> /dev/null)"
echo "== xen_memory: $(ls /sys/devices/system/xen_memory/xen_memory0 2> /dev/null | tr '\n' ' ')"
echo "== /proc/xen: $(ls /proc/xen 2> /dev/null | tr '\n' ' ') /dev/xen: $(ls /dev/xen 2> /dev/null | tr '\n' ' ')"
echo "== /proc/interrupts:"
sed 's/^/   /' /proc/interrupts
echo "== dmesg (xen, unplug, blkfront, ata):"
dmesg 2> /dev/null | grep -i -e xen -e unplug -e blkfront -e netfront -e e1000 -e eth0 -e ata1 -e 'sd ' -e evtchn -e grant | tail -n 40 | sed 's/^/   /'

# The same facts as a recording the unit tests load (RecordingDirectorySystem.load(recording:)),
# one "xs-rec: " line each: D directory, L link target, F file text (\n for newlines).
rec_file() { [ -r "$1" ] && printf 'xs-rec: F %s %s\n' "$1" "$(sed 's/\\/\\\\/g' "$1" | awk '{ printf "%s\\n", $0 }')"; }
rec_link() { [ -L "$1" ] && printf 'xs-rec: L %s %s\n' "$1" "$(readlink "$1")"; }
rec_dir() { [ -d "$1" ] && printf 'xs-rec: D %s\n' "$1"; }
{
	echo "xs-rec: # $XS_ENV, recorded by checks/45-extensions.sh"
	for f in /sys/hypervisor/type /sys/hypervisor/guest_type /sys/hypervisor/version/major /sys/hypervisor/version/minor \
		/sys/hypervisor/version/extra /sys/hypervisor/properties/features /proc/cmdline /proc/interrupts \
		/sys/devices/system/clocksource/clocksource0/current_clocksource \
		/sys/devices/system/clocksource/clocksource0/available_clocksource; do rec_file "$f"; done
	rec_dir /sys/bus/xen; rec_dir /sys/bus/xen/devices; rec_dir /sys/bus/xen/drivers
	for d in /sys/bus/xen/devices/*; do
		[ -e "$d" ] || continue
		rec_link "$d"; rec_link "$d/driver"
		for a in devtype nodename state; do rec_file "$d/$a"; done
	done
	for d in /sys/bus/xen/drivers/*; do rec_dir "$d"; done
	rec_dir /sys/block; for d in /sys/block/*; do rec_link "$d"; done
	rec_dir /sys/class/net; for d in /sys/class/net/*; do rec_link "$d"; done
	rec_dir /sys/bus/pci/devices
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d" ] || continue
		rec_link "$d"; rec_link "$d/driver"
		for a in vendor device class; do rec_file "$d/$a"; done
	done
	rec_dir /sys/devices/system/xen_memory/xen_memory0
	rec_file /sys/devices/system/xen_memory/xen_memory0/target_kb
	rec_file /sys/devices/system/xen_memory/xen_memory0/info/current_kb
	rec_dir /proc/xen; for f in /proc/xen/*; do [ -e "$f" ] && echo "xs-rec: F $f"; done
	rec_dir /dev/xen; for f in /dev/xen/*; do [ -e "$f" ] && echo "xs-rec: F $f"; done
}

"$XS_OURS" extensions --json > ext.json 2> ext.err
status=$?
xs_expect status 0 "$status"
[ -s ext.err ] && xs_fail stderr "$(head -c 300 ext.err)"
"$XS_OURS" extensions > ext.txt 2> ext.txt.err || xs_fail text "status $?: $(head -c 300 ext.txt.err)"
cat ext.txt
xs_json_flatten < ext.json > ext.flat
get() { xs_json_get ext.flat "$1"; }
# For the dom0, which compares each PV device's backend with `xl block-list` / `xl network-list`
# (domu/dom0.sh).
case "$XS_ENV" in *-domu) xs_emit_file extensions.json < ext.json ;; esac

# The row named NAME: its index in "extensions".
row() { sed -n "s|^extensions\.\([0-9]*\)\.name=$1\$|\1|p" ext.flat | head -n 1; }
# in_use NAME: the row's inUse (true, false or null).
in_use() { i=$(row "$1"); [ -n "$i" ] && get "extensions.$i.inUse"; }
available() { i=$(row "$1"); [ -n "$i" ] && get "extensions.$i.available"; }

xs_expect context "$(cat /sys/hypervisor/guest_type 2> /dev/null)" "$(get context)"
for name in hypercall-page event-channels grant-tables xenstore pv-clock pv-spinlocks pv-block pv-net pv-console balloon vcpu-hotplug; do
	[ -n "$(row "$name")" ] && xs_pass "row/$name" || xs_fail "row/$name" "no row: $(head -c 300 ext.json)"
done
xs_expect inUse/hypercall-page true "$(in_use hypercall-page)"
xs_expect inUse/event-channels true "$(in_use event-channels)"
if grep -q -e xen-percpu -e xen-dyn /proc/interrupts; then want=true; else want=false; fi
xs_expect inUse/event-channels-interrupts true "$want"
clock=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
[ "$clock" = xen ] && want=true || want=false
xs_expect inUse/pv-clock "$want" "$(in_use pv-clock)"
xs_expect clocksource "$clock" "$(get clocksource)"
grep -q hvc_console /proc/interrupts && want=true || want=false
xs_expect inUse/pv-console "$want" "$(in_use pv-console)"
grep -q 'spinlock[0-9]' /proc/interrupts && want=true || want=false
xs_expect inUse/pv-spinlocks "$want" "$(in_use pv-spinlocks)"
[ -d /sys/devices/system/xen_memory/xen_memory0 ] && want=true || want=false
xs_expect inUse/balloon "$want" "$(in_use balloon)"
case "$(cat /sys/hypervisor/guest_type)" in
	PV) xs_expect inUse/mmu-operations true "$(in_use mmu-operations)"
		xs_expect delivery pv-upcall "$(get eventChannelDelivery)" ;;
	*) [ -z "$(row mmu-operations)" ] && xs_pass no-mmu-row || xs_fail no-mmu-row "an mmu-operations row outside PV" ;;
esac
if grep -q 'Hypervisor callback interrupts' /proc/interrupts; then
	case "$(get eventChannelDelivery)" in
		callback-vector | per-vcpu-upcall) xs_pass delivery-vector ;;
		*) xs_fail delivery-vector "the HYP vector is in /proc/interrupts, the tool says $(get eventChannelDelivery)" ;;
	esac
fi

# Each block device and NIC: pv when its sysfs link goes through a vbd-N / vif-N, emulated
# when through a PCI function (with its vendor:device and driver), as the tool says.
n=0 pv=0 emulated=0
for d in /sys/block/* /sys/class/net/*; do
	[ -e "$d" ] || continue # an empty /sys/block (the dom0s, PV and PVH domUs have no disk)
	link=$(readlink "$d")
	case "$link" in */virtual/*) continue ;; esac
	name=${d##*/}
	i=$(sed -n "s|^devices\.\([0-9]*\)\.name=$name\$|\1|p" ext.flat | head -n 1)
	[ -n "$i" ] || { xs_fail "device/$name" "not in the inventory: $link"; continue; }
	n=$((n + 1))
	frontend=$(echo "$link" | tr '/' '\n' | grep -E '^(vbd|vif)-[0-9]+$' | tail -n 1)
	device=$(basename "$(readlink "$d/device" 2> /dev/null)")
	if [ -n "$frontend" ]; then
		pv=$((pv + 1))
		xs_expect "device/$name/device-link" "$frontend" "$device"
		xs_expect "device/$name/path" pv "$(get "devices.$i.path")"
		xs_expect "device/$name/frontend" "$frontend" "$(get "devices.$i.frontend")"
		xs_expect "device/$name/state" "$(cat "/sys/bus/xen/devices/$frontend/state" 2> /dev/null || echo null)" \
			"$(get "devices.$i.xenbusState")"
		xs_expect "device/$name/driver" "$(basename "$(readlink "/sys/bus/xen/devices/$frontend/driver")")" "$(get "devices.$i.driver")"
	else
		pci=$(echo "$link" | tr '/' '\n' | grep -E '^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$' | tail -n 1)
		[ -n "$pci" ] || { xs_fail "device/$name" "neither xen bus nor PCI: $link"; continue; }
		emulated=$((emulated + 1))
		# A disk's device link names its SCSI device (below the PCI function), a NIC's the function.
		[ "$d" = "/sys/class/net/$name" ] && xs_expect "device/$name/device-link" "$pci" "$device"
		xs_expect "device/$name/path" emulated "$(get "devices.$i.path")"
		xs_expect "device/$name/pci" "$pci" "$(get "devices.$i.pci.address")"
		ids="$(cut -c3- "/sys/bus/pci/devices/$pci/vendor"):$(cut -c3- "/sys/bus/pci/devices/$pci/device")"
		xs_expect "device/$name/ids" "$ids" "$(get "devices.$i.pci.vendor"):$(get "devices.$i.pci.device")"
		xs_expect "device/$name/driver" "$(basename "$(readlink "/sys/bus/pci/devices/$pci/driver")")" "$(get "devices.$i.driver")"
	fi
done
xs_expect device-count "$n" "$(grep -c '^devices\.[0-9]*\.name=' ext.flat)"
if [ "$n" -eq 0 ]; then want="I/O: no block or network devices"
elif [ "$emulated" -eq 0 ]; then
	[ "$(cat /sys/hypervisor/guest_type)" = HVM ] && want="I/O: PV-on-HVM" || want="PV"
elif [ "$pv" -eq 0 ]; then want="I/O: emulated (ioemu)"
else want="I/O: mixed"
fi
xs_expect verdict "$want" "$(get io)"
grep -qxF "$want" ext.txt && xs_pass verdict-line || xs_fail verdict-line "'$want' not a line of the text form"

# Each PV device's backend, from xenstore (its <nodename>/backend, backend-id and the backend's
# state): a backend in dom0, Connected, and the two ends' verdict "connected".
for i in $(sed -n 's|^devices\.\([0-9]*\)\.path=pv$|\1|p' ext.flat); do
	d=$(get "devices.$i.name")
	xs_expect "backend/$d.verdict" connected "$(get "devices.$i.backend.verdict")"
	xs_expect "backend/$d.domain" 0 "$(get "devices.$i.backend.domain")"
	xs_expect "backend/$d.state" Connected "$(get "devices.$i.backend.state")"
	case "$(get "devices.$i.backend.path")" in
		/local/domain/0/backend/*) xs_pass "backend/$d.path" ;;
		*) xs_fail "backend/$d.path" "'$(get "devices.$i.backend.path")': $(get "devices.$i.backend.unknownBecause")" ;;
	esac
done

case "$XS_ENV" in
	hvm-pvio-domu)
		xs_expect pvio/verdict "I/O: PV-on-HVM" "$(get io)"
		# The xl config's backendtype=qdisk: the disk's backend is the device model's qdisk.
		i=$(sed -n 's|^devices\.\([0-9]*\)\.name=xvda$|\1|p' ext.flat)
		case "$(get "devices.$i.backend.path")" in
			/local/domain/0/backend/qdisk/*/51712) xs_pass pvio/xvda-backend-qdisk ;;
			*) xs_fail pvio/xvda-backend-qdisk "'$(get "devices.$i.backend.path")'" ;;
		esac
		i=$(sed -n 's|^devices\.\([0-9]*\)\.name=xvda$|\1|p' ext.flat)
		xs_expect pvio/xvda-frontend vbd-51712 "$(get "devices.$i.frontend")"
		xs_expect pvio/xvda-state Connected "$(get "devices.$i.xenbusState")"
		xs_expect pvio/xvda-driver vbd "$(get "devices.$i.driver")"
		xs_expect pvio/inUse-pv-block true "$(in_use pv-block)"
		xs_expect pvio/platform-pci true "$(in_use platform-pci)"
		# The NIC: netfront's eth0 on vif-0; the device model's e1000 is gone from the PCI bus.
		xs_expect pvio/eth0-device-link vif-0 "$(basename "$(readlink /sys/class/net/eth0/device 2> /dev/null)")"
		i=$(sed -n 's|^devices\.\([0-9]*\)\.name=eth0$|\1|p' ext.flat)
		xs_expect pvio/eth0-path pv "$(get "devices.$i.path")"
		xs_expect pvio/eth0-frontend vif-0 "$(get "devices.$i.frontend")"
		xs_expect pvio/eth0-state Connected "$(get "devices.$i.xenbusState")"
		xs_expect pvio/eth0-driver vif "$(get "devices.$i.driver")"
		xs_expect pvio/inUse-pv-net true "$(in_use pv-net)"
		nics=$(for p in /sys/bus/pci/devices/*; do case "$(cat "$p/class")" in 0x02*) echo "${p##*/}" ;; esac; done)
		xs_expect pvio/no-emulated-nic "" "$nics"
		xs_expect pvio/unplug-remaining-no-nic "" "$(grep '^unplug\.remaining\.[0-9]*\.device=100e$' ext.flat)"
		;;
	hvm-emulated-domu)
		xs_expect emulated/verdict "I/O: emulated (ioemu)" "$(get io)"
		xs_expect emulated/unplug never "$(get unplug.cmdline)"
		xs_expect emulated/inUse-pv-block false "$(in_use pv-block)"
		i=$(sed -n 's|^devices\.\([0-9]*\)\.name=sd[a-z]$|\1|p' ext.flat | head -n 1)
		xs_expect emulated/disk-driver ata_piix "$(get "devices.$i.driver")"
		xs_expect emulated/disk-ids 8086:7010 "$(get "devices.$i.pci.vendor"):$(get "devices.$i.pci.device")"
		# vbd-768, the disk's PV twin, is on the xen bus without a driver: a line says so.
		j=$(sed -n 's|^unattached\.\([0-9]*\)\.frontend=vbd-768$|\1|p' ext.flat | head -n 1)
		[ -n "$j" ] && xs_pass emulated/vbd-768-unattached || xs_fail emulated/vbd-768-unattached "$(grep unattached ext.flat | head -c 300)"
		# Its backend is there (dom0) but the two ends do not talk: no frontend driver.
		k=$(sed -n 's|^xenbus\.\([0-9]*\)\.name=vbd-768$|\1|p' ext.flat | head -n 1)
		xs_expect emulated/vbd-768-backend-verdict not-connected "$(get "xenbus.$k.backend.verdict")"
		xs_expect emulated/vbd-768-backend-domain 0 "$(get "xenbus.$k.backend.domain")"
		# The NIC: the device model's e1000 with its PCI driver; vif-0, its PV twin, unattached.
		pci=$(basename "$(readlink /sys/class/net/eth0/device 2> /dev/null)")
		xs_expect emulated/eth0-device-ids 0x8086:0x100e "$(cat "/sys/bus/pci/devices/$pci/vendor" 2> /dev/null):$(cat "/sys/bus/pci/devices/$pci/device" 2> /dev/null)"
		i=$(sed -n 's|^devices\.\([0-9]*\)\.name=eth0$|\1|p' ext.flat)
		xs_expect emulated/eth0-path emulated "$(get "devices.$i.path")"
		xs_expect emulated/eth0-pci "$pci" "$(get "devices.$i.pci.address")"
		xs_expect emulated/eth0-ids 8086:100e "$(get "devices.$i.pci.vendor"):$(get "devices.$i.pci.device")"
		xs_expect emulated/eth0-driver e1000 "$(get "devices.$i.driver")"
		xs_expect emulated/inUse-pv-net false "$(in_use pv-net)"
		j=$(sed -n 's|^unattached\.\([0-9]*\)\.frontend=vif-0$|\1|p' ext.flat | head -n 1)
		[ -n "$j" ] && xs_pass emulated/vif-0-unattached || xs_fail emulated/vif-0-unattached "$(grep unattached ext.flat | head -c 300)"
		;;
esac
