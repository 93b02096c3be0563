# `xen-detect --json` is true to the guest: every claim is compared with what the kernel,
# sysfs and Debian's cpuid tool say in this very guest.
#   xen.detected / context  <- the environment and /sys/hypervisor/guest_type; in dom0 also the
#                              type the stage booted (PV, PVH)
#   xen.version             <- /sys/hypervisor/version/{major,minor}
#   xen.domain              <- "dom0" when /proc/xen/capabilities has control_d
#   xen.leafBase, msrBase, hypercallPages <- Xen's leaves as the kernel sees them (/dev/cpu/0/cpuid;
#                              in PV dom0 the kernel's CPUID is Xen's emulated one)
#   hypervisors             <- every signature plain CPUID shows (Debian's `cpuid -r`), e.g. QEMU's
#                              "TCGTCGTCGTCG" in PV dom0, where only the escaped CPUID reaches Xen
"$XS_OURS" --json > json.out 2> json.err
status=$?
xs_expect status 0 "$status"
xs_json_flatten < json.out > json.flat
if ! grep -q '^xen\.detected=' json.flat; then
	xs_fail parse "no xen.detected in the output: $(head -c 200 json.out) $(head -c 200 json.err)"
	return 0
fi
xs_pass parse
get() { xs_json_get json.flat "$1"; }
lower() { printf '%s' "$1" | tr 'A-Z' 'a-z'; }
# fed VERDICT: "probe=returned" of each evidence row that fed VERDICT (strings as the JSON escapes them).
fed() {
	sed -n "s/^evidence\.\([0-9]*\)\.feeds\.[0-9]*=$1\$/\1/p" json.flat | sort -un | while read -r i; do
		printf '%s=%s;' "$(get "evidence.$i.probe")" "$(get "evidence.$i.returned")"; done
}

cpuid -r -1 > plain.cpuid 2> /dev/null
cpuid -k -r -1 > kernel.cpuid 2> /dev/null
xs_hypervisor_leaves plain.cpuid > plain.sigs
xs_hypervisor_leaves kernel.cpuid > kernel.sigs

if xs_on_xen; then
	xs_expect xen.detected true "$(get xen.detected)"
	xs_expect xen.context "$(lower "$(cat /sys/hypervisor/guest_type)")" "$(lower "$(get xen.context)")"
	# Both read sysfs here; the booted type is the independent truth (15-hidden-sysfs.sh checks
	# the context CPUID alone gives, 40-domu.sh the domUs').
	case "$XS_ENV" in
		pv-dom0) xs_expect xen.context-is-booted PV "$(get xen.context)" ;;
		pvh-dom0) xs_expect xen.context-is-booted PVH "$(get xen.context)" ;;
	esac
	xs_expect xen.version.major "$(cat /sys/hypervisor/version/major)" "$(xs_number "$(get xen.version.major)")"
	xs_expect xen.version.minor "$(cat /sys/hypervisor/version/minor)" "$(xs_number "$(get xen.version.minor)")"
	if grep -q control_d /proc/xen/capabilities; then
		xs_expect xen.domain dom0 "$(get xen.domain)"
	else
		[ "$(get xen.domain)" != dom0 ] && xs_pass xen.domain || xs_fail xen.domain "dom0 without control_d"
	fi
	# The evidence of each verdict is what this guest's kernel published: sysfs decided the
	# context (guest_type as read), /proc/xen/capabilities the domain (its text as read), and
	# Xen's version leaf the version (the same major.minor sysfs shows).
	xs_expect evidence.context "/sys/hypervisor/guest_type=\\\"$(cat /sys/hypervisor/guest_type)\\\";" "$(fed context)"
	caps=$(tr -d '\n' < /proc/xen/capabilities)
	if [ -n "$caps" ]; then want_caps="\\\"$caps\\\""; else want_caps='\"\" (empty: not the control domain)'; fi
	xs_expect evidence.domain "/proc/xen/capabilities=$want_caps;" "$(fed domain)"
	case "$(fed version)" in
		*"($(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor));") xs_pass evidence.version ;;
		*) xs_fail evidence.version "'$(fed version)'" ;;
	esac
	xs_expect evidence.detected "/sys/hypervisor/type=\\\"xen\\\";" "$(fed detected)"
	# Xen's leaves through the kernel: base, then base+2 gives the hypercall pages (eax) and MSR (ebx).
	base=$(awk '$2 == "XenVMMXenVMM" { print $1; exit }' kernel.sigs)
	if [ -z "$base" ]; then
		xs_fail xen.leafBase "the kernel's CPUID shows no XenVMMXenVMM signature"
	else
		xs_expect xen.leafBase "$base" "$(xs_number "$(get xen.leafBase)")"
		leaf2=$(printf '0x%08x' $((base + 2)))
		line=$(grep "^   $leaf2 0x00:" kernel.cpuid)
		pages=$(echo "$line" | sed -n 's/.*eax=\(0x[0-9a-f]*\).*/\1/p')
		msr=$(echo "$line" | sed -n 's/.*ebx=\(0x[0-9a-f]*\).*/\1/p')
		xs_expect xen.hypercallPages "$((pages))" "$(xs_number "$(get xen.hypercallPages)")"
		xs_expect xen.msrBase "$((msr))" "$(xs_number "$(get xen.msrBase)")"
	fi
