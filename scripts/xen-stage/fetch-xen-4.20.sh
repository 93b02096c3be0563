#!/usr/bin/env bash
# Fetches Xen 4.20 (Debian 13 "trixie", package xen-hypervisor-4.20-amd64) for the real-Xen stage
# into the project's cache, default .xen-stage/xen-4.20/ (XS_XEN_420_CACHE): there it leaves
# xen-4.20-amd64.gz (what run.sh boots beside Debian 12's /boot/xen-4.17-amd64.gz) and VERSION
# (the package's version). It does nothing when the image is already there.
# With --toolstack it also fetches what a 4.20 dom0 needs to create domUs (docs/domu.md): trixie's
# xen-utils-4.20 (xl, xenstored, xenconsoled, xen-init-dom0, hvmloader) with the libraries it
# needs, trixie's glibc and dynamic loader among them, unpacked together into toolstack/root/;
# toolstack/VERSION lists the packages. It does nothing when that list is already there.
# With --headers it fetches trixie's libxen-dev, Xen 4.20's public headers, unpacked into
# headers/root/ (headers/root/usr/include/xen is what scripts/abi/gen-constants.py and the header
# tests read beside Debian 12's /usr/include/xen, 4.17's); headers/VERSION names the package.
# --headers alone fetches only the headers (no hypervisor image), as the unit tests need.
#
# Debian 12 cannot install a trixie package beside its own xen-hypervisor-4.17, so the package is
# only downloaded and unpacked (dpkg-deb -x), with a private apt configuration (private-apt.sh:
# its own sources list, lists and cache under the cache directory, the machine's own mirror; the
# machine's apt state stays untouched).
# Exit status 0 when what was asked for (the image, the toolstack, the headers) is in the cache afterwards,
# 1 otherwise.
set -uo pipefail

release=4.20
suite=trixie
package=xen-hypervisor-$release-amd64
# The toolstack of a 4.20 dom0 and every library its four programs load (checked when the stage
# builds the dom0 archive: domu/stage.sh refuses a library found outside toolstack/root/).
# Bookworm's glibc 2.36 is older than the 2.38 xen-utils-4.20 needs; the rest is trixie's too, so
# that nothing of Debian 12's userland is mixed in.
toolstack_packages=(
	xen-utils-4.20 libxenmisc4.20 libxencall1 libxendevicemodel1 libxenevtchn1
	libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxenstore4 libxentoolcore1 libxentoollog1
	libyajl2 libuuid1 zlib1g liblzma5 libzstd1
	libc6      # glibc 2.41 and its loader, ld-linux-x86-64.so.2
	libgcc-s1  # libgcc_s.so.1, which pthread_cancel loads at run time
)
headers_package=libxen-dev
want_toolstack=0 want_headers=0 want_image=1
for arg in "$@"; do
	case "$arg" in
		--toolstack) want_toolstack=1 ;;
		--headers) want_headers=1 ;;
		*) echo "usage: fetch-xen-4.20.sh [--toolstack] [--headers]" >&2; exit 64 ;;
	esac
done
# --headers alone: the headers only.
[ "$want_headers" = 1 ] && [ "$want_toolstack" = 0 ] && want_image=0
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${XS_XEN_420_CACHE:-$root/.xen-stage/xen-$release}
image=$cache/xen-$release-amd64.gz
toolstack=$cache/toolstack
headers=$cache/headers
say() { echo "fetch-xen-$release: $*"; }
fail() { echo "fetch-xen-$release: $*" >&2; exit 1; }

image_present() { [ -s "$image" ] && gzip -t "$image" 2> /dev/null; }
toolstack_present() {
	[ "$(sed -n 's/^packages: //p' "$toolstack/VERSION" 2> /dev/null)" = "${toolstack_packages[*]}" ] &&
		[ -d "$toolstack/root/usr/lib/xen-$release/bin" ]
}
headers_present() {
	[ -s "$headers/VERSION" ] && [ -s "$headers/root/usr/include/xen/version.h" ]
}
# Everything asked for already in the cache: nothing to fetch.
need=0
if [ "$want_image" = 1 ]; then
	if image_present; then
		say "present: $image ($(cat "$cache/VERSION" 2> /dev/null || echo 'version unknown'))"
	else need=1; fi
fi
if [ "$want_toolstack" = 1 ]; then
	if toolstack_present; then
		say "present: $toolstack ($(sed -n 's/^xen-utils/xen-utils/p' "$toolstack/VERSION"))"
	else need=1; fi
