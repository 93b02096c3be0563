# The non-truncating xen_version sub-ops of Xen 4.20 (public/version.h: XENVER_extraversion2 = 11
# ... commandline2 = 14, a struct xen_varbuf each; docs/hypercalls.md), by release (XS_XEN):
#   4.17: do_xen_version has no case for them and returns -ENOSYS (xen/common/kernel.c), in dom0
#         and domU alike: the verdict notOffered, by name, status 3 (Xen returned an error).
#   4.20: xenver_varbuf_op answers the whole string, no NUL, rc its length; each equals what the
#         kernel publishes from the truncating sub-op (drivers/xen/sys-hypervisor.c: version/extra,
#         properties/capabilities, properties/changeset; 40-hypercall.sh proves those equal the
#         truncating calls), commandline2 equals XENVER_commandline in dom0; in a domU
#         commandline2 is XSM_PRIV like commandline (xen/include/xsm/dummy.h of 4.20) and
#         do_xen_version returns -EPERM: refusedByPolicy.
# Its own file, so that its calls have their own check timeout: in an HVM domU under TCG each
# xen-detect run takes seconds, and 40-hypercall.sh already runs near its 180 s.
hc() { "$XS_OURS" hypercall "$@"; }
# Not on Xen: no privcmd, so each *2 sub-op fails as every call does there (status 66, one line).
if ! xs_on_xen; then
	for s2 in extraversion2 commandline2; do
		xs_run off hc xen_version "$s2" --json
		xs_expect "off-xen.$s2.status" 66 "$(cat off.rc)"
		xs_expect "off-xen.$s2.stderr-lines" 1 "$(wc -l < off.err | tr -d ' ')"
		grep -q "/dev/xen/privcmd" off.err && xs_pass "off-xen.$s2.message" || xs_fail "off-xen.$s2.message" "$(cat off.err)"
		xs_expect "off-xen.$s2.stdout" "" "$(cat off.out)"
	done
	return 0
fi
domu=""
case "$XS_ENV" in *-domu) domu=1 ;; esac
sysfs_value() { cat "/sys/hypervisor/$1" 2> /dev/null; }

for s2 in extraversion2 capabilities2 changeset2 commandline2; do
	xs_run "$s2" hc xen_version "$s2" --json
	xs_json_flatten < "$s2.out" > "$s2.flat"
	get() { xs_json_get "$s2.flat" "$1"; }
	if [ "$XS_XEN" = 4.17 ]; then
		xs_expect "$s2.status" 3 "$(cat "$s2.rc")"
		xs_expect "$s2.errno" ENOSYS "$(get errno)"
		xs_expect "$s2.rc" -38 "$(get rc)"
		xs_expect "$s2.verdict" notOffered "$(get verdict)"
		case "$(get reason)" in
			"not offered by Xen 4.17: ENOSYS (XENVER_$s2 is new in Xen 4.20"*) xs_pass "$s2.reason" ;;
			*) xs_fail "$s2.reason" "'$(get reason)'" ;;
		esac
		continue
	fi
	if [ -n "$domu" ] && [ "$s2" = commandline2 ]; then
		xs_expect "domu.$s2.status" 3 "$(cat "$s2.rc")"
		xs_expect "domu.$s2.errno" EPERM "$(get errno)"
		xs_expect "domu.$s2.verdict" refusedByPolicy "$(get verdict)"
		continue
	fi
	case "$s2" in
		extraversion2) truncated=$(sysfs_value version/extra) ;;
		capabilities2) truncated=$(sysfs_value properties/capabilities) ;;
		changeset2) truncated=$(sysfs_value properties/changeset) ;;
		commandline2) xs_run commandline hc xen_version commandline --json
			xs_json_flatten < commandline.out > commandline.flat
			truncated=$(xs_json_get commandline.flat value) ;;
	esac
	xs_expect "$s2.status" 0 "$(cat "$s2.rc")"
	xs_expect "$s2.verdict" answered "$(get verdict)"
	xs_expect "$s2.equals-truncating" "$truncated" "$(get value)"
	xs_expect "$s2.rc-is-length" "$(printf '%s' "$truncated" | wc -c | tr -d ' ')" "$(get rc)"
done

# The human line: the value, or the verdict in words.
xs_run line hc xen_version extraversion2
if [ "$XS_XEN" = 4.17 ]; then
	xs_expect extraversion2.line "xen_version extraversion2: not offered by Xen 4.17: ENOSYS" "$(cat line.out)"
else
	xs_expect extraversion2.line "xen_version extraversion2: $(sysfs_value version/extra)" "$(cat line.out)"
fi
