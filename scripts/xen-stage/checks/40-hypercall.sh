# Hypercalls through /dev/xen/privcmd (docs/hypercalls.md), checked against what the kernel
# publishes under /sys/hypervisor (drivers/xen/sys-hypervisor.c) in this very guest:
#   version        <- version/{major,minor}        extraversion <- version/extra
#   compile_info   <- compilation/{compiler,compiled_by,compile_date} (compile_domain is not published)
#   capabilities, changeset <- properties/{capabilities,changeset}
#   get_features, pagesize, platform_parameters <- properties/{features,pagesize,virtual_start} (hex, no 0x)
#   build_id       <- properties/buildid (raw bytes; compared as lowercase hex)
# Off Xen, and without root, every command fails with one line on stderr and its own status.
sys=/sys/hypervisor
hc() { "$XS_OURS" hypercall "$@"; }
# as_nobody CMD: runs CMD (a shell command line) as uid 65534 through busybox su; the
# initramfs has no /etc/passwd, so the user is added here.
as_nobody() {
	mkdir -p /etc
	grep -q '^nobody:' /etc/passwd 2> /dev/null || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
	grep -q '^nogroup:' /etc/group 2> /dev/null || echo 'nogroup:x:65534:' >> /etc/group
	su nobody -s /bin/sh -c "$1"
}

# strip: a sysfs value without its trailing newline.
strip() { cat "$1" 2> /dev/null; }

if ! xs_on_xen; then
	for sub in "xen_version version" "xen_version build_id --json" "selftest" "selftest --json"; do
		xs_run off hc $sub
		xs_expect "off-xen.$sub.status" 66 "$(cat off.rc)"
		xs_expect "off-xen.$sub.stderr-lines" 1 "$(wc -l < off.err | tr -d ' ')"
		grep -q "/dev/xen/privcmd" off.err && xs_pass "off-xen.$sub.message" ||
			xs_fail "off-xen.$sub.message" "$(cat off.err)"
		xs_expect "off-xen.$sub.stdout" "" "$(cat off.out)"
	done
	return 0
fi

# version: {"major","minor"}.
sub() {  # sub SUBOP: runs it with --json into SUBOP.{out,err,rc,flat}; passes when rc is 0
	xs_run "$1" hc xen_version "$1" --json
	xs_json_flatten < "$1.out" > "$1.flat"
	xs_expect "$1.status" 0 "$(cat "$1.rc")"
	# XENVER_version, pagesize and build_id return a value; all others 0.
	case "$1" in
		version | pagesize | build_id) ;;
		*) xs_expect "$1.rc" 0 "$(xs_json_get "$1.flat" rc)" ;;
	esac
	xs_expect "$1.subop" "$1" "$(xs_json_get "$1.flat" subop)"
}
value() { xs_json_get "$1.flat" "value${2:+.$2}"; }
# In a domU (docs/domu.md; 35-domu-privcmd.sh reloaded privcmd with unrestricted=1) Xen denies
# XENVER_commandline and XENVER_build_id to an unprivileged guest (xsm/dummy.h, xsm_xen_version:
# XSM_PRIV): commandline answers the string "<denied>" (xen_deny(), xen/common/kernel.c), build_id
# -EPERM, which the tool must report by Xen's error name with status 3 (hypercall failed); Linux's
# sysfs shows "<denied>" for it (drivers/xen/sys-hypervisor.c).
domu_refused() {  # domu_refused SUBOP
	xs_run "$1" hc xen_version "$1" --json
	xs_json_flatten < "$1.out" > "$1.flat"
	xs_expect "domu.$1.status" 3 "$(cat "$1.rc")"
	xs_expect "domu.$1.errno" EPERM "$(xs_json_get "$1.flat" errno)"
	xs_expect "domu.$1.rc" -1 "$(xs_json_get "$1.flat" rc)"
	xs_run "$1.text" hc xen_version "$1"
	xs_expect "domu.$1.line" "xen_version $1: -EPERM (Operation not permitted) [refused by Xen's policy for this domain]" "$(cat "$1.text.out")"
	xs_expect "domu.$1.verdict" refusedByPolicy "$(xs_json_get "$1.flat" verdict)"
}
domu=""
case "$XS_ENV" in *-domu) domu=1 ;; esac

