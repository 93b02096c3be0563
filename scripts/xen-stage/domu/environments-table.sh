#!/usr/bin/env bash
# Prints the table of tested environments (docs/tested-environments.md) from the peers.txt files
# the stage's 80-peers.sh check sent to the host (default .xen-stage/out/<label>/peers.txt, the
# label being ENV@RELEASE or linux), in the stage's environment order. Run the stage first:
# bash scripts/xen-stage/run.sh --env all
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$(cd "$here/../../.." && pwd)/.xen-stage/out}
describe() {
	local release=${1#*@}
	case "${1%@*}" in
		pv-dom0) echo "Xen $release, Linux 6.1 PV dom0" ;;
		pvh-dom0) echo "Xen $release, Linux 6.1 PVH dom0 (q35, AMD IOMMU)" ;;
		linux) echo "Linux 6.1 alone under QEMU TCG" ;;
		pvh-domu) echo "PVH domU (Xen $release's xl, type = \"pvh\") in a PV dom0" ;;
		pv-domu) echo "PV domU (Xen $release's xl, type = \"pv\") in a PV dom0" ;;
		hvm-domu) echo "HVM domU (Xen $release's xl, type = \"hvm\") in a PV dom0" ;;
		hvm-viridian-domu) echo "HVM domU with viridian = 1 (Xen $release's xl) in a PV dom0" ;;
	esac
}
echo "| environment | what boots | Xen's xen-detect | systemd-detect-virt | xen-detect report (ours) | hypervisor stack (ours, leaf order) |"
echo "|---|---|---|---|---|---|"
for env in pv-dom0@4.17 pvh-dom0@4.17 pv-dom0@4.20 pvh-dom0@4.20 linux \
	pvh-domu@4.17 pv-domu@4.17 hvm-domu@4.17 hvm-viridian-domu@4.17 \
	pvh-domu@4.20 pv-domu@4.20 hvm-domu@4.20 hvm-viridian-domu@4.20; do
	f=$out/$env/peers.txt
	if [ ! -f "$f" ]; then
		echo "| \`$env\` | $(describe "$env") | (not run) | | | |"
		continue
	fi
	get() { sed -n "s|^$1=||p" "$f" | head -n 1 | sed 's/|/\\|/g'; }
	echo "| \`$env\` | $(describe "$env") | $(get xen-detect) | $(get systemd-detect-virt) | $(get report) | $(get stack) |"
done
