#!/usr/bin/env bash
# Installs the Debian packages the Xen stage needs; does nothing when they are all present.
# Then fetches Xen 4.20 (Debian 13) into the project's cache with fetch-xen-4.20.sh: trixie's
# package cannot be installed beside Debian 12's, so it is only downloaded and unpacked.
# Exit status 0 when every package is installed and Xen 4.20 is in the cache afterwards, 1
# otherwise (the caller decides whether that fails the stage: see XEN_STAGE_OPTIONAL in
# docs/xen-stage.md).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

packages=(
	qemu-system-x86            # qemu-system-x86_64, TCG
	xen-hypervisor-4.17-amd64  # /boot/xen-4.17-amd64.gz
	linux-image-amd64          # /boot/vmlinuz-* and /lib/modules/* (xenfs, xen-privcmd, msr, cpuid)
	busybox-static             # the guest's userland
	xen-utils-common           # /usr/bin/xen-detect, the reference for the drop-in
	cpuid                      # /usr/bin/cpuid, the reference CPUID dumper
	libxen-dev                 # privcmd ioctl headers (used by the unit tests' layout checks)
	cpio                       # builds the initramfs
	gzip                       # compresses it, and unpacks Xen's ELF
	binutils                   # strip, to shrink the release binary in the initramfs
	systemd                    # /usr/bin/systemd-detect-virt, a peer that checks/80-peers.sh asserts
	flex bison                 # build-xen-pv32.sh builds Xen 4.17 with CONFIG_PV32=y from source
	dpkg-dev                   # dpkg-source -x, which unpacks that source package
)
missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2> /dev/null)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#packages[@]} packages present"
	exec "$here/fetch-xen-4.20.sh"
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: not root, cannot apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
	apt-get update && apt-get install -y --no-install-recommends "${missing[@]}" || {
		echo "install-deps: apt-get install failed for ${missing[*]}" >&2
		exit 1
	}
fi
exec "$here/fetch-xen-4.20.sh"
