# The CPUID paths, proven against Xen's own xen-detect. With /sys/hypervisor present both tools
# answer from sysfs (10-dropin.sh); Xen's tools/misc/xen-detect.c falls back to plain CPUID and
# then to CPUID behind the forced-emulation prefix only when check_sysfs() gives up. So both run
# again with sysfs and xenfs hidden, and must agree on every flag of 10-dropin.sh:
#   hidden view   a tmpfs over /sys (no /sys/hypervisor at all: check_dir() fails, CPUID decides)
#                 and /proc/xen unmounted; /sys/hypervisor/type must be absent, else FAIL;
#                 both are restored afterwards (also on a signal, by a trap), and that is checked
#   Xen's answer  what CPUID alone tells: PV through forced emulation in PV guests, HVM in PVH and
#                 HVM guests (Xen's CPUID leaves do not tell PVH from HVM), not Xen on plain Linux
#   ours --json   xen.contextSource "cpuid", the same context, view, version as sysfs had
#   empty-dir     a tmpfs over /sys/hypervisor only (an empty directory, as plain Linux always has
#                 one): check_sysfs() finds no "type" and returns XEN_NONE, which is nonzero, so
#                 Xen's tool says "Not running on Xen." without CPUID; ours must say the same
sysfs_mounted() { grep -q '^xs-hidden-sysfs /sys ' /proc/mounts; }
emptydir_mounted() { grep -q '^xs-empty-hypervisor /sys/hypervisor ' /proc/mounts; }
xenfs_mounted() { grep -q ' /proc/xen xenfs ' /proc/mounts; }

# What this guest shows before anything is hidden, for the comparisons and the restore check.
had_xenfs=0
xenfs_mounted && had_xenfs=1
type_before=$(cat /sys/hypervisor/type 2> /dev/null)
version_before="$(cat /sys/hypervisor/version/major 2> /dev/null).$(cat /sys/hypervisor/version/minor 2> /dev/null)"
caps_before=$(cat /proc/xen/capabilities 2> /dev/null)

# restore: undoes every hiding that is in place; safe to call more than once.
restore() {
	while emptydir_mounted; do umount /sys/hypervisor || break; done
	while sysfs_mounted; do umount /sys || break; done
	if [ "$had_xenfs" = 1 ] && ! xenfs_mounted; then mount -t xenfs xenfs /proc/xen; fi
}
trap restore EXIT
trap 'restore; exit 143' TERM INT HUP

case "$XS_ENV" in
	pv-dom0 | pv-domu) want_context=PV want_view=forcedEmulation want_decided_by=forcedEmulation ;;
	pvh-dom0 | pvh-domu | hvm-domu | hvm-viridian-domu) want_context=HVM want_view=cpuid want_decided_by=cpuid ;;
	linux) want_context="" want_view="" want_decided_by="" ;;
	*) xs_fail environment "unknown environment $XS_ENV"; return 0 ;;
esac
if xs_on_xen; then
	xs_expect before.sysfs-type xen "$type_before"
	want_line="Running in $want_context context on Xen V$version_before."
else
	want_line="Not running on Xen."
fi

# 1. An empty /sys/hypervisor: Xen's tool stops at check_sysfs() with XEN_NONE.
mount -t tmpfs -o size=4k,mode=0555 xs-empty-hypervisor /sys/hypervisor 2> emptydir.err
if ! emptydir_mounted || [ -e /sys/hypervisor/type ]; then
	xs_fail empty-dir.hidden "could not mount an empty directory over /sys/hypervisor: $(cat emptydir.err)"