sub version
rc=$(xs_json_get version.flat rc)
xs_expect version.rc "$(( ($(strip $sys/version/major) << 16) | $(strip $sys/version/minor) ))" "$rc"
xs_expect version.major "$(strip $sys/version/major)" "$(value version major)"
xs_expect version.minor "$(strip $sys/version/minor)" "$(value version minor)"

sub extraversion
xs_expect extraversion.value "$(strip $sys/version/extra)" "$(value extraversion)"

sub compile_info
xs_expect compile_info.compiler "$(strip $sys/compilation/compiler)" "$(value compile_info compiler)"
xs_expect compile_info.compileBy "$(strip $sys/compilation/compiled_by)" "$(value compile_info compileBy)"
xs_expect compile_info.compileDate "$(strip $sys/compilation/compile_date)" "$(value compile_info compileDate)"

sub capabilities
xs_expect capabilities.value "$(strip $sys/properties/capabilities)" "$(value capabilities)"

sub changeset
xs_expect changeset.value "$(strip $sys/properties/changeset)" "$(value changeset)"

sub get_features
xs_expect get_features.submap0 "$((0x$(strip $sys/properties/features)))" "$(value get_features 0)"
# The human line prints the submap in hex as sysfs does, then the bits by name.
"$XS_OURS" hypercall xen_version get_features > features.txt 2>&1
grep -qE "submap 0 0x$(strip $sys/properties/features)(: .*)?\$" features.txt && xs_pass get_features.hex ||
	xs_fail get_features.hex "$(cat features.txt) vs $(strip $sys/properties/features)"
# XENFEAT bits by release (public/features.h): 4.20's xen/common/kernel.c sets runstate_phys_area
# and vcpu_time_phys_area for every x86 guest, and dm_msix_all_writes too, names only 4.20's
# headers have, which the line marks "(4.20)"; 4.17 sets none of them, and nothing is unknown.
case "$XS_XEN" in
	4.20) for f in runstate_phys_area vcpu_time_phys_area dm_msix_all_writes; do
		grep -q " $f (4.20)" features.txt && xs_pass "get_features.$f" ||
			xs_fail "get_features.$f" "no '$f (4.20)' in $(cat features.txt)"
	done ;;
	*) grep -q "(4\.20)" features.txt && xs_fail get_features.no-4.20-bits "$(cat features.txt)" ||
		xs_pass get_features.no-4.20-bits ;;
esac
grep -q "(unknown)" features.txt && xs_fail get_features.all-named "$(cat features.txt)" || xs_pass get_features.all-named

sub pagesize
xs_expect pagesize.value "$((0x$(strip $sys/properties/pagesize)))" "$(value pagesize)"
xs_expect pagesize.rc "$((0x$(strip $sys/properties/pagesize)))" "$(xs_json_get pagesize.flat rc)"

sub platform_parameters
# virt_start does not fit shell arithmetic (above 2^63): compare the human line's hex.
"$XS_OURS" hypercall xen_version platform_parameters > pp.txt 2>&1
xs_expect platform_parameters.virtStart "xen_version platform_parameters: virt_start 0x$(strip $sys/properties/virtual_start)" "$(cat pp.txt)"

if [ -n "$domu" ]; then
	domu_refused build_id
	xs_expect domu.build_id.sysfs "<denied>" "$(strip $sys/properties/buildid)"
