# The PV self-tests (README, "PV self-tests"): an event-channel loopback through /dev/xen/evtchn
# and, in this very guest, a grant mapped back through /dev/xen/gntalloc and /dev/xen/gntdev (PV
# guests) or Xen copying between two gntalloc grants, GNTTABOP_copy through /dev/xen/privcmd
# (HVM and PVH guests, where mapping one's own grant oopsed Linux 6.1).
#   - before xen-evtchn, xen-gntalloc and xen-gntdev are loaded: status 66, one line naming the module;
#   - loaded: both pass (status 0), the event channel's N round trips all complete and both ports
#     are unbound; the grant's bytes cross both ways; the domain id comes from where it should
#     (PV dom0: /proc/xen/capabilities; PVH dom0 and HVM/PVH domUs: Xen's HVM CPUID leaf);
#   - while the event-channel test runs, /proc/interrupts shows its two ports ("evtchn:xen-detect");
#     a SIGTERM ends it with status 143 and one line, and afterwards no port of it is left;
#   - as an unprivileged user: status 77; a bad --rounds: status 64;
#   - in a PV domU the grant test names its own domain by xenstore's domid node (domainSource
#     "xenstore"); the dom0 compares the domain with `xl domid` (domu/dom0.sh);
#   - in an HVM or PVH domU whose xen-privcmd blocks hypercalls (loaded without unrestricted=1)
#     the copy is refused with status 3 and a line saying how to lift it; then it is reloaded.
# The measured latencies are printed ("xs-latency ...") and the JSON reports are sent to the host.
ec() { "$XS_OURS" event-channel selftest "$@"; }
gt() { "$XS_OURS" grant-table selftest "$@"; }
as_nobody() {
	mkdir -p /etc
	grep -q '^nobody:' /etc/passwd 2> /dev/null || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
	grep -q '^nogroup:' /etc/group 2> /dev/null || echo 'nogroup:x:65534:' >> /etc/group
	su nobody -s /bin/sh -c "$1"
}
one_line() {  # one_line NAME FILE PATTERN: FILE is one line containing PATTERN
	xs_expect "$1.stderr-lines" 1 "$(wc -l < "$2" | tr -d ' ')"
	grep -q -- "$3" "$2" && xs_pass "$1.message" || xs_fail "$1.message" "$(cat "$2")"
}

if ! xs_on_xen; then
	xs_run off.ec ec
	xs_expect off.event-channel.status 66 "$(cat off.ec.rc)"
	one_line off.event-channel off.ec.err "xen-evtchn module is not loaded"
	return 0
fi

# 1. Not loaded yet (the initramfs packs the modules but /init does not load them).
if [ ! -e /dev/xen/evtchn ]; then
	xs_run nomod.ec ec --json
	xs_expect no-module.event-channel.status 66 "$(cat nomod.ec.rc)"
	one_line no-module.event-channel nomod.ec.err "/dev/xen/evtchn is absent: the xen-evtchn module is not loaded"
	xs_expect no-module.event-channel.stdout "" "$(cat nomod.ec.out)"
else
	xs_fail no-module.event-channel "/dev/xen/evtchn exists before the check loaded xen-evtchn"
fi
if [ ! -e /dev/xen/gntalloc ]; then
	xs_run nomod.gt gt
	xs_expect no-module.grant-table.status 66 "$(cat nomod.gt.rc)"
	one_line no-module.grant-table nomod.gt.err "the xen-gntalloc module is not loaded"
fi
xs_load_pv_modules
for d in evtchn gntalloc gntdev; do
	[ -c "/dev/xen/$d" ] && xs_pass "device.$d" || xs_fail "device.$d" "no /dev/xen/$d after loading the modules"
done

