# What fleets get (issue 17; README, "Fleets"): `xen-detect facts` and `xen-detect metrics` in
# this environment, sent to the host as facts.json and metrics.prom (run.sh --record keeps them
# as Tests/FleetTests/Fixtures/<where>.facts.json / .metrics.prom, which scripts/fleet-check.sh
# feeds to Ansible, Facter, promtool and node_exporter). Each value is asserted against readings
# that do not come from our binary:
#   context     <- /sys/hypervisor/guest_type and Debian's xen-detect ("Running in X context")
#   domain      <- /proc/xen/capabilities: control_d in dom0 only
#   stack       <- Debian's `cpuid -r` (plain CPUID's signatures, leaf order), and in PV Xen
#                  first (it answers behind the forced-emulation prefix; `cpuid -k` shows it)
#   systemd     <- Debian's systemd-detect-virt --vm; in a dom0 whose plain CPUID at 0x40000000 is
#                  Xen's own interface (PVH) systemd's CPUID step names Xen, where the rule
#                  (dom0 is no VM, name the layer below) gives "none" (README, "The vocabularies")
#   facter      <- Facter's rule on those readings: xen0 (control_d), xenhvm (HVM), xenu (PV, PVH);
#                  hypervisors.xen {context: guest_type, privileged: control_d}
#   ansible     <- Ansible's rule: xen; host (control_d) or guest; tech_guest: domU "xen" and
#                  the layers below (PV: plain CPUID's signatures, QEMU's TCG named "kvm")
#   identity    <- /sys/hypervisor/uuid (all zeros in dom0), CPUID base+4 (the domain id, HVM and
#                  PVH), /sys/class/dmi/id; in an HVM domU exactly what hvmloader writes
#                  (tools/firmware/hvmloader/smbios.c, no bios-strings in xenstore: the stage's
#                  xl config sets none): vendor "Xen", product "HVM domU", version and BIOS
#                  version "major.minor" + extraversion, serial number the domain handle; in PV
#                  and PVH guests no /sys/class/dmi/id and `dmi` null with its reason
# In a domU, dom0 compares the UUID and the domain id with `xl list -l` / `xl domid`
# (domu/dom0.sh, "dom0-identity/*").
"$XS_OURS" facts > facts.json 2> facts.err || xs_fail facts/exit "status $?: $(head -c 200 facts.err)"
"$XS_OURS" metrics > metrics.prom 2> metrics.err || xs_fail metrics/exit "status $?: $(head -c 200 metrics.err)"
xs_emit_file facts.json < facts.json
xs_emit_file metrics.prom < metrics.prom
xs_json_flatten < facts.json > facts.flat
get() { xs_json_get facts.flat "$1"; }
# list PATH: a JSON array of strings as "a,b" ("" for [], "null" for null).
list() {
	case "$(get "$1")" in
		null) echo null; return ;;
		"[]") echo ""; return ;;
	esac
	sed -n "s|^$1\.[0-9]*=||p" facts.flat | paste -sd, -
}
# name SIGNATURE: the hypervisor name xen-detect's stack uses for a CPUID signature.
name() {
	case "$1" in
		XenVMMXenVMM) echo xen ;; TCGTCGTCGTCG) echo qemu ;; "Microsoft Hv") echo microsoft ;;
		KVMKVMKVM) echo kvm ;; *) echo "?$1" ;;
	esac
}
ansible_name() { [ "$1" = qemu ] && echo kvm || echo "$1"; }
xs_expect schemaVersion 1 "$(get schemaVersion)"

