# What each tool says in this environment, for docs/tested-environments.md (built from these
# files by scripts/xen-stage/domu/environments-table.sh). Sent to the host as peers.txt:
#   xen-detect=           Debian's xen-detect (Xen's tools/misc/xen-detect)
#   systemd-detect-virt=  Debian's systemd-detect-virt, when the initramfs has it
#   ours=                 our drop-in (must equal xen-detect's: 10-dropin.sh asserts that)
#   report=               the first line of `xen-detect report`
#   stack=                the hypervisor stack of `xen-detect --json`, in leaf order
{
	echo "env=$XS_ENV"
	echo "xen-detect=$("$XS_THEIRS" 2>&1 | head -n 1)"
	if [ -x /usr/bin/systemd-detect-virt ]; then
		echo "systemd-detect-virt=$(/usr/bin/systemd-detect-virt 2>&1 | head -n 1)"
	else
		echo "systemd-detect-virt=(not in the initramfs)"
	fi
	echo "ours=$("$XS_OURS" 2>&1 | head -n 1)"
	echo "report=$("$XS_OURS" report 2>&1 | head -n 1)"
	"$XS_OURS" --json 2> /dev/null | xs_json_flatten > json.flat
	index=0 stack=""
	while [ -n "$(xs_json_get json.flat "hypervisors.$index.signature")" ]; do
		stack="$stack $(xs_json_get json.flat "hypervisors.$index.name")@$(printf '0x%08x' "$(xs_number "$(xs_json_get json.flat "hypervisors.$index.leafBase")")")"
		index=$((index + 1))
	done
	echo "stack=${stack# }"
} > peers.txt
if grep -q '^xen-detect=.' peers.txt && grep -q '^ours=.' peers.txt; then
	xs_emit_file peers.txt < peers.txt
	xs_pass recorded
else
	xs_fail recorded "$(tr '\n' ';' < peers.txt)"
fi