# 2. The event channel: 200 round trips, JSON.
rounds=200
xs_run ec ec --json --rounds $rounds
xs_json_flatten < ec.out > ec.flat
xs_expect event-channel.status 0 "$(cat ec.rc)"
[ "$(cat ec.rc)" = 0 ] || xs_fail event-channel.stderr "$(cat ec.err)"
xs_expect event-channel.passed true "$(xs_json_get ec.flat passed)"
xs_expect event-channel.verdict passed "$(xs_json_get ec.flat verdict)"
xs_expect event-channel.rounds "$rounds" "$(xs_json_get ec.flat roundsCompleted)"
xs_expect event-channel.released true "$(xs_json_get ec.flat released)"
a=$(xs_json_get ec.flat unboundPort) b=$(xs_json_get ec.flat boundPort)
[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] && xs_pass event-channel.two-ports || xs_fail event-channel.two-ports "ports '$a' and '$b'"
median=$(xs_json_get ec.flat latencyNs.median) max=$(xs_json_get ec.flat latencyNs.max)
[ -n "$median" ] && [ "$median" -gt 0 ] && [ "$max" -ge "$median" ] && xs_pass event-channel.latency ||
	xs_fail event-channel.latency "median '$median', max '$max'"
echo "xs-latency $XS_ENV xen=${XS_XEN:-domU} event-channel rounds=$rounds median_ns=$median max_ns=$max min_ns=$(xs_json_get ec.flat latencyNs.min) bind_notification=$(xs_json_get ec.flat bindNotification)"
xs_emit_file pv-selftests-event-channel.json < ec.out
xs_run ect ec --rounds 10
xs_expect event-channel.text.status 0 "$(cat ect.rc)"
case "$(cat ect.out)" in
	"event-channel selftest: passed: ports "*" <-> "*" (DOMID_SELF loopback), 10 of 10 round trips, median "*"; both ports unbound")
		xs_pass event-channel.text.line ;;
	*) xs_fail event-channel.text.line "$(cat ect.out)" ;;
esac

# 3. Interrupted: the kernel shows the two ports while it runs; SIGTERM releases them.
# The binary itself in the background (not the shell function ec: $! would be a subshell's pid).
"$XS_OURS" event-channel selftest --rounds 1000000 > int.out 2> int.err &
pid=$!
n=0 seen=0
while [ $n -lt 100 ]; do
	seen=$(grep -c "evtchn:xen-detect" /proc/interrupts)
	[ "$seen" -ge 2 ] && break
	sleep 0.1 2> /dev/null || sleep 1
	n=$((n + 1))
done
xs_expect interrupted.ports-while-running 2 "$seen"
kill -TERM $pid
n=0
while kill -0 $pid 2> /dev/null && [ $n -lt 100 ]; do sleep 0.1 2> /dev/null || sleep 1; n=$((n + 1)); done
kill -0 $pid 2> /dev/null && { xs_fail interrupted.exited "still running 10 s after SIGTERM"; kill -KILL $pid; }
wait $pid
echo $? > int.rc
xs_expect interrupted.status 143 "$(cat int.rc)"
one_line interrupted int.err "interrupted by signal 15; every port, grant and mapping was released"
xs_expect interrupted.ports-after 0 "$(grep -c "evtchn:xen-detect" /proc/interrupts)"

# 4. Refusals of the command line and of the user.
xs_run usage ec --rounds 0
xs_expect usage.status 64 "$(cat usage.rc)"
one_line usage usage.err "rounds must be 1 to"
xs_run nobody.ec as_nobody "$XS_OURS event-channel selftest"
xs_expect no-permission.event-channel.status 77 "$(cat nobody.ec.rc)"
one_line no-permission.event-channel nobody.ec.err "/dev/xen/evtchn: EACCES"
xs_run nobody.gt as_nobody "$XS_OURS grant-table selftest"
xs_expect no-permission.grant-table.status 77 "$(cat nobody.gt.rc)"
one_line no-permission.grant-table nobody.gt.err "/dev/xen/gntalloc: EACCES"

