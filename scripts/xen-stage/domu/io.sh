# The two I/O domU environments of the Xen stage (docs/domu.md, "PV and emulated I/O"), sourced by
# domu/stage.sh (bash): an HVM domU with a disk and a NIC, once with PV drivers (hvm-pvio-domu:
# the kernel unplugs the emulated disk and NIC and binds xen-blkfront and xen-netfront) and once
# with xen_emul_unplug=never (hvm-emulated-domu: it keeps the emulated IDE disk, which ata_piix
# drives, and the emulated e1000 NIC). Both boot the
# stage's initramfs followed by one more archive with the block and network drivers (the stage's
# initramfs has none) and a modules.order that loads them after the stage's own, dependencies
# first. dom0's side is domu/io-dom0.sh. Only checks/45-extensions.sh runs in them unless --check
# names others: every other check already runs in hvm-domu, which they differ from only by I/O.
#
# Uses run.sh's variables: moddir, staging (the stage's initramfs tree); and its die().

domu_io_envs="hvm-pvio-domu hvm-emulated-domu"
# The drivers the two environments exercise: the PV frontends, the PIIX IDE controller's driver
# with the SCSI disk driver, and the emulated NICs' drivers (e1000, rtl8139) for a NIC of either kind.
domu_io_modules=(xen-blkfront xen-netfront ata_piix sd_mod e1000 8139cp)
# dom0's side of the NIC: xen-netback (the vif's PV backend) and tun (libxl gives the device
# model a tap netdev for the emulated NIC); neither has dependencies. The vif's hotplug script
# (domu/vif-hotplug) writes hotplug-status with Debian 12's xenstore-write (xenstore-utils),
# which speaks xenstored's socket protocol and so serves both releases' xenstored.
domu_io_dom0_modules=(xen-netback tun)
domu_io_xenstore_write=/usr/bin/xenstore-write

# domu_io_is_env ENV: true for the two I/O environments.
domu_io_is_env() {
	case " $domu_io_envs " in *" $1 "*) return 0 ;; esac
	return 1
}

# domu_io_build ROOT: ROOT/xs/domu/initrd-io.gz = the stage's initrd.gz followed by an archive
# with the modules above (and their dependencies, in dependency order) and /xs/modules.order
# listing the stage's modules and then these (a later archive's file replaces an earlier one's);
# and dom0's side: io-dom0.sh, the vif hotplug script, xenstore-write and dom0's modules above
# in ROOT/xs/domu/io-modules (io-dom0.sh loads them).
domu_io_build() {
	local root=$1 tree=$work/initramfs-domu-io m rel
	declare -A done_io=()
	rm -rf "$tree"
	mkdir -p "$tree/xs/modules"
	cp "$staging/xs/modules.order" "$tree/xs/modules.order"
	domu_io_add() {
		local rel=$1 dep name
		[ -n "${done_io[$rel]:-}" ] && return
		done_io[$rel]=1
		for dep in $(grep "^$rel:" "$moddir/modules.dep" | cut -d: -f2); do domu_io_add "$dep"; done
		name=$(basename "$rel")
		name=${name%%.ko*}
		grep -qx "$name" "$tree/xs/modules.order" && return
		domu_module_unpack "$rel" "$tree/xs/modules/$name.ko"
		echo "$name" >> "$tree/xs/modules.order"
	}
	for m in "${domu_io_modules[@]}"; do
		rel=$(grep -o "^[^:]*/$m\.ko[^:]*" "$moddir/modules.dep" | head -n 1)
		[ -n "$rel" ] || die "domU I/O: module $m not found in $moddir"
		domu_io_add "$rel"
	done
	(cd "$tree" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet | gzip -1 > "$work/initrd-domu-io-addon.gz") ||
		die "domU I/O: cannot build the driver archive"
	cat "$root/xs/domu/initrd.gz" "$work/initrd-domu-io-addon.gz" > "$root/xs/domu/initrd-io.gz"
	cp "$here/domu/io-dom0.sh" "$root/xs/domu/io-dom0.sh"
	install -m 755 "$here/domu/vif-hotplug" "$root/xs/domu/vif-hotplug"
	[ -x "$domu_io_xenstore_write" ] || die "domU I/O: missing $domu_io_xenstore_write (Debian's xenstore-utils)"
	domu_copy "$root" "$domu_io_xenstore_write"
	mkdir -p "$root/xs/domu/io-modules"
	for m in "${domu_io_dom0_modules[@]}"; do
		domu_leaf_module "$m" "$root/xs/domu/io-modules/$m.ko"
	done
	echo "xen stage: domU I/O drivers: $(sed -n "$(($(wc -l < "$staging/xs/modules.order") + 1)),\$p" "$tree/xs/modules.order" | tr '\n' ' ')"
}
