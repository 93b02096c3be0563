# The domU environments of the Xen stage, sourced by scripts/xen-stage/run.sh (bash).
# Each is one QEMU boot of Xen with a PV dom0 that runs Xen's toolstack (xenstored, xenconsoled,
# xl) and creates ONE domU with xl; the domU boots the stage's own initramfs and runs the checks
# with XS_ENV set to the environment's name. dom0 copies the domU's console onto its own, framed
# by "@@XS-DOMU-LOG-BEGIN <env>" / "@@XS-DOMU-LOG-END <env> ...", so the host reads the domU's
# verdicts and files exactly as it reads a dom0's. See docs/domu.md.
#
# Uses run.sh's variables: work, initrd, vmlinuz, moddir, xen_elf, xen_args, xen_extra,
# guest_args, qemu, boot_timeout; and its die().

domu_all_envs="pvh-domu pv-domu hvm-domu hvm-viridian-domu"
# A domU boot runs Xen, dom0, the toolstack and the domU (for HVM also its device model) on one
# TCG thread: it gets its own, longer timeout (XS_DOMU_BOOT_TIMEOUT).
domu_boot_timeout=${XS_DOMU_BOOT_TIMEOUT:-1200}

# domu_timeout_for ENV: the boot timeout of ENV (the stage's XS_BOOT_TIMEOUT for the others).
domu_timeout_for() {
	if domu_is_env "$1"; then echo "$domu_boot_timeout"; else echo "$boot_timeout"; fi
}

# domu_is_env ENV: true for the four domU environments.
domu_is_env() {
	case "$1" in pvh-domu | pv-domu | hvm-domu | hvm-viridian-domu) return 0 ;; esac
	return 1
}

# What dom0 needs beyond the stage's initramfs (Debian's xen-utils-4.17, qemu-system-xen, seabios).
# Its xl and libxl speak Xen 4.17's domctl interface (unstable between releases), so the domUs
# boot on that release only (run.sh labels them pvh-domu@4.17).
domu_release=4.17
domu_xen_bin=/usr/lib/xen-4.17/bin
domu_device_model=/usr/libexec/xen-qemu-system-i386
domu_files=(
	/usr/lib/xen-4.17/boot/hvmloader   # HVM firmware loader (libxl's default path)
	/usr/share/seabios/bios-256k.bin   # the BIOS hvmloader hands over to
	/usr/share/qemu/linuxboot_dma.bin  # option ROMs: the device model boots the HVM kernel directly
	/usr/share/qemu/linuxboot.bin
	/usr/share/qemu/keymaps/en-us      # libxl passes "-k en-us" even with vnc = 0
)
domu_modules=(xen-evtchn xen-gntdev xen-gntalloc)

