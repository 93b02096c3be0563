# privcmd in a domU (docs/domu.md). Linux lets a domU's /dev/xen/privcmd issue hypercalls only
# for the domain named in xenstore as its "target" (a device-model stub domain); any other domU
# logs "No target domain found, blocking all hypercalls" and every IOCTL_PRIVCMD_HYPERCALL fails
# with EPERM, unless the module was loaded with unrestricted=1 (drivers/xen/privcmd.c).
#   1. as the stage loads it (no parameter): every hypercall command must say clearly that the
#      kernel blocks privcmd in a domU and how to lift it (xen-privcmd unrestricted=1);
#   2. then xen-privcmd is reloaded with unrestricted=1 (xenfs, which depends on it, with it), so
#      the later checks (40-hypercall.sh, 41-hypercall-page.sh) issue real hypercalls.
# Elsewhere: dom0 is never blocked. (The parameter has no sysfs file: module_param(..., 0).)
blocked="No target domain found, blocking all hypercalls"
case "$XS_ENV" in
	*-domu) ;;
	linux)
		xs_expect no-privcmd "" "$(ls /dev/xen/privcmd 2> /dev/null)"
		return 0
		;;
	*)
		dmesg | grep -q "$blocked" && xs_fail dom0.not-blocked "$(dmesg | grep "$blocked")" || xs_pass dom0.not-blocked
		return 0
		;;
esac

dmesg | grep -q "$blocked" && xs_pass restricted.kernel-says-blocked ||
	xs_fail restricted.kernel-says-blocked "no such kernel message: $(dmesg | grep -i privcmd | tail -n 2)"
for cmd in "xen_version version" "xen_version extraversion --json" "selftest"; do
	xs_run blocked "$XS_OURS" hypercall $cmd
	name=restricted.$(echo "$cmd" | tr ' ' '.')
	cat blocked.out blocked.err
	[ "$(cat blocked.rc)" != 0 ] && xs_pass "$name.status" || xs_fail "$name.status" "status 0: $(head -c 200 blocked.out)"
	grep -q "unrestricted=1" blocked.err && xs_pass "$name.says-how" ||
		xs_fail "$name.says-how" "no mention of xen-privcmd unrestricted=1: stdout '$(head -c 160 blocked.out)' stderr '$(head -c 160 blocked.err)'"
done

# Reload with unrestricted=1.
xs_privcmd_unrestricted && xs_pass unrestricted.reloaded || xs_fail unrestricted.reloaded "$(cat /run/xs-privcmd.err)"
xs_run version "$XS_OURS" hypercall xen_version version
xs_expect unrestricted.version "xen_version version: $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)" "$(cat version.out)"