else
sub build_id
xs_expect build_id.value "$(od -An -v -tx1 $sys/properties/buildid | tr -d ' \n')" "$(value build_id)"
# rc is the number of bytes Xen wrote.
xs_expect build_id.rc "$(wc -c < $sys/properties/buildid | tr -d ' ')" "$(xs_json_get build_id.flat rc)"
fi

if [ -n "$domu" ]; then
	sub commandline
	xs_expect domu.commandline.denied "<denied>" "$(value commandline)"
else
sub commandline
# Xen's own command line (not Linux's): the stage boots Xen with console=com1, PVH adds dom0=pvh.
case "$(value commandline)" in
	*console=com1*) xs_pass commandline.console ;;
	*) xs_fail commandline.console "no console=com1 in '$(value commandline)'" ;;
esac
case "$XS_ENV:$(value commandline)" in
	pvh-dom0:*dom0=pvh* | pv-dom0:*) case "$XS_ENV:$(value commandline)" in
		pv-dom0:*dom0=pvh*) xs_fail commandline.mode "dom0=pvh in PV" ;;
		*) xs_pass commandline.mode ;; esac ;;
	*) xs_fail commandline.mode "$XS_ENV without the expected dom0= in '$(value commandline)'" ;;
esac
fi

sub guest_handle
case "$(value guest_handle)" in
	????????-????-????-????-????????????) xs_pass guest_handle.uuid ;;
	*) xs_fail guest_handle.uuid "'$(value guest_handle)'" ;;
esac

# The whole read-only set: every object succeeds; the current reservation is dom0's pages.
xs_run selftest hc selftest --json
xs_json_flatten < selftest.out > selftest.flat
selftest_count=18
xs_expect selftest.count $selftest_count "$(grep -c '\.hypercall=' selftest.flat)"
# Each call's verdict (docs/hypercalls.md): answered, refused by Xen's policy for this kind of
# domain, or failed. Nothing fails anywhere; the selftest exits 0 in every environment.
verdicts() {  # verdicts VERDICT: the sub-ops with that verdict, space-separated
	sed -n "s/^\([0-9]*\)\.verdict=$1\$/\1/p" selftest.flat | while read -r i; do
		printf '%s ' "$(xs_json_get selftest.flat "$i.subop")"; done
}
xs_expect selftest.status 0 "$(cat selftest.rc)"
xs_expect selftest.failed "" "$(verdicts failed)"
errors=$(awk -F'[.=]' '/\.errno=/ { print $1 }' selftest.flat | while read -r i; do
	echo "$(xs_json_get selftest.flat "$i.subop"):$(xs_json_get selftest.flat "$i.errno")"; done | tr '\n' ' ')
# Xen 4.17 does not offer 4.20's sub-ops (-ENOSYS, in every domain); 4.20 answers them.
if [ "$XS_XEN" = 4.17 ]; then
	not_offered="extraversion2 capabilities2 changeset2 commandline2 "
	enosys="extraversion2:ENOSYS capabilities2:ENOSYS changeset2:ENOSYS commandline2:ENOSYS "
	commandline2_refused=""
else
	not_offered="" enosys="" commandline2_refused="commandline2 "
fi
xs_expect "selftest.not-offered-by-$XS_XEN" "$not_offered" "$(verdicts notOffered)"
if [ -n "$domu" ]; then
	# Xen's default XSM policy (xsm/dummy.h xsm_xen_version: XSM_PRIV) refuses an unprivileged
	# domain the build id (-EPERM, by Xen's error name), the command line (xen_deny(): "<denied>")
	# and, on 4.20, commandline2 (-EPERM).
	xs_expect domu.selftest.refused-by-policy "commandline build_id $commandline2_refused" "$(verdicts refusedByPolicy)"
	xs_expect domu.selftest.errors "build_id:EPERM $enosys${commandline2_refused:+commandline2:EPERM }" "$errors"
else
	xs_expect selftest.errors "$enosys" "$errors"
	xs_expect selftest.refused-by-policy "" "$(verdicts refusedByPolicy)"