else
	for flags in "" -N -P; do
		n=empty-dir.${flags:-none}
		(PATH=/usr/bin xs_run "$n.theirs" xen-detect $flags)
		(PATH=${XS_OURS%/*} xs_run "$n.ours" xen-detect $flags)
	done
	restore
	xs_expect empty-dir.xen-says "Not running on Xen." "$(cat empty-dir.none.theirs.out)"
	for flags in "" -N -P; do
		n=empty-dir.${flags:-none}
		xs_expect "$n" "$(cat "$n.theirs.out") status $(cat "$n.theirs.rc")" "$(cat "$n.ours.out") status $(cat "$n.ours.rc")"
	done
fi
restore

# 2. No /sys/hypervisor and no /proc/xen: both tools decide by CPUID.
[ "$had_xenfs" = 1 ] && umount /proc/xen 2> hide.err
mount -t tmpfs -o size=4k,mode=0555 xs-hidden-sysfs /sys 2>> hide.err
if ! sysfs_mounted || [ -e /sys/hypervisor/type ] || [ -d /sys/hypervisor ] || xenfs_mounted || [ -e /proc/xen/capabilities ]; then
	xs_fail hidden "sysfs or xenfs still visible: $(grep -e ' /sys' -e ' /proc/xen ' /proc/mounts | tr '\n' ';') $(cat hide.err)"
	restore
	return 0
fi
xs_pass hidden
started=$(cut -d. -f1 /proc/uptime)
xs_dropin_run runs
"$XS_OURS" --json > json.out 2> json.err
echo $? > json.rc
# Still hidden at the end (nothing remounted it behind our back)?
still_hidden=yes
{ [ -e /sys/hypervisor/type ] || xenfs_mounted; } && still_hidden=no
restore
echo "xs: hidden-sysfs runs took $(($(cut -d. -f1 /proc/uptime) - started))s"

# Restored exactly: sysfs's type and xenfs's capabilities read as before.
xs_expect hidden.until-the-end yes "$still_hidden"
xs_expect restored.sysfs "$type_before|$caps_before|$had_xenfs" \
	"$(cat /sys/hypervisor/type 2> /dev/null)|$(cat /proc/xen/capabilities 2> /dev/null)|$(xenfs_mounted && echo 1 || echo 0)"

# Xen's tool took its CPUID path and answered what CPUID alone can tell.
xs_expect xen-detect-says "$want_line" "$(cat runs/0.theirs.out)"
xs_expect xen-detect-status 0 "$(cat runs/0.theirs.rc)"
# The drop-in equals it on every flag.
xs_dropin_verdicts runs dropin.

# Our JSON: the same decision, and it says CPUID made it.
xs_expect json.status 0 "$(cat json.rc)"
xs_json_flatten < json.out > json.flat
get() { xs_json_get json.flat "$1"; }
if xs_on_xen; then
	xs_expect json.xen.detected true "$(get xen.detected)"
	xs_expect json.xen.contextSource cpuid "$(get xen.contextSource)"
	xs_expect json.xen.context "$want_context" "$(get xen.context)"
	xs_expect json.xen.view "$want_view" "$(get xen.view)"
	xs_expect json.xen.version "$version_before" "$(xs_number "$(get xen.version.major)").$(xs_number "$(get xen.version.minor)")"
	# Read only from sysfs: absent here.
	xs_expect json.xen.versionExtra null "$(get xen.versionExtra)"
	# Without xenfs and sysfs, an HVM or PVH guest still has CPUID's domain id (leaf base+4,
	# XEN_HVM_CPUID_DOMID_PRESENT): 0 only in dom0, so the role follows from it, and the report
	# says so. A PV guest gets an empty leaf base+4 (xen/arch/x86/cpuid.c): no claim.
	case "$XS_ENV" in *-dom0) role=dom0 ;; *) role=domU ;; esac
	if [ "$want_context" = PV ]; then
		xs_expect json.xen.domain null "$(get xen.domain)"
		xs_expect json.xen.domainSource null "$(get xen.domainSource)"
	else
		xs_expect json.xen.domain "$role" "$(get xen.domain)"
		xs_expect json.xen.domainSource domainID "$(get xen.domainSource)"
	fi
	xs_expect json.xen.decidedBy "$want_decided_by" "$(get xen.decidedBy)"
else
	xs_expect json.xen.detected false "$(get xen.detected)"
	xs_expect json.xen.contextSource null "$(get xen.contextSource)"
	xs_expect json.xen.context null "$(get xen.context)"
fi
