#!/usr/bin/env bash
# Fetches Xen 4.20 (Debian 13 "trixie", package xen-hypervisor-4.20-amd64) for the real-Xen stage
# into the project's cache, default .xen-stage/xen-4.20/ (XS_XEN_420_CACHE): there it leaves
# xen-4.20-amd64.gz (what run.sh boots beside Debian 12's /boot/xen-4.17-amd64.gz) and VERSION
# (the package's version). It does nothing when the image is already there.
#
# Debian 12 cannot install a trixie package beside its own xen-hypervisor-4.17, so the package is
# only downloaded and unpacked (dpkg-deb -x), with a PRIVATE apt configuration: its own sources
# list, lists and cache under the cache directory, passed with -o; the machine's apt sources,
# lists, cache and dpkg state stay untouched. The mirror is the machine's own: the URI apt itself
# reads for this release's main suite (apt-get indextargets), never a name written here.
# Exit status 0 when the image is in the cache afterwards, 1 otherwise.
set -uo pipefail

release=4.20
suite=trixie
package=xen-hypervisor-$release-amd64
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${XS_XEN_420_CACHE:-$root/.xen-stage/xen-$release}
image=$cache/xen-$release-amd64.gz
say() { echo "fetch-xen-$release: $*"; }
fail() { echo "fetch-xen-$release: $*" >&2; exit 1; }

if [ -s "$image" ] && gzip -t "$image" 2> /dev/null; then
	say "present: $image ($(cat "$cache/VERSION" 2> /dev/null || echo 'version unknown'))"
	exit 0
fi

# The machine's Debian mirror: the repository of its own release's main suite (not -security,
# -updates), as apt parses the machine's sources (one-line and deb822 alike).
codename=$(. /etc/os-release 2> /dev/null && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || fail "no VERSION_CODENAME in /etc/os-release: not a Debian release?"
mirror=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' 2> /dev/null |
	awk -v suite="$codename" '$1 == suite { print $2; exit }')
[ -n "$mirror" ] || fail "the machine's apt sources have no '$codename' suite to take the Debian mirror from"
[ -r "$keyring" ] || fail "missing $keyring (package debian-archive-keyring)"

apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$cache/download" || fail "cannot create $cache"
echo "deb [signed-by=$keyring] $mirror $suite main" > "$apt_dir/sources.list"
private=(
	-o "Dir::Etc::sourcelist=$apt_dir/sources.list"
	-o "Dir::Etc::sourceparts=-"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache=$apt_dir/cache"
	-o "Acquire::Languages=none"
)
say "fetching $package from $mirror $suite (private apt configuration in $apt_dir)"
apt-get "${private[@]}" -q update > "$apt_dir/update.log" 2>&1 ||
	{ tail -n 20 "$apt_dir/update.log" >&2; fail "apt-get update of $suite failed"; }
rm -f "$cache/download"/*.deb
(cd "$cache/download" && apt-get "${private[@]}" -q download "$package") > "$apt_dir/download.log" 2>&1 ||
	{ tail -n 20 "$apt_dir/download.log" >&2; fail "apt-get download $package failed"; }
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