# --- the independent readings ---------------------------------------------------------------
cpuid -r -1 > plain.cpuid 2> /dev/null
cpuid -k -r -1 > kernel.cpuid 2> /dev/null
xs_hypervisor_leaves plain.cpuid > plain.sigs
xs_hypervisor_leaves kernel.cpuid > kernel.sigs
plain_names=""
while read -r b signature; do plain_names="$plain_names,$(name "${signature% *}")"; done < plain.sigs
plain_names=${plain_names#,}
first_plain=$(awk '$1 == 1073741824 { s = $2; for (i = 3; i < NF; i++) s = s " " $i; print s; exit }' plain.sigs)
virt=$(/usr/bin/systemd-detect-virt --vm 2> /dev/null | head -n 1)
guest_type="" domain="" lower=""
if xs_on_xen; then
	guest_type=$(cat /sys/hypervisor/guest_type)
	theirs=$("$XS_THEIRS" 2>&1 | head -n 1)
	xs_expect debian-xen-detect-context "Running in $guest_type context on Xen V$(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)." "$theirs"
	grep -q control_d /proc/xen/capabilities 2> /dev/null && domain=dom0 || domain=domU
	case "$XS_ENV" in *-dom0) label_domain=dom0 ;; *) label_domain=domU ;; esac
	xs_expect domain-by-label "$label_domain" "$domain"
	lower=$(echo "$guest_type" | tr 'A-Z' 'a-z')
	below=""
	if [ "$guest_type" = PV ]; then
		stack=xen${plain_names:+,$plain_names}
		for n in $(echo "$plain_names" | tr ',' ' '); do [ "$n" = xen ] || below="$below,$(ansible_name "$n")"; done
		below=${below#,}
	else
		stack=$plain_names
	fi
	if [ "$domain" = dom0 ]; then
		virtual=xen0 privileged=true role=host tech_guest=$below tech_host=xen
		if [ "$first_plain" = XenVMMXenVMM ] || [ -z "$first_plain" ]; then
			systemd=none
			# The documented difference: systemd's CPUID step takes Xen's own leaves for a VM.
			xs_expect systemd-detect-virt-itself "$([ -n "$first_plain" ] && echo xen || echo none)" "$virt"
		else
			systemd=$virt
		fi
	else
		[ "$guest_type" = HVM ] && virtual=xenhvm || virtual=xenu
		privileged=false role=guest tech_guest=xen${below:+,$below} tech_host="" systemd=$virt
	fi
	xs_expect xen.detected true "$(get xen.detected)"
	xs_expect xen.context "$guest_type" "$(get xen.context)"
	xs_expect xen.domain "$domain" "$(get xen.domain)"
	xs_expect xen.version "$(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)" "$(get xen.version)"
	xs_expect xen.versionExtra "$(cat /sys/hypervisor/version/extra)" "$(get xen.versionExtra)"
	xs_expect vocabularies.facter.hypervisorsXen.context "$lower" "$(get vocabularies.facter.hypervisorsXen.context)"
	xs_expect vocabularies.ansible.virtualization_type xen "$(get vocabularies.ansible.virtualization_type)"
else
	xs_expect debian-xen-detect "Not running on Xen." "$("$XS_THEIRS" 2>&1 | head -n 1)"
	stack=$plain_names systemd=$virt virtual=null privileged=null
	role=$([ -n "$plain_names" ] && echo guest || echo NA)
	tech_guest=""
	for n in $(echo "$plain_names" | tr ',' ' '); do tech_guest="$tech_guest,$(ansible_name "$n")"; done
	tech_guest=${tech_guest#,} tech_host=""
	xs_expect xen.detected false "$(get xen.detected)"
	xs_expect xen.context null "$(get xen.context)"
	xs_expect vocabularies.facter.hypervisorsXen null "$(get vocabularies.facter.hypervisorsXen)"
	xs_expect vocabularies.ansible.virtualization_type "$(ansible_name "$(name "$first_plain")")" \
		"$(get vocabularies.ansible.virtualization_type)"
fi
xs_expect stackNames "$stack" "$(list stackNames)"
xs_expect vocabularies.systemdDetectVirt "$systemd" "$(get vocabularies.systemdDetectVirt)"
xs_expect vocabularies.facter.virtual "$virtual" "$(get vocabularies.facter.virtual)"
privileged_said=$(get vocabularies.facter.hypervisorsXen.privileged)
[ -z "$privileged_said" ] && [ "$(get vocabularies.facter.hypervisorsXen)" = null ] && privileged_said=null
xs_expect vocabularies.facter.hypervisorsXen.privileged "$privileged" "$privileged_said"
xs_expect vocabularies.ansible.virtualization_role "$role" "$(get vocabularies.ansible.virtualization_role)"
xs_expect vocabularies.ansible.virtualization_tech_guest "$tech_guest" "$(list vocabularies.ansible.virtualization_tech_guest)"
xs_expect vocabularies.ansible.virtualization_tech_host "$tech_host" "$(list vocabularies.ansible.virtualization_tech_host)"

# --- identity -------------------------------------------------------------------------------
xs_expect identity.read true "$(get identity.read)"
if [ -r /sys/hypervisor/uuid ]; then
	xs_expect identity.uuid "$(cat /sys/hypervisor/uuid)" "$(get identity.uuid)"
	# Xen creates dom0 with a zero handle (xen/arch/x86/setup.c: create_dom0, dom0 has no xl config).
	[ "$domain" = dom0 ] && xs_expect identity.uuid-dom0-zero 00000000-0000-0000-0000-000000000000 "$(get identity.uuid)"
else
	xs_expect identity.uuid null "$(get identity.uuid)"
fi
# The domain id: public/arch-x86/cpuid.h, leaf base+4 EAX bit 3 XEN_HVM_CPUID_DOMID_PRESENT, ECX the id.
base=$(awk '$2 == "XenVMMXenVMM" { print $1; exit }' kernel.sigs)
domid=null
if [ -n "$base" ]; then
	line=$(grep "^   $(printf '0x%08x' $((base + 4))) 0x00:" kernel.cpuid)
	flags=$(echo "$line" | sed -n 's/.*eax=\(0x[0-9a-f]*\).*/\1/p')
	[ -n "$flags" ] && [ $((flags & 8)) -ne 0 ] && domid=$(($(echo "$line" | sed -n 's/.*ecx=\(0x[0-9a-f]*\).*/\1/p')))
fi
xs_expect identity.domainId "$domid" "$(get identity.domainId)"
dmi=/sys/class/dmi/id
if [ -d "$dmi" ]; then
	for pair in sysVendor:sys_vendor productName:product_name productVersion:product_version biosVersion:bios_version; do
		want=$(cat "$dmi/${pair#*:}" 2> /dev/null || echo null)
		xs_expect "identity.dmi.${pair%%:*}" "$want" "$(get "identity.dmi.${pair%%:*}")"
	done
	xs_expect identity.dmiAbsent null "$(get identity.dmiAbsent)"
else
	xs_expect identity.dmi null "$(get identity.dmi)"
	case "$guest_type" in
		PV | PVH) xs_expect identity.dmiAbsent noFirmwareTables "$(get identity.dmiAbsent)" ;;
		*) xs_expect identity.dmiAbsent noDMIDirectory "$(get identity.dmiAbsent)" ;;
	esac