# 4a. An HVM or PVH domU's xen-privcmd as the stage loads it blocks hypercalls (checks/35): the
# copy proof is refused with status 3, saying how to lift it; then privcmd is made unrestricted.
case "$XS_ENV" in
	pvh-domu | hvm-*)
		if [ ! -e /run/xs-privcmd-unrestricted ]; then
			xs_run blocked.gt gt
			xs_expect privcmd-blocked.grant-table.status 3 "$(cat blocked.gt.rc)"
			one_line privcmd-blocked.grant-table blocked.gt.err "GNTTABOP_copy of grant .* (the kernel blocks hypercalls .*unrestricted=1.*refused: EPERM"
			# The inventory's grant table says why its version and frames are unknown.
			xs_run blocked.ext "$XS_OURS" extensions --json
			xs_json_flatten < blocked.ext.out > blocked.ext.flat
			case "$(xs_json_get blocked.ext.flat grantTable.unknownBecause)" in
				"not in sysfs, and the kernel blocks hypercalls"*"unrestricted=1"*) xs_pass privcmd-blocked.grant-table-row ;;
				*) xs_fail privcmd-blocked.grant-table-row "unknownBecause '$(xs_json_get blocked.ext.flat grantTable.unknownBecause)'" ;;
			esac
		fi
		xs_privcmd_unrestricted && xs_pass privcmd-unrestricted || xs_fail privcmd-unrestricted "$(cat /run/xs-privcmd.err)" ;;
esac

# 4b. The inventory with both self-tests (`extensions --selftest`): event-channels passed; the
# grant-tables row passed in every guest; no other row verified; the self-tests left nothing.
xs_run exts "$XS_OURS" extensions --selftest --json
xs_expect extensions-selftest.status 0 "$(cat exts.rc)"
xs_json_flatten < exts.out > exts.flat
verified_of() {  # verified_of NAME: the row's verified.result
	i=$(sed -n "s|^extensions\.\([0-9]*\)\.name=$1\$|\1|p" exts.flat | head -n 1)
	[ -n "$i" ] && xs_json_get exts.flat "extensions.$i.verified.result"
}
xs_expect extensions-selftest.event-channels passed "$(verified_of event-channels)"
xs_expect extensions-selftest.grant-tables passed "$(verified_of grant-tables)"
xs_expect extensions-selftest.other-rows 2 "$(grep -c '^extensions\.[0-9]*\.verified\.result=' exts.flat)"
xs_expect extensions-selftest.ports-after 0 "$(grep -c "evtchn:xen-detect" /proc/interrupts)"
# The grant table's version and frames, from GNTTABOP_get_version and GNTTABOP_query_size: the
# version the kernel logged at boot (drivers/xen/grant-table.c: "Grant tables using version N
# layout"), and 1 <= frames <= maximum.
logged=$(dmesg | sed -n 's/.*Grant tables using version \([0-9]*\) layout.*/\1/p' | tail -n 1)
xs_expect extensions-selftest.grant-table-version "${logged:-no such kernel line}" "$(xs_json_get exts.flat grantTable.version)"
frames=$(xs_json_get exts.flat grantTable.framesInUse) maxframes=$(xs_json_get exts.flat grantTable.maxFrames)
[ -n "$frames" ] && [ -n "$maxframes" ] && [ "$frames" -ge 1 ] && [ "$frames" -le "$maxframes" ] &&
	xs_pass extensions-selftest.grant-table-frames ||
	xs_fail extensions-selftest.grant-table-frames "frames '$frames' of '$maxframes': $(xs_json_get exts.flat grantTable.unknownBecause)"
echo "xs-grant-table $XS_ENV xen=${XS_XEN:-domU} version=$(xs_json_get exts.flat grantTable.version) frames=$frames max=$maxframes"
# (The text table's column is unit-tested: SelfTestVerificationTests; one run here keeps the
# PVH dom0's boot short.)

