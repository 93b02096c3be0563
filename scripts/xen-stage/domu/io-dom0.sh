# dom0 side of the I/O domU environments (busybox sh), sourced by domu/dom0.sh: the xl config
# lines of hvm-pvio-domu and hvm-emulated-domu (docs/domu.md, "PV and emulated I/O").
# domu_io_config ENV DOMU_ARGS: prints the lines; makes the domU's disk, an 8 MiB image in dom0's
# tmpfs, and loads dom0's NIC backends. The disk's PV backend is the guest's own device model
# (backendtype=qdisk): the default blkback backend needs a hotplug script (xl: "unable to add
# device with path /local/domain/0/backend/vbd/..."). The NIC is one vif of the default HVM type
# (ioemu): the device model emulates an e1000 on a tap netdev (tun) and xen-netback offers the
# PV twin; its hotplug script is the stage's minimal one (domu/vif-hotplug). The same NIC in both:
# only the domU's xen_emul_unplug decides which one the kernel keeps. The ramdisk is the stage's
# with the block and network drivers added (domu/io.sh): dom0.sh names it for these two.
domu_io_config() {
	env=$1 args=$2
	dd if=/dev/zero of=/tmp/xs-domu-disk.img bs=1M count=8 2> /dev/null ||
		domu_give_up "cannot make the domU's disk image"
	for module in xen-netback tun; do
		insmod "/xs/domu/io-modules/$module.ko" 2> /tmp/insmod.err || say "insmod $module: $(cat /tmp/insmod.err)" >&2
	done
	[ -c /dev/net/tun ] || say "no /dev/net/tun after loading tun: the device model cannot open the emulated NIC's tap" >&2
	echo 'vif = [ "mac=00:16:3e:00:00:01,model=e1000,script=/xs/domu/vif-hotplug" ]'
	# No option ROM for the e1000 (QEMU's default, efi-e1000.rom, is iPXE's, not installed here:
	# "failed to find romfile"); the domU boots its kernel directly and needs no network boot.
	echo 'device_model_args_hvm = [ "-global", "e1000.romfile=" ]'
	echo 'type = "hvm"'
	echo 'vga = "none"'
	echo 'vnc = 0'
	echo 'serial = "none"'
	case "$env" in
		hvm-pvio-domu)
			echo "cmdline = \"$args\""
			echo 'disk = [ "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=/tmp/xs-domu-disk.img" ]'
			;;
		hvm-emulated-domu)
			# The kernel keeps Xen's emulated devices: the disk is the PIIX IDE controller's.
			echo "cmdline = \"$args xen_emul_unplug=never\""
			echo 'disk = [ "format=raw,vdev=hda,access=rw,backendtype=qdisk,target=/tmp/xs-domu-disk.img" ]'
			;;
	esac
}