else
	xs_expect xen.detected false "$(get xen.detected)"
	# Not Xen, and the evidence says why, by the step that decided: with a /sys/hypervisor
	# directory (the kernel creates it empty on plain Linux), its type file as read; without one,
	# the forced-emulation probe's fault (the last step of xen-detect's decision).
	if [ -d /sys/hypervisor ]; then
		if [ -r /sys/hypervisor/type ]; then t="\\\"$(cat /sys/hypervisor/type)\\\""; else t=absent; fi
		xs_expect evidence.detected "/sys/hypervisor/type=$t;" "$(fed detected)"
	else
		case "$(fed detected)" in
			*"(forced emulation)=faulted (SIGILL): not a PV guest;"*) xs_pass evidence.detected ;;
			*) xs_fail evidence.detected "'$(fed detected)'" ;;
		esac
	fi
	case "$(get xen.context)" in
		"" | null | none) xs_pass xen.context ;;
		*) xs_fail xen.context "expected null off Xen, got '$(get xen.context)'" ;;
	esac
	case "$(get xen.version)$(get xen.version.major)" in
		"" | null) xs_pass xen.version ;;
		*) xs_fail xen.version "expected null off Xen, got '$(get xen.version)$(get xen.version.major)'" ;;
	esac
fi

# Every signature plain CPUID shows is listed, with its base and maximum leaf.
if [ ! -s plain.sigs ]; then
	xs_fail hypervisors "Debian's cpuid -r shows no hypervisor signature here"
fi
while read -r base signature; do
	# The signature may contain spaces ("Microsoft Hv"); the max leaf is the last word.
	max=${signature##* }
	signature=${signature% *}
	found=""
	index=0
	while [ -n "$(get "hypervisors.$index.signature")" ]; do
		if [ "$(get "hypervisors.$index.signature")" = "$signature" ] &&
			[ "$(xs_number "$(get "hypervisors.$index.leafBase")")" = "$base" ]; then
			found=$index
			break
		fi
		index=$((index + 1))
	done
	name=$(printf 'hypervisors/%s@0x%08x' "$signature" "$base")
	if [ -z "$found" ]; then
		xs_fail "$name" "not listed; hypervisors: $(grep '^hypervisors' json.flat | tr '\n' ' ' | head -c 300)"
	else
		xs_pass "$name"
		xs_expect "$name.maxLeaf" "$max" "$(xs_number "$(get "hypervisors.$found.maxLeaf")")"
	fi
done < plain.sigs
# The fact the PV case hinges on, stated on its own.
if [ "$XS_ENV" = pv-dom0 ] || [ "$XS_ENV" = pv-domu ]; then
	grep -qx 'hypervisors\.[0-9]*\.signature=TCGTCGTCGTCG' json.flat &&
		xs_pass hypervisors/pv-lists-qemu-tcg ||
		xs_fail hypervisors/pv-lists-qemu-tcg "TCGTCGTCGTCG missing from hypervisors"
fi

executions=$(xs_number "$(get cpuidExecutions)")
if [ -n "$executions" ] && [ "$executions" -ge 1 ]; then
	xs_pass cpuidExecutions
else
	xs_fail cpuidExecutions "expected a count >= 1, got '$(get cpuidExecutions)'"
fi
