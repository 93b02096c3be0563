# The domU environments of the Xen stage, sourced by scripts/xen-stage/run.sh (bash).
# Each is one QEMU boot of Xen with a PV dom0 that runs Xen's toolstack (xenstored, xenconsoled,
# xl) and creates ONE domU with xl; the domU boots the stage's own initramfs and runs the checks
# with XS_ENV set to the environment's name. dom0 copies the domU's console onto its own, framed
# by "@@XS-DOMU-LOG-BEGIN <env>" / "@@XS-DOMU-LOG-END <env> ...", so the host reads the domU's
# verdicts and files exactly as it reads a dom0's. See docs/domu.md.
#
# Uses run.sh's variables: work, initrd, vmlinuz, moddir, xen_elf, xen_args, xen_extra,
# guest_args, qemu, boot_timeout; and its die().

# The I/O environments (a disk, PV or emulated): domu/io.sh.
. "$here/domu/io.sh"
domu_all_envs="pvh-domu pv-domu hvm-domu hvm-viridian-domu $domu_io_envs"
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
	domu_io_is_env "$1"
}

# What dom0 needs beyond the stage's initramfs. xl, libxl, xenstored and xenconsoled speak the
# domctl and sysctl interfaces of their own release (Xen refuses another interface_version), so
# each release's domUs are created by that release's toolstack:
#   4.17: Debian 12's xen-utils-4.17, installed, copied to its own paths with Debian 12's libraries;
#   4.20: Debian 13's xen-utils-4.20 with trixie's glibc and libraries, fetched by
#         fetch-xen-4.20.sh --toolstack, kept apart under /xs/xen-4.20/ and started through that
#         directory's own dynamic loader, so Debian 12's userland in the initramfs is unchanged.
# Both use Debian 12's device model (qemu-system-xen) and SeaBIOS; run.sh labels each domU with
# its release (pvh-domu@4.20). domu/dom0.sh picks the toolstack by the release that runs.
domu_releases="4.17 4.20"
domu_xen_bin=/usr/lib/xen-4.17/bin
domu_tools=(xl xenstored xenconsoled xen-init-dom0)
domu_420_tree=${XS_XEN_420_CACHE:-$root/.xen-stage/xen-4.20}/toolstack/root
domu_device_model=/usr/libexec/xen-qemu-system-i386
domu_files=(
	/usr/lib/xen-4.17/boot/hvmloader   # HVM firmware loader (libxl's default path)
	/usr/share/seabios/bios-256k.bin   # the BIOS hvmloader hands over to
	/usr/share/qemu/linuxboot_dma.bin  # option ROMs: the device model boots the HVM kernel directly
	/usr/share/qemu/linuxboot.bin
	/usr/share/qemu/keymaps/en-us      # libxl passes "-k en-us" even with vnc = 0
)
domu_modules=(xen-evtchn xen-gntdev xen-gntalloc)

# domu_has_release RELEASE: true when the stage can create domUs on RELEASE.
domu_has_release() {
	case " $domu_releases " in *" $1 "*) return 0 ;; esac
	return 1
}

# domu_install_deps RELEASE...: the Debian packages above, installed, and for 4.20 trixie's
# toolstack fetched (fetch-xen-4.20.sh --toolstack); only when a domU environment is selected.
domu_packages=(xen-utils-4.17 qemu-system-xen seabios qemu-system-data xenstore-utils)
domu_install_deps() {
	local p missing=()
	case " $* " in *" 4.20 "*) "$here/fetch-xen-4.20.sh" --toolstack || return 1 ;; esac
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

