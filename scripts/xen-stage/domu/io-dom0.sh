# dom0 side of the I/O domU environments (busybox sh), sourced by domu/dom0.sh: the xl config
# lines of hvm-pvio-domu and hvm-emulated-domu (docs/domu.md, "PV and emulated I/O").
# domu_io_config ENV DOMU_ARGS: prints the lines; makes the domU's disk, an 8 MiB image in dom0's
# tmpfs. The disk's PV backend is the guest's own device model (backendtype=qdisk): the default
# blkback backend needs a hotplug script this dom0 does not have (xl: "unable to add device with
# path /local/domain/0/backend/vbd/..."). The ramdisk is the stage's with the block and network
# drivers added (domu/io.sh): dom0.sh names it for these two.
domu_io_config() {
	env=$1 args=$2
	dd if=/dev/zero of=/tmp/xs-domu-disk.img bs=1M count=8 2> /dev/null ||
		domu_give_up "cannot make the domU's disk image"
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
