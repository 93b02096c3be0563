# The read-only xenstore reader (`xen-detect xenstore read`, README "xenstore") against what this
# guest can tell independently:
#   linux (not Xen): no /dev/xen/xenbus: status 66, one line;
#   a dom0 of the dom0 stage, which runs no xenstored: the request goes unanswered, so the read
#     ends with status 69 and one line after its one timeout (3 s here), not after two: after a
#     timeout the client sends nothing more (so 3 s <= elapsed < 6 s for two paths);
#   a domU (xenstored runs in its dom0): `domid` is a number and `name` is the domain's name as
#     the dom0's xl config gave it (the environment's name); an absent node is status 66 and,
#     with --json, null with status 0. The domid is sent to the host ("xs-xenstore ...") and the
#     dom0 compares the grant self-test's domain with `xl domid` (domu/dom0.sh).
if ! xs_on_xen; then
	xs_run off "$XS_OURS" xenstore read domid
	xs_expect off-xen.status 66 "$(cat off.rc)"
	xs_expect off-xen.stderr "xen-detect: /dev/xen/xenbus is absent: not a Xen guest, or the kernel has no xenbus" "$(cat off.err)"
	return 0
fi
[ -c /dev/xen/xenbus ] && xs_pass device || xs_fail device "no /dev/xen/xenbus"
case "$XS_ENV" in
	*-domu) ;;
	*)
		# No xenstored: one timeout. busybox timeout guards against a read that never returns.
		start=$(date +%s)
		xs_run silent timeout 60 "$XS_OURS" xenstore read --timeout-ms 3000 domid name
		elapsed=$(( $(date +%s) - start ))
		xs_expect no-xenstored.status 69 "$(cat silent.rc)"
		xs_expect no-xenstored.stderr "xen-detect: xenstore did not answer within 3000 ms (xenstored not running?)" "$(cat silent.err)"
		xs_expect no-xenstored.stdout "" "$(cat silent.out)"
		[ "$elapsed" -ge 3 ] && [ "$elapsed" -lt 6 ] && xs_pass no-xenstored.one-timeout ||
			xs_fail no-xenstored.one-timeout "took $elapsed s for two paths at 3000 ms each"
		echo "xs-xenstore $XS_ENV xen=${XS_XEN:-domU} no-xenstored elapsed_s=$elapsed"
		return 0
		;;
esac
xs_run ids "$XS_OURS" xenstore read domid name
xs_expect domu.status 0 "$(cat ids.rc)"
domid=$(sed -n 1p ids.out) name=$(sed -n 2p ids.out)
case "$domid" in
	'' | *[!0-9]*) xs_fail domu.domid-number "domid '$domid': $(cat ids.err)" ;;
	*) [ "$domid" -gt 0 ] && xs_pass domu.domid-number || xs_fail domu.domid-number "domid $domid" ;;
esac
xs_expect domu.name "$XS_ENV" "$name"
xs_run absent "$XS_OURS" xenstore read no-such-node
xs_expect absent.status 66 "$(cat absent.rc)"
xs_expect absent.stderr "xen-detect: no xenstore node no-such-node" "$(cat absent.err)"
xs_run json "$XS_OURS" xenstore read --json domid no-such-node
xs_expect json.status 0 "$(cat json.rc)"
xs_expect json.output "[{\"path\":\"domid\",\"value\":\"$domid\"},{\"path\":\"no-such-node\",\"value\":null}]" "$(tr -d ' \n' < json.out)"
xs_run abs "$XS_OURS" xenstore read "/local/domain/$domid/domid"
xs_expect absolute.domid "$domid" "$(cat abs.out)"
echo "xs-xenstore $XS_ENV xen=${XS_XEN:-domU} domid=$domid name=$name"