fi
case "$XS_ENV" in
	hvm-domu | hvm-viridian-domu | hvm-pvio-domu | hvm-emulated-domu)
		# What hvmloader wrote (smbios.c: smbios_type_0_init, smbios_type_1_init, defaults when
		# xenstore has no bios-strings/*): its version string is XENVER_version's major.minor and
		# XENVER_extraversion, as /sys/hypervisor/version publishes them. The I/O domUs are HVM
		# domUs with a disk: the same firmware, the same tables.
		v="$(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)$(cat /sys/hypervisor/version/extra)"
		xs_expect hvmloader/sys_vendor Xen "$(get identity.dmi.sysVendor)"
		xs_expect hvmloader/product_name "HVM domU" "$(get identity.dmi.productName)"
		xs_expect hvmloader/product_version "$v" "$(get identity.dmi.productVersion)"
		xs_expect hvmloader/bios_version "$v" "$(get identity.dmi.biosVersion)"
		xs_expect hvmloader/bios_vendor Xen "$(cat $dmi/bios_vendor 2> /dev/null)"
		# The serial number is uuid_to_string(XENVER_guest_handle): the domain's UUID.
		xs_expect hvmloader/product_serial-is-the-uuid "$(cat /sys/hypervisor/uuid)" "$(cat $dmi/product_serial 2> /dev/null)"
		;;
	pv-domu | pvh-domu)
		[ ! -e "$dmi" ] && xs_pass no-dmi-directory || xs_fail no-dmi-directory "$dmi exists: $(cat $dmi/sys_vendor 2> /dev/null)"
		;;
esac

# --- metrics: the same decision, the exposition format's shape -----------------------------
if xs_on_xen; then
	want="xen_detect_xen_info{context=\"$lower\",domain=\"$domain\",version=\"$(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)\"} 1"
	xs_expect metrics/xen_info "$want" "$(grep '^xen_detect_xen_info{' metrics.prom)"
	xs_expect metrics/xen_detected 1 "$(sed -n 's/^xen_detect_xen_detected //p' metrics.prom)"
else
	xs_expect metrics/xen_detected 0 "$(sed -n 's/^xen_detect_xen_detected //p' metrics.prom)"
	xs_expect metrics/no-xen_info "" "$(grep '^xen_detect_xen_info' metrics.prom)"
fi
xs_expect metrics/stack "$stack" \
	"$(sed -n 's/^xen_detect_hypervisor_info{name="\([^"]*\)",position="\([0-9]*\)".*} 1$/\2 \1/p' metrics.prom | sort -n | cut -d' ' -f2 | paste -sd, -)"
xs_expect metrics/domain_id "$([ "$domid" = null ] && echo "" || echo "$domid")" "$(sed -n 's/^xen_detect_xen_domain_id //p' metrics.prom)"
# Every sample's family has HELP and TYPE gauge before it; no sample has a timestamp.
awk '
	/^# HELP / { help[$3] = 1; next }
	/^# TYPE / { if ($4 != "gauge") bad = bad " " $3 ":" $4; type[$3] = 1; next }
	{ n = $1; sub(/\{.*/, "", n); if (!(n in help) || !(n in type)) bad = bad " " n ":no-help-type"
	  rest = $0; sub(/^[^ ]*\{[^}]*\}/, "x", rest); if (split(rest, f, " ") != 2) bad = bad " " n ":fields" }
	END { print bad == "" ? "ok" : bad }' metrics.prom > metrics.shape
xs_expect metrics/shape ok "$(cat metrics.shape)"
