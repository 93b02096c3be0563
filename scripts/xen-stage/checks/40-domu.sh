# What only a domU shows (docs/domu.md): the environment's label says which guest type xl
# created, and `xen-detect --json` must agree with it and with this very guest:
#   xen.context       <- the type in the xl config (PVH, PV, HVM, HVM) and /sys/hypervisor/guest_type
#   xen.domain        <- "domU": /proc/xen/capabilities without control_d
#   xen.domainId      <- Xen's leaf base+4 ECX when EAX has XEN_HVM_CPUID_DOMID_PRESENT, else null
#   xen.versionExtra  <- /sys/hypervisor/version/extra
#   hypervisors       <- in leaf order: in PV, Xen behind forced emulation, then every signature
#                        plain CPUID shows (QEMU's TCG here); elsewhere exactly plain CPUID's
#                        signatures; with Viridian "Microsoft Hv" at 0x40000000 and Xen at
#                        0x40000100 with its MSR at 0x40000200
# In the other environments: the JSON does not claim domU.
"$XS_OURS" --json > json.out 2> json.err
xs_json_flatten < json.out > json.flat
get() { xs_json_get json.flat "$1"; }
hex() { printf '0x%08x' "$1"; }

case "$XS_ENV" in
	pvh-domu) want_context=PVH ;;
	pv-domu) want_context=PV ;;
	hvm-domu | hvm-viridian-domu) want_context=HVM ;;
	*)
		[ "$(get xen.domain)" != domU ] && xs_pass not-domU ||
			xs_fail not-domU "the JSON says domU in $XS_ENV: $(head -c 200 json.out) $(head -c 200 json.err)"
		return 0
		;;
esac

xs_expect sysfs.guest_type "$want_context" "$(cat /sys/hypervisor/guest_type 2> /dev/null)"
xs_expect xen.context "$want_context" "$(get xen.context)"
if grep -q control_d /proc/xen/capabilities 2> /dev/null; then
	xs_fail capabilities "a domU with control_d: $(cat /proc/xen/capabilities)"
else
	xs_pass capabilities
fi
xs_expect xen.domain domU "$(get xen.domain)"
extra=$(cat /sys/hypervisor/version/extra 2> /dev/null)
xs_expect xen.versionExtra "$extra" "$(get xen.versionExtra)"
xs_expect xen.version "$(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)" \
	"$(xs_number "$(get xen.version.major)").$(xs_number "$(get xen.version.minor)")"

# Xen's leaves as the kernel sees them (in PV the kernel's CPUID is Xen's emulated one).
cpuid -r -1 > plain.cpuid 2> /dev/null
cpuid -k -r -1 > kernel.cpuid 2> /dev/null
xs_hypervisor_leaves plain.cpuid > plain.sigs
xs_hypervisor_leaves kernel.cpuid > kernel.sigs
base=$(awk '$2 == "XenVMMXenVMM" { print $1; exit }' kernel.sigs)
if [ -z "$base" ]; then
	xs_fail xen-leaves "the kernel's CPUID shows no XenVMMXenVMM signature"
	return 0
fi
# leaf_reg LEAF REG: a register of subleaf 0 in the kernel's dump, as a decimal number.
leaf_reg() {
	v=$(grep "^   $(hex "$1") 0x00:" kernel.cpuid | sed -n "s/.*$2=\(0x[0-9a-f]*\).*/\1/p")
	[ -n "$v" ] && echo $((v))
}

# The domain id: public/arch-x86/cpuid.h, leaf base+4: EAX bit 3 XEN_HVM_CPUID_DOMID_PRESENT, ECX the id.
flags=$(leaf_reg $((base + 4)) eax)
if [ -n "$flags" ] && [ $((flags & 8)) -ne 0 ]; then
	domid=$(leaf_reg $((base + 4)) ecx)
	xs_expect xen.domainId "$domid" "$(xs_number "$(get xen.domainId)")"
	[ "$domid" -gt 0 ] && xs_pass domainId-not-0 || xs_fail domainId-not-0 "a domU with domain id $domid"
else
	case "$(get xen.domainId)" in
		"" | null) xs_pass xen.domainId-unflagged ;;
		*) xs_fail xen.domainId-unflagged "leaf $(hex $((base + 4))) does not flag a domain id, the JSON says $(get xen.domainId)" ;;
	esac
fi

# The stack in leaf order, as "signature@base/view" words (spaces in a signature become '_').
expected=""
[ "$XS_ENV" = pv-domu ] && expected="XenVMMXenVMM@$(hex "$base")/forcedEmulation"
while read -r b signature; do
	signature=${signature% *} # the last word is the max leaf; "Microsoft Hv" has a space
	expected="$expected $(xs_word "$signature")@$(hex "$b")/cpuid"
done < plain.sigs
actual=""
index=0
while [ -n "$(get "hypervisors.$index.signature")" ]; do
	actual="$actual $(xs_word "$(get "hypervisors.$index.signature")")@$(hex "$(xs_number "$(get "hypervisors.$index.leafBase")")")/$(get "hypervisors.$index.view")"
	index=$((index + 1))
done
xs_expect stack-in-leaf-order "$(echo $expected)" "$(echo $actual)"

case "$XS_ENV" in
	hvm-viridian-domu)
		# Hyper-V's leaves first, Xen's moved up by 0x100, its MSR by 0x200 (Xen's viridian.c).
		xs_expect viridian/stack.0 "Microsoft_Hv@0x40000000/cpuid" "$(echo $actual | cut -d' ' -f1)"
		xs_expect viridian/stack.1 "XenVMMXenVMM@0x40000100/cpuid" "$(echo $actual | cut -d' ' -f2)"
		xs_expect viridian/xen.leafBase 0x40000100 "$(hex "$(xs_number "$(get xen.leafBase)")")"
		xs_expect viridian/xen.msrBase 0x40000200 "$(hex "$(xs_number "$(get xen.msrBase)")")"
		xs_expect viridian/hyperV.interface "Hv#1" "$(get hyperV.interface)"
		;;
	pv-domu)
		xs_expect pv/xen.view forcedEmulation "$(get xen.view)"
		xs_expect pv/stack.0 "XenVMMXenVMM@0x40000000/forcedEmulation" "$(echo $actual | cut -d' ' -f1)"
		echo " $actual" | grep -q ' TCGTCGTCGTCG@0x40000000/cpuid' && xs_pass pv/layer-below-is-qemu-tcg ||
			xs_fail pv/layer-below-is-qemu-tcg "no TCGTCGTCGTCG under plain CPUID in '$actual'"
		;;
	*)
		xs_expect xen.view cpuid "$(get xen.view)"
		xs_expect stack "XenVMMXenVMM@0x40000000/cpuid" "$(echo $actual)"
		;;
esac

# The human-readable report names the same guest.
"$XS_OURS" report > report.out 2>&1
head -n 1 report.out | grep -q ": $want_context guest, domU " && xs_pass report ||
	xs_fail report "first line: $(head -n 1 report.out)"
