#!/usr/bin/env bash
# Builds Xen 4.17 from Debian 12's own source package with CONFIG_PV32=y: the hypervisor the PV
# test guests boot on (docs/test-guest.md, "The PV test guests"). Debian's binary builds have
# `# CONFIG_PV32 is not set` (/boot/xen-4.17-amd64.config) and refuse any 32-bit PV kernel
# ("Found 32-bit PV kernel, but CONFIG_PV32 missing", xen/arch/x86/pv/dom0_build.c).
#
# The source is fetched with a private apt configuration (private-apt.sh): one deb-src line for
# bookworm main on the machine's own Debian mirror; the machine's apt state stays untouched. In xen/: make defconfig, CONFIG_PV32=y, make olddefconfig,
# make (flex and bison: install-deps.sh installs them).
#
# Result: $XS_XEN_PV32_CACHE/xen-4.17-pv32.gz (default .xen-stage/xen-4.17-pv32/) and VERSION (the
# source package's version and the time the build took). Nothing is done when the image is there.
# Never committed. Exit 0 when the image is in the cache afterwards, 1 otherwise (one-line error).
set -uo pipefail

suite=bookworm
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${XS_XEN_PV32_CACHE:-$root/.xen-stage/xen-4.17-pv32}
image=$cache/xen-4.17-pv32.gz
jobs=${XS_JOBS:-2}
say() { echo "build-xen-pv32: $*"; }
fail() { echo "build-xen-pv32: $*" >&2; exit 1; }

if [ -s "$image" ] && gzip -t "$image" 2> /dev/null; then
	say "present: $image ($(cat "$cache/VERSION" 2> /dev/null || echo 'version unknown'))"
	exit 0
fi
start=$(date +%s)
for tool in flex bison make gcc dpkg-source apt-get; do
	command -v "$tool" > /dev/null || fail "missing $tool (scripts/xen-stage/install-deps.sh installs the stage's packages)"
done

apt_dir=$cache/apt
src=$cache/source
mkdir -p "$src" || fail "cannot create $src"
. "$root/scripts/xen-stage/private-apt.sh"
private_apt deb-src "$suite" "$apt_dir"

dsc=$(ls "$src"/xen_*.dsc 2> /dev/null | head -n 1)
if [ -z "$dsc" ]; then
	say "fetching the xen source package from $suite"
	(cd "$src" && apt-get "${private[@]}" -q source --download-only xen) > "$apt_dir/source.log" 2>&1 ||
		fail "apt-get source --download-only xen failed: $(tail -n 1 "$apt_dir/source.log")"
	dsc=$(ls "$src"/xen_*.dsc 2> /dev/null | head -n 1)
	[ -n "$dsc" ] || fail "apt-get source left no xen_*.dsc in $src"
fi
version=$(sed -n 's/^Version: //p' "$dsc" | head -n 1)
tree=$src/tree
rm -rf "$tree"
dpkg-source -x "$dsc" "$tree" > "$apt_dir/unpack.log" 2>&1 ||
	fail "dpkg-source -x $dsc failed: $(tail -n 1 "$apt_dir/unpack.log")"
[ -d "$tree/xen" ] || fail "$dsc unpacked without a xen/ directory"

log=$cache/build.log
say "building xen $version with CONFIG_PV32=y ($jobs jobs, log $log)"
(
	cd "$tree/xen" &&
		make defconfig &&
		sed -i -e '/^# CONFIG_PV32 is not set$/d' -e '/^CONFIG_PV32=/d' .config &&
		echo 'CONFIG_PV32=y' >> .config &&
		make olddefconfig &&
		grep -qx 'CONFIG_PV32=y' .config &&
		make -j"$jobs"
) > "$log" 2>&1 || fail "the build of xen $version failed: $(tail -n 1 "$log")"
[ -s "$tree/xen/xen.gz" ] && gzip -t "$tree/xen/xen.gz" || fail "the build left no valid xen/xen.gz"
grep -qx 'CONFIG_PV32=y' "$tree/xen/.config" || fail "the built .config lost CONFIG_PV32=y"
cp "$tree/xen/.config" "$cache/xen-4.17-pv32.config" &&
	cp "$tree/xen/xen.gz" "$image.tmp" && mv "$image.tmp" "$image" || fail "cannot write $image"
seconds=$(( $(date +%s) - start ))
echo "xen $version CONFIG_PV32=y, built in ${seconds} s" > "$cache/VERSION"
rm -rf "$tree"
say "built $image (xen $version, $(du -k "$image" | cut -f1) KiB) in ${seconds} s"