# domu_install_deps: the Debian packages above, installed only when a domU environment is selected.
domu_packages=(xen-utils-4.17 qemu-system-xen seabios qemu-system-data)
domu_install_deps() {
	local p missing=()
	for p in "${domu_packages[@]}"; do
		[ "$(dpkg-query -W -f='${Status}' "$p" 2> /dev/null)" = "install ok installed" ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "xen stage: installing ${missing[*]} for the domU environments"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" ||
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
}

# domu_copy ROOT FILE: FILE under ROOT, and for an executable the shared libraries ldd names.
domu_copy() {
	local root=$1 file=$2 lib
	mkdir -p "$root$(dirname "$file")"
	cp -L "$file" "$root$file" || die "domU: cannot copy $file"
	for lib in $(ldd "$file" 2> /dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# domu_build: writes $work/initrd-domu-dom0.gz = the stage's initrd.gz followed by a second
# archive with the toolstack, the device model, the kernel and the stage's initrd.gz itself as
# the domU's ramdisk (Linux unpacks concatenated archives in order). The domU boots exactly the
# initramfs the other environments boot.
domu_build() {
	local root=$work/initramfs-domu m rel name
	rm -rf "$root"
	mkdir -p "$root"/{xs/domu/modules,etc/xen,var/lib/xen,var/log/xen,var/lib/xenstored,run}
	ln -s ../run "$root/var/run"
	: > "$root/etc/xen/xl.conf" # defaults; xl complains when the file is missing
	for f in xl xenstored xenconsoled xen-init-dom0; do
		[ -x "$domu_xen_bin/$f" ] || die "domU: missing $domu_xen_bin/$f (Debian's xen-utils-4.17)"
		domu_copy "$root" "$domu_xen_bin/$f"
	done
	[ -x "$domu_device_model" ] || die "domU: missing $domu_device_model (Debian's qemu-system-xen)"
	domu_copy "$root" "$domu_device_model"
	for f in "${domu_files[@]}"; do
		[ -e "$f" ] || die "domU: missing $f"
		domu_copy "$root" "$f"
	done
	# pthread_cancel (xenstored, xl) loads libgcc_s at run time; ldd does not name it.
	libgcc=$(ldconfig -p | awk '/libgcc_s\.so\.1 .*x86-64/ { print $NF; exit }')
	[ -n "$libgcc" ] || die "domU: libgcc_s.so.1 not found"
	mkdir -p "$root$(dirname "$libgcc")"
	cp -L "$libgcc" "$root$libgcc"
	: > "$root/xs/domu/modules.order"
	for m in "${domu_modules[@]}"; do
		rel=$(grep -o "^[^:]*/$m\.ko[^:]*" "$moddir/modules.dep" | head -n 1)
		[ -n "$rel" ] || die "domU: module $m not found in $moddir"
		[ -z "$(grep "^$rel:" "$moddir/modules.dep" | cut -d: -f2 | tr -d ' ')" ] ||
			die "domU: module $m has dependencies; domu_build does not resolve them"
		name=$m
		case "$rel" in
			*.ko) cp "$moddir/$rel" "$root/xs/domu/modules/$name.ko" ;;
			*.ko.xz) xz -dc "$moddir/$rel" > "$root/xs/domu/modules/$name.ko" ;;
			*.ko.zst) zstd -qdc "$moddir/$rel" > "$root/xs/domu/modules/$name.ko" ;;
			*.ko.gz) gzip -dc "$moddir/$rel" > "$root/xs/domu/modules/$name.ko" ;;
		esac
		echo "$name" >> "$root/xs/domu/modules.order"
	done
	cp "$vmlinuz" "$root/xs/domu/vmlinuz"
	cp "$initrd" "$root/xs/domu/initrd.gz"
	cp "$here/domu/dom0.sh" "$root/xs/domu/dom0.sh"
	(cd "$root" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet | gzip -1 > "$work/initrd-domu-addon.gz") ||
		die "domU: cannot build the toolstack archive"
	cat "$initrd" "$work/initrd-domu-addon.gz" > "$work/initrd-domu-dom0.gz"
	echo "xen stage: domU dom0 initramfs $(du -k "$work/initrd-domu-dom0.gz" | cut -f1) KiB (the domU boots initrd.gz)"
}

# domu_boot_command ENV LOG: sets boot[] to the QEMU command line of a domU environment: Xen
# with a PV dom0 of 1 GiB (the domU gets 256 MiB; HVM's device model runs in dom0).
# dom0 gives up on the domU 180 s (of its own uptime) before the host gives up on the boot, to
# print its tails.
domu_boot_command() {
	local env=$1 log=$2
	local dom0_args="console=hvc0 $guest_args xs.domu=$env xs.domu_timeout=$((domu_boot_timeout - 180))"
	boot=("${qemu[@]}" -m 3072 -serial "file:$log" -kernel "$xen_elf"
		-append "$xen_args dom0_mem=1024M,max:1024M $xen_extra"
		-initrd "$vmlinuz $dom0_args,$work/initrd-domu-dom0.gz")
}

# domu_failure_tails ENV CLEAN: for a domU environment that did not finish, the last lines of
# dom0's own console (without the domU's) and of the domU's console, to stderr.
domu_failure_tails() {
	local env=$1 clean=$2
	echo "xen stage: $env: last 40 lines of dom0's console (without the domU's):"
	awk -v env="$env" '
		$0 ~ "^@@XS-DOMU-LOG-BEGIN " env { on = 1; next }
		$0 ~ "^@@XS-DOMU-LOG-END " env { on = 0; next }
		!on { print }' "$clean" | tail -n 40 | sed "s|^|  [$env dom0] |"
	echo "xen stage: $env: last 40 lines of the domU's console:"
	awk -v env="$env" '
		$0 ~ "^@@XS-DOMU-LOG-BEGIN " env { on = 1; next }
		$0 ~ "^@@XS-DOMU-LOG-END " env { on = 0; next }
		on { print }' "$clean" | tail -n 40 | sed "s|^|  [$env domU] |"
}