fi
if [ "$want_headers" = 1 ]; then
	if headers_present; then
		say "present: $headers ($(cat "$headers/VERSION"))"
	else need=1; fi
fi
[ "$need" = 1 ] || exit 0

apt_dir=$cache/apt
mkdir -p "$cache/download" || fail "cannot create $cache"
. "$root/scripts/xen-stage/private-apt.sh"
private_apt deb "$suite" "$apt_dir"

# download DIR PACKAGE...: the packages' .deb files into DIR (emptied first).
download() {
	local dir=$1
	shift
	mkdir -p "$dir" && rm -f "$dir"/*.deb
	say "fetching $* from $suite"
	(cd "$dir" && apt-get "${private[@]}" -q download "$@") > "$apt_dir/download.log" 2>&1 ||
		{ tail -n 20 "$apt_dir/download.log" >&2; fail "apt-get download $* failed"; }
}

if [ "$want_image" = 1 ] && ! image_present; then
	download "$cache/download" "$package"
	deb=$(ls "$cache/download"/*.deb 2> /dev/null | head -n 1)
	[ -n "$deb" ] || fail "apt-get download left no .deb in $cache/download"
	version=$(dpkg-deb -f "$deb" Version) || fail "not a Debian package: $deb"
	rm -rf "$cache/unpacked"
	dpkg-deb -x "$deb" "$cache/unpacked" || fail "dpkg-deb -x $deb failed"
	[ -s "$cache/unpacked/boot/xen-$release-amd64.gz" ] || fail "$deb has no boot/xen-$release-amd64.gz"
	gzip -t "$cache/unpacked/boot/xen-$release-amd64.gz" || fail "boot/xen-$release-amd64.gz in $deb is not a gzip file"
	echo "$package $version" > "$cache/VERSION"
	cp "$cache/unpacked/boot/xen-$release-amd64.gz" "$image.tmp" && mv "$image.tmp" "$image" || fail "cannot write $image"
	rm -rf "$cache/unpacked"
	say "fetched $image ($package $version, $(du -k "$deb" | cut -f1) KiB package)"
fi

if [ "$want_toolstack" = 1 ] && ! toolstack_present; then
	download "$toolstack/download" "${toolstack_packages[@]}"
	rm -rf "$toolstack/root" "$toolstack/VERSION"
	{
		echo "packages: ${toolstack_packages[*]}"
		for deb in "$toolstack/download"/*.deb; do
			dpkg-deb -x "$deb" "$toolstack/root" || fail "dpkg-deb -x $deb failed"
			echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"
		done
	} > "$toolstack/VERSION.tmp" || fail "cannot unpack the toolstack into $toolstack/root"
	[ "$(ls "$toolstack/download"/*.deb | wc -l)" -eq ${#toolstack_packages[@]} ] ||
		fail "apt-get download left $(ls "$toolstack/download"/*.deb | wc -l) packages for ${#toolstack_packages[@]} names"
	[ -x "$toolstack/root/usr/lib/xen-$release/bin/xl" ] || fail "no usr/lib/xen-$release/bin/xl in xen-utils-$release"
	mv "$toolstack/VERSION.tmp" "$toolstack/VERSION"
	say "fetched the toolstack into $toolstack/root ($(du -sk "$toolstack/download" | cut -f1) KiB of packages)"
fi

if [ "$want_headers" = 1 ] && ! headers_present; then
	download "$headers/download" "$headers_package"
	deb=$(ls "$headers/download"/*.deb 2> /dev/null | head -n 1)
	[ -n "$deb" ] || fail "apt-get download left no .deb in $headers/download"
	rm -rf "$headers/root" "$headers/VERSION"
	dpkg-deb -x "$deb" "$headers/root" || fail "dpkg-deb -x $deb failed"
	[ -s "$headers/root/usr/include/xen/version.h" ] || fail "$deb has no usr/include/xen/version.h"
	grep -q "XENVER_extraversion2" "$headers/root/usr/include/xen/version.h" ||
		fail "$deb's xen/version.h has no XENVER_extraversion2: not Xen $release's headers"
	echo "$headers_package $(dpkg-deb -f "$deb" Version)" > "$headers/VERSION" || fail "cannot write $headers/VERSION"
	say "fetched $headers/root/usr/include/xen ($(cat "$headers/VERSION"))"
fi