# domu_add_420_toolstack ROOT: trixie's xl, xenstored, xenconsoled and xen-init-dom0 into
# ROOT/xs/xen-4.20/bin, hvmloader into .../boot, and into .../lib every library they load as
# trixie's loader resolves them (refusing one that only Debian 12 has: then a package is missing
# from fetch-xen-4.20.sh's list), that loader itself, and libgcc_s.so.1 (pthread_cancel loads it).
# libxl looks for hvmloader under /usr/lib/xen-4.20/boot, a link to /xs/xen-4.20 here.
domu_add_420_toolstack() {
	local root=$1 tree=$domu_420_tree dest=$1/xs/xen-4.20 f lib listing
	local loader=$tree/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
	local libpath=$tree/usr/lib/x86_64-linux-gnu:$tree/lib/x86_64-linux-gnu
	[ -x "$loader" ] || die "domU: missing $loader (fetch-xen-4.20.sh --toolstack)"
	mkdir -p "$dest/bin" "$dest/boot" "$dest/lib"
	cp -L "$loader" "$dest/lib/" || die "domU: cannot copy $loader"
	for f in "${domu_tools[@]}"; do
		[ -x "$tree/usr/lib/xen-4.20/bin/$f" ] || die "domU: missing $tree/usr/lib/xen-4.20/bin/$f (trixie's xen-utils-4.20)"
		cp "$tree/usr/lib/xen-4.20/bin/$f" "$dest/bin/"
		listing=$("$loader" --inhibit-cache --library-path "$libpath" --list "$tree/usr/lib/xen-4.20/bin/$f" 2>&1) ||
			die "domU: trixie's loader cannot list the libraries of $f: $listing"
		! echo "$listing" | grep -q 'not found' || die "domU: $f of xen-utils-4.20: $(echo "$listing" | grep 'not found')"
		for lib in $(echo "$listing" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
			case "$lib" in
				"$tree"/*) cp -L "$lib" "$dest/lib/" ;;
				*) die "domU: $f of xen-utils-4.20 would load $lib, which is Debian 12's (fetch-xen-4.20.sh: toolstack_packages)" ;;
			esac
		done
	done
	cp -L "$tree/usr/lib/x86_64-linux-gnu/libgcc_s.so.1" "$dest/lib/" || die "domU: no libgcc_s.so.1 in trixie's libgcc-s1"
	cp "$tree/usr/lib/xen-4.20/boot/hvmloader" "$dest/boot/" || die "domU: no hvmloader in trixie's xen-utils-4.20"
	ln -s /xs/xen-4.20 "$root/usr/lib/xen-4.20"
}

# domu_module_unpack REL DEST: the module REL (a path in $moddir/modules.dep), uncompressed, as DEST.
domu_module_unpack() {
	case "$1" in
		*.ko) cp "$moddir/$1" "$2" ;;
		*.ko.xz) xz -dc "$moddir/$1" > "$2" ;;
		*.ko.zst) zstd -qdc "$moddir/$1" > "$2" ;;
		*.ko.gz) gzip -dc "$moddir/$1" > "$2" ;;
	esac
}

# domu_leaf_module M DEST: dom0's module M from $moddir, which must have no dependencies (these
# copies do not resolve them), uncompressed as DEST.
domu_leaf_module() {
	local rel
	rel=$(grep -o "^[^:]*/$1\.ko[^:]*" "$moddir/modules.dep" | head -n 1)
	[ -n "$rel" ] || die "domU: module $1 not found in $moddir"
	[ -z "$(grep "^$rel:" "$moddir/modules.dep" | cut -d: -f2 | tr -d ' ')" ] ||
		die "domU: module $1 has dependencies, which this copy does not resolve"
	domu_module_unpack "$rel" "$2"
}

# domu_build RELEASE...: writes $work/initrd-domu-dom0.gz = the stage's initrd.gz followed by a
# second archive with the toolstack of each RELEASE, the device model, the kernel and the stage's
# initrd.gz itself as the domU's ramdisk (Linux unpacks concatenated archives in order). The
# domU boots exactly the initramfs the other environments boot.
domu_build() {
	local root=$work/initramfs-domu m rel name
	rm -rf "$root"
	mkdir -p "$root"/{xs/domu/modules,etc/xen,var/lib/xen,var/log/xen,var/lib/xenstored,run,usr/lib}
	ln -s ../run "$root/var/run"
	: > "$root/etc/xen/xl.conf" # defaults; xl complains when the file is missing
	case " $* " in *" 4.17 "*)
		for f in "${domu_tools[@]}"; do
			[ -x "$domu_xen_bin/$f" ] || die "domU: missing $domu_xen_bin/$f (Debian's xen-utils-4.17)"
			domu_copy "$root" "$domu_xen_bin/$f"
		done ;;
	esac
	case " $* " in *" 4.20 "*) domu_add_420_toolstack "$root" ;; esac
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
		domu_leaf_module "$m" "$root/xs/domu/modules/$m.ko"
		echo "$m" >> "$root/xs/domu/modules.order"
	done
	cp "$vmlinuz" "$root/xs/domu/vmlinuz"
	cp "$initrd" "$root/xs/domu/initrd.gz"
	cp "$here/domu/dom0.sh" "$root/xs/domu/dom0.sh"
	domu_io_build "$root"
	(cd "$root" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet | gzip -1 > "$work/initrd-domu-addon.gz") ||
		die "domU: cannot build the toolstack archive"
	cat "$initrd" "$work/initrd-domu-addon.gz" > "$work/initrd-domu-dom0.gz"
	echo "xen stage: domU dom0 initramfs $(du -k "$work/initrd-domu-dom0.gz" | cut -f1) KiB (the domU boots initrd.gz)"
}

# domu_boot_command ENV RELEASE LOG: sets boot[] to the QEMU command line of a domU environment:
# Xen RELEASE ($xen_elf) with a PV dom0 of 1 GiB (the domU gets 256 MiB; HVM's device model runs
# in dom0). dom0 checks that RELEASE runs (xs.xen=) and passes it on to the domU.
# dom0 gives up on the domU 180 s (of its own uptime) before the host gives up on the boot, to
# print its tails.
domu_boot_command() {
	local env=$1 release=$2 log=$3
	local dom0_args="console=hvc0 $guest_args xs.domu=$env xs.xen=$release xs.domu_timeout=$((domu_boot_timeout - 180))"
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