fi
n=0
while [ $n -lt $selftest_count ]; do
	h=$(xs_json_get selftest.flat "$n.hypercall"); s=$(xs_json_get selftest.flat "$n.subop")
	r=$(xs_json_get selftest.flat "$n.rc")
	case "$(xs_json_get selftest.flat "$n.verdict")" in refusedByPolicy | notOffered) n=$((n + 1)); continue ;; esac
	[ -n "$r" ] && [ "$r" -ge 0 ] && xs_pass "selftest.$h.$s" || xs_fail "selftest.$h.$s" "rc '$r'"
	n=$((n + 1))
done
# memory_op against the guest's own view of its memory (xen/common/memory.c, do_memory_op):
#   current_reservation = domain_tot_pages(d), the pages Xen counts for this domain. Linux's
#     balloon driver keeps its own count, current_kb (drivers/xen/balloon.c, xen-balloon.c):
#     in PV it starts from start_info's nr_pages, Xen's count, so both are equal; in PVH and HVM
#     it starts from the RAM Linux manages (get_num_physpages()), while Xen also counts the
#     frames it populated outside that RAM (page 0, the first MiB's holes and BIOS area, ACPI
#     tables, the toolstack's special pages) and no longer counts the RAM page Linux put
#     shared_info over (XENMEM_add_to_physmap frees it). So there: -1 <= reservation - kB/4 <=
#     the frames Linux does not count that could hold them: the first MiB (256) plus every frame
#     the memmap's other non-RAM ranges below 4 GiB touch ("Unusable memory" excluded: Xen
#     leaves it unpopulated, see pvh_setup_e820).
#   maximum_ram_page = max_page, the HOST's highest RAM frame + 1 (find_max_pfn,
#     xen/arch/x86/e820.c), in every context (hvm_memory_op passes it through): never below a
#     domain's pages; in PVH dom0 exactly the top of the memmap's "System RAM" and "Unusable
#     memory" (pvh_setup_e820 hands dom0 the host's map, RAM beyond dom0's share UNUSABLE); in PV
#     dom0 not below the top of its RAM (Linux's xen_memory_setup lays it inside the machine
#     map's RAM); in a domU the value dom0 got, and not below Xen's count of the host's RAM
#     (xl info total_memory), both passed by dom0 on the domU's command line (domu/dom0.sh).
rc_of() {  # rc_of SUBOP: the selftest's return value of a memory_op sub-op
	_i=$(sed -n "s/^\([0-9]*\)\.subop=$1\$/\1/p" selftest.flat | head -n 1)
	[ -n "$_i" ] && xs_json_get selftest.flat "$_i.rc"
}
memmap() {  # memmap: "start end type" per /sys/firmware/memmap range (end inclusive, decimal)
	for _d in /sys/firmware/memmap/*; do
		[ -r "$_d/type" ] && echo "$(($(cat "$_d/start"))) $(($(cat "$_d/end"))) $(cat "$_d/type")"
	done
}
memmap_top() {  # memmap_top TYPE...: one past the highest byte of ranges of these types (0: none)
	memmap | awk -v types="$(printf '%s|' "$@")" '
		{ t = $0; sub(/^[0-9]+ [0-9]+ /, "", t) }
		index("|" types, "|" t "|") && $2 + 1 > top { top = $2 + 1 }
		END { printf "%.0f\n", top }'
}
reservation=$(rc_of current_reservation)
max_ram=$(rc_of maximum_ram_page)
current_kb=$(cat /sys/devices/system/xen_memory/xen_memory0/info/current_kb 2> /dev/null)
memmap > memmap.txt
echo "xs: current_reservation=$reservation maximum_ram_page=$max_ram current_kb=$current_kb"
sed 's/^/xs: memmap /' memmap.txt
if [ -z "$reservation" ] || [ -z "$max_ram" ] || [ -z "$current_kb" ] || [ ! -s memmap.txt ]; then
	xs_fail memory "missing a value: current_reservation '$reservation' maximum_ram_page '$max_ram' current_kb '$current_kb' memmap $(wc -l < memmap.txt) ranges"
else
	delta=$((reservation - current_kb / 4))
	case "$XS_ENV" in
		pv-dom0 | pv-domu)
			xs_expect memory.reservation-equals-balloon "$((current_kb / 4))" "$reservation"
			;;
		*)
			# Frames touched by non-RAM ranges in [1 MiB, 4 GiB), plus the first MiB's 256.
			slack=$(memmap | awk '
				{ t = $0; sub(/^[0-9]+ [0-9]+ /, "", t) }
				t != "System RAM" && t != "Unusable memory" && $1 >= 1048576 && $2 < 4294967296 {
					n += int($2 / 4096) - int($1 / 4096) + 1 }
				END { printf "%.0f\n", n + 256 }')
			if [ "$delta" -ge -1 ] && [ "$delta" -le "$slack" ]; then
				xs_pass memory.reservation-near-balloon
			else
				xs_fail memory.reservation-near-balloon "current_reservation $reservation - current_kb/4 $((current_kb / 4)) = $delta, not within [-1, $slack]"
			fi
			;;
	esac
	[ "$reservation" -le "$max_ram" ] && xs_pass memory.reservation-within-max-ram-page ||
		xs_fail memory.reservation-within-max-ram-page "$reservation pages > maximum_ram_page $max_ram"
	ram_top=$(memmap_top "System RAM")
	case "$XS_ENV" in
		pvh-dom0)
			xs_expect memory.max-ram-page-is-memmap-top "$(($(memmap_top "System RAM" "Unusable memory") / 4096))" "$max_ram"
			;;
		pv-dom0)
			[ "$ram_top" -gt 0 ] && [ "$ram_top" -le $((max_ram * 4096)) ] && xs_pass memory.max-ram-page-above-ram-top ||
				xs_fail memory.max-ram-page-above-ram-top "RAM ends at $(printf '0x%x' "$ram_top"), maximum_ram_page $max_ram is $(printf '0x%x' $((max_ram * 4096)))"
			;;
		*-domu)
			dom0_value=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^xs\.dom0_max_ram_page=//p')
			total_mb=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^xs\.host_total_mb=//p')
			xs_expect memory.max-ram-page-is-dom0s "$dom0_value" "$max_ram"
			case "$total_mb" in
				'' | *[!0-9]*) xs_fail memory.max-ram-page-above-host-total "dom0 passed no xl info total_memory: '$total_mb'" ;;
				*) [ $((total_mb * 256)) -le "$max_ram" ] && xs_pass memory.max-ram-page-above-host-total ||
					xs_fail memory.max-ram-page-above-host-total "$max_ram pages < xl info total_memory $total_mb MiB ($((total_mb * 256)) pages)" ;;
			esac
			;;
	esac
fi
xs_run yield hc selftest
cat yield.out
grep -q "^sched_op yield: 0\$" yield.out && xs_pass selftest.table || xs_fail selftest.table "$(cat yield.out yield.err)"

# Without root: one line and the permission status.
as_nobody "id -u" > nobody.id 2>&1
xs_expect nonroot.uid 65534 "$(cat nobody.id)"
for cmd in "hypercall xen_version version" "hypercall selftest --json"; do
	as_nobody "$XS_OURS $cmd" > nonroot.out 2> nonroot.err
	xs_expect "nonroot.$cmd.status" 77 "$?"
	xs_expect "nonroot.$cmd.stderr-lines" 1 "$(wc -l < nonroot.err | tr -d ' ')"
	grep -q "hypercalls need root" nonroot.err && xs_pass "nonroot.$cmd.message" ||
		xs_fail "nonroot.$cmd.message" "$(cat nonroot.err)"
done