# 5. The grant table: bytes both ways, by the mapping (PV) or by Xen's copy (HVM, PVH).
xs_run gt gt --json
xs_json_flatten < gt.out > gt.flat
# The mapping of its own grant oopsed Linux 6.1 at the process's exit (exit_mmap) in a PVH dom0
# and an HVM domU on 4.17 and 4.20 (2026-12-02): there the copy stands in (GrantTableSelfTest.unsafeReason).
case "$XS_ENV" in
	pvh-* | hvm-*) proof=copy ;;
	*) proof=mapping ;;
esac
xs_expect grant-table.proof "$proof" "$(xs_json_get gt.flat proof)"
if [ "$proof" = copy ]; then
	case "$(xs_json_get gt.flat mappingNotUsed)" in
		"not tried: mapping its own grant in an HVM or PVH guest"*) xs_pass grant-table.mapping-not-tried ;;
		*) xs_fail grant-table.mapping-not-tried "mappingNotUsed '$(xs_json_get gt.flat mappingNotUsed)'" ;;
	esac
	r1=$(xs_json_get gt.flat grantReference) r2=$(xs_json_get gt.flat secondGrantReference)
	[ -n "$r1" ] && [ -n "$r2" ] && [ "$r1" != "$r2" ] && xs_pass grant-table.two-grants || xs_fail grant-table.two-grants "grants '$r1' and '$r2'"
	xs_expect grant-table.mapped false "$(xs_json_get gt.flat mapped)"
fi
xs_expect grant-table.status 0 "$(cat gt.rc)"
[ "$(cat gt.rc)" = 0 ] || xs_fail grant-table.stderr "$(cat gt.err)"
xs_expect grant-table.passed true "$(xs_json_get gt.flat passed)"
xs_expect grant-table.forward true "$(xs_json_get gt.flat forward)"
xs_expect grant-table.backward true "$(xs_json_get gt.flat backward)"
xs_expect grant-table.released true "$(xs_json_get gt.flat released)"
case "$XS_ENV" in
	pv-dom0) xs_expect grant-table.domain 0 "$(xs_json_get gt.flat domain)"
		xs_expect grant-table.domain-source capabilities "$(xs_json_get gt.flat domainSource)" ;;
	pvh-dom0) xs_expect grant-table.domain 0 "$(xs_json_get gt.flat domain)"
		xs_expect grant-table.domain-source cpuid "$(xs_json_get gt.flat domainSource)" ;;
	pv-domu) xs_expect grant-table.domain-source xenstore "$(xs_json_get gt.flat domainSource)"
		d=$(xs_json_get gt.flat domain)
		[ -n "$d" ] && [ "$d" -gt 0 ] && xs_pass grant-table.domain-not-dom0 || xs_fail grant-table.domain-not-dom0 "domain '$d'" ;;
	*) xs_expect grant-table.domain-source cpuid "$(xs_json_get gt.flat domainSource)"
		d=$(xs_json_get gt.flat domain)
		[ -n "$d" ] && [ "$d" -gt 0 ] && xs_pass grant-table.domain-not-dom0 || xs_fail grant-table.domain-not-dom0 "domain '$d'" ;;
esac
echo "xs-grant $XS_ENV xen=${XS_XEN:-domU} rc=$(cat gt.rc) $(cat gt.err)"
xs_emit_file pv-selftests-grant-table.json < gt.out
xs_run gtt gt
xs_expect grant-table.text.status 0 "$(cat gtt.rc)"
case "$proof:$(cat gtt.out)" in
	"copy:grant-table selftest: passed: Xen copied between grants "*" both ways (GNTTABOP_copy; mapping not tried: "*"); deallocated" | \
	"mapping:grant-table selftest: passed: grant "*" mapped back through gntdev; bytes cross both ways; unmapped and deallocated")
		xs_pass grant-table.text.line ;;
	*) xs_fail grant-table.text.line "$(cat gtt.out)" ;;
esac
