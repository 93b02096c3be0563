#!/usr/bin/env bash
# The Xen stage: proves the toolkit's runtime claims inside real Xen 4.17 and 4.20 and plain Linux,
# all under QEMU's software emulation (TCG; KVM cannot run ordinary guests on the CI machines).
#   1. installs the Debian packages and fetches Xen 4.20 (install-deps.sh; XEN_STAGE_OPTIONAL=1
#      turns a failure into a skip)
#   2. builds the release binary (fully static) unless one is given
#   3. builds ONE initramfs: busybox, kernel modules, Debian's xen-detect and cpuid, our binary,
#      guest/init, guest/lib.sh and checks/*.sh
#   4. boots Xen PV dom0 and Xen PVH dom0 on each release, and plain Linux, in parallel ($XS_JOBS
#      at a time); each guest runs every check and powers off; its output is framed by
#      @@XS-BEGIN/@@XS-END on the serial console
#   5. collects "PASS <env> <check>" / "FAIL <env> <check>: <detail>" lines, <env> labelled with
#      the release (pv-dom0@4.20), and files the checks emitted, prints them, counts each release
#      and ends with "xen stage: N passed, M failed"
# Exit status: 0 only when every selected environment finished, at least one check ran and
# nothing failed. See docs/xen-stage.md.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
	cat << 'EOF'
usage: scripts/xen-stage/run.sh [options] [BINARY]
  BINARY            the xen-detect to test (default $XEN_DETECT_BIN, else .build/release/xen-detect,
                    built with `swift build -c release --static-swift-stdlib -Xswiftc -static-executable`)
  --env LIST        environments to boot, comma-separated: pv-dom0,pvh-dom0,linux (default all; $XS_ENVS),
                    and the domUs pvh-domu,pv-domu,hvm-domu,hvm-viridian-domu,hvm-pvio-domu,hvm-emulated-domu (or "domu" for all six,
                    "all" for all of them; see docs/domu.md). pv-dom0, pvh-dom0 and the domUs
                    boot on every release of $XS_XEN_RELEASES (4.17,4.20); pv-dom0@4.20 on one.
  --check LIST      checks to run, comma-separated names or patterns: dropin,json,10-* (default all; $XS_CHECKS)
  --record          copy the files the guests emit (cpuid dumps, sysfs) into Tests/CPUIDProbeTests/Fixtures ($XS_RECORD=1)
  --verbose         print each guest's whole console ($XS_VERBOSE=1)
  -h, --help        this text
EOF
}

envs=${XS_ENVS:-pv-dom0,pvh-dom0,linux}
checks=${XS_CHECKS:-}
record=${XS_RECORD:-0}
verbose=${XS_VERBOSE:-0}
binary=${XEN_DETECT_BIN:-}
while [ $# -gt 0 ]; do
	case "$1" in
		--env) envs=${2:?--env needs a list}; shift 2 ;;
		--env=*) envs=${1#--env=}; shift ;;
		--check) checks=${2:?--check needs a list}; shift 2 ;;
		--check=*) checks=${1#--check=}; shift ;;
		--record) record=1; shift ;;
		--verbose) verbose=1; shift ;;
		-h | --help) usage; exit 0 ;;
		-*) echo "xen stage: unknown option $1" >&2; usage >&2; exit 64 ;;
		*) binary=$1; shift ;;
	esac
done

# The domU environments (docs/domu.md).
. "$here/domu/stage.sh"
expanded=""
for env in $(echo "$envs" | tr ',' ' '); do
	case "$env" in
		all) expanded="$expanded pv-dom0 pvh-dom0 linux $domu_all_envs" ;;
		domu) expanded="$expanded $domu_all_envs" ;;
		*) expanded="$expanded $env" ;;
	esac
done
envs=$(echo $expanded | tr ' ' ',')
# Xen releases (docs/xen-stage.md): 4.17 is Debian 12's package, 4.20 Debian 13's, which
# install-deps.sh fetches into .xen-stage/xen-4.20. XS_XEN_GZ boots that one image instead, its
# release read from its name (xen-4.20-amd64.gz: 4.20).
declare -A xen_gz_of=()
if [ -n "${XS_XEN_GZ:-}" ]; then
	release=$(basename "$XS_XEN_GZ" .gz)
	release=${release#xen-}
	release=${release%-amd64}
	releases=$release
	xen_gz_of[$release]=$XS_XEN_GZ
else
	releases=${XS_XEN_RELEASES:-4.17,4.20}
	xen_gz_of[4.17]=/boot/xen-4.17-amd64.gz
	xen_gz_of[4.20]=${XS_XEN_420_CACHE:-$root/.xen-stage/xen-4.20}/xen-4.20-amd64.gz
fi
releases=$(echo "$releases" | tr ',' ' ')
# Each environment is labelled ENV@RELEASE, e.g. pv-dom0@4.20 (plain Linux: linux). The guest
# sees only ENV (XS_ENV) and the release (XS_XEN); the host puts the label on its lines.
# The domUs too, each with its release's toolstack in dom0 (domu/stage.sh).
labels=""
for env in $(echo "$envs" | tr ',' ' '); do
	case "$env" in
		*@*) labels="$labels $env" ;;
		pv-dom0 | pvh-dom0 | *-domu) for release in $releases; do labels="$labels $env@$release"; done ;;
		*) labels="$labels $env" ;;
	esac
done
for label in $labels; do
	env=${label%@*}
	release=${label#"$env"}
	release=${release#@}
	case "$env" in
		pv-dom0 | pvh-dom0) [ -n "$release" ] && [ -n "${xen_gz_of[$release]:-}" ] ||
			{ echo "xen stage: no Xen image for '$label' (releases: ${!xen_gz_of[*]})" >&2; exit 64; } ;;
		linux) [ -z "$release" ] || { echo "xen stage: '$label': plain Linux runs on no Xen" >&2; exit 64; } ;;
		*) domu_is_env "$env" ||
			{ echo "xen stage: unknown environment '$label' (known: pv-dom0, pvh-dom0, linux, ${domu_all_envs// /, })" >&2; exit 64; }
			[ -n "$release" ] && [ -n "${xen_gz_of[$release]:-}" ] ||
				{ echo "xen stage: no Xen image for '$label' (releases: ${!xen_gz_of[*]})" >&2; exit 64; }
			domu_has_release "$release" ||
				{ echo "xen stage: '$label': no toolstack for domUs on Xen $release (known: $domu_releases; docs/domu.md)" >&2; exit 64; } ;;
	esac
done
env_list=$(echo $labels | tr ' ' '\n' | awk '!seen[$0]++' | tr '\n' ' ')
work=${XS_WORK:-$root/.xen-stage}
jobs=${XS_JOBS:-3}
boot_timeout=${XS_BOOT_TIMEOUT:-480}
# A boot whose console stays silent this long has stalled: the whole nested host idle, QEMU far
# below a core, no deadline of dom0's firing (seen in HVM domUs under TCG, cause not established:
# docs/xen-stage.md, "Stalled boots"). It is killed and booted once more; the first console is
# kept and the retry is reported. A healthy boot's longest silence measured is about 180 s.
stall_timeout=${XS_STALL_TIMEOUT:-480}
check_timeout=${XS_CHECK_TIMEOUT:-180}
fixtures=$root/Tests/CPUIDProbeTests/Fixtures
stage_start=$(date +%s)

die() {
	echo "xen stage: $*" >&2
	echo "xen stage: 0 passed, 1 failed"
	exit 1
}

# --- 1. packages --------------------------------------------------------------------------
if ! "$here/install-deps.sh"; then
	if [ "${XEN_STAGE_OPTIONAL:-0}" = 1 ]; then
		echo "xen stage: SKIPPED: the packages could not be installed and XEN_STAGE_OPTIONAL=1 allows that"
		exit 0
	fi
	die "the packages could not be installed; set XEN_STAGE_OPTIONAL=1 to skip this stage on purpose"
fi
# The releases the selected domUs boot on (each needs its own toolstack in dom0).
domu_used_releases=$(for label in $env_list; do domu_is_env "${label%@*}" && echo "${label#*@}"; done | sort -uV | tr '\n' ' ')
if [ -n "$domu_used_releases" ] && ! domu_install_deps $domu_used_releases; then
	[ "${XEN_STAGE_OPTIONAL:-0}" = 1 ] && { echo "xen stage: SKIPPED: the domU packages could not be installed"; exit 0; }
	die "the domU packages (${domu_packages[*]}, and for 4.20 trixie's toolstack) could not be installed"
fi
# The kernel: XS_KVER, else the newest /boot/vmlinuz-* with its modules (not `uname -r`: the
# host's kernel is not the guest's).
kver=${XS_KVER:-}
if [ -z "$kver" ]; then
	for v in $(ls /boot/vmlinuz-* 2> /dev/null | sed 's|^/boot/vmlinuz-||' | sort -V); do
		[ -d "/lib/modules/$v" ] && kver=$v
	done
fi
vmlinuz=/boot/vmlinuz-$kver
moddir=/lib/modules/$kver
# The releases the selected environments boot on.
used_releases=$(for label in $env_list; do [ "$label" = "${label#*@}" ] || echo "${label#*@}"; done | sort -uV | tr '\n' ' ')
for f in $(for r in $used_releases; do echo "${xen_gz_of[$r]}"; done) "$vmlinuz" "$moddir/modules.dep" /bin/busybox /usr/bin/xen-detect /usr/bin/cpuid; do
	[ -e "$f" ] || die "missing $f after installing the packages"
done
command -v qemu-system-x86_64 > /dev/null || die "qemu-system-x86_64 is not installed"

# --- 2. the binary under test ----------------------------------------------------------------
if [ -z "$binary" ]; then
	binary=$root/.build/release/xen-detect
	if [ "${XS_NO_BUILD:-0}" != 1 ] || [ ! -x "$binary" ]; then
		echo "xen stage: building the release binary"
		(cd "$root" && swift build -c release --static-swift-stdlib -Xswiftc -static-executable 2>&1 |
			grep -v -e "requires at runtime the shared libraries" -e "better use .mkstemp") ||
			die "swift build -c release failed"
	fi
fi
[ -x "$binary" ] || die "no executable binary at $binary"
case "$(cd "$(dirname "$binary")" && pwd)" in
	"$here"/selftest*) [ "$record" = 1 ] && die "refusing to record fixtures with the self-test stand-in $binary" ;;
esac

# --- 3. the initramfs ------------------------------------------------------------------------
mkdir -p "$work"
staging=$work/initramfs
rm -rf "$staging"
mkdir -p "$staging"/{bin,usr/bin,dev,proc,sys,tmp,xs/checks,xs/modules,opt/xen-detect/bin}

# copy_with_libs SRC DEST: an executable and, if it is dynamic, the libraries ldd names.
copy_with_libs() {
	cp "$1" "$staging$2" || die "cannot copy $1"
	local lib
	for lib in $(ldd "$1" 2> /dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$staging$(dirname "$lib")"
		cp -L "$lib" "$staging$lib"
	done
}
cp /bin/busybox "$staging/bin/busybox"
copy_with_libs /usr/bin/xen-detect /usr/bin/xen-detect
copy_with_libs /usr/bin/cpuid /usr/bin/cpuid
# A peer for the table of tested environments (docs/tested-environments.md; checks/80-peers.sh).
[ -x /usr/bin/systemd-detect-virt ] && copy_with_libs /usr/bin/systemd-detect-virt /usr/bin/systemd-detect-virt
copy_with_libs "$binary" /opt/xen-detect/bin/xen-detect
strip "$staging/opt/xen-detect/bin/xen-detect" 2> /dev/null || true
[ -e /dev/console ] && mknod "$staging/dev/console" c 5 1 2> /dev/null || true

# Kernel modules with their dependencies, dependencies first (modules.dep lists them).
declare -A module_done=()
module_order=()
add_module() {
	local rel=$1 dep
	[ -n "${module_done[$rel]:-}" ] && return
	module_done[$rel]=1
	for dep in $(grep "^$rel:" "$moddir/modules.dep" | cut -d: -f2); do add_module "$dep"; done
	local name
	name=$(basename "$rel")
	name=${name%%.ko*}
	case "$rel" in
		*.ko) cp "$moddir/$rel" "$staging/xs/modules/$name.ko" ;;
		*.ko.xz) xz -dc "$moddir/$rel" > "$staging/xs/modules/$name.ko" ;;
		*.ko.zst) zstd -qdc "$moddir/$rel" > "$staging/xs/modules/$name.ko" ;;
		*.ko.gz) gzip -dc "$moddir/$rel" > "$staging/xs/modules/$name.ko" ;;
	esac
	module_order+=("$name")
}
for m in xenfs xen-privcmd msr cpuid; do
	rel=$(grep -o "^[^:]*/$m\.ko[^:]*" "$moddir/modules.dep" | head -n 1)
	[ -n "$rel" ] || die "module $m not found in $moddir"
	add_module "$rel"
done
printf '%s\n' "${module_order[@]}" > "$staging/xs/modules.order"
# Packed but not loaded at boot: checks/46-pv-selftests.sh first proves the self-tests' "module not
# loaded" answer, then loads them (xs_load_pv_modules, guest/lib.sh).
module_order=()
for m in xen-evtchn xen-gntalloc xen-gntdev; do
	rel=$(grep -o "^[^:]*/$m\.ko[^:]*" "$moddir/modules.dep" | head -n 1)
	[ -n "$rel" ] || die "module $m not found in $moddir"
	add_module "$rel"
done
printf '%s\n' "${module_order[@]}" > "$staging/xs/pv-modules.order"

cp "$here/guest/init" "$staging/init"
cp "$here/guest/lib.sh" "$staging/xs/lib.sh"
cp "$here"/checks/*.sh "$staging/xs/checks/" 2> /dev/null
chmod 0755 "$staging/init"
initrd=$work/initrd.gz
(cd "$staging" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet | gzip -1 > "$initrd") ||
	die "cannot build the initramfs"

# QEMU's multiboot loader wants Xen's ELF, not the gzip'd image.
declare -A xen_elf_of=()
for r in $used_releases; do
	xen_gz=${xen_gz_of[$r]}
	xen_elf=$work/$(basename "$xen_gz" .gz)
	if [ ! -s "$xen_elf" ] || [ "$xen_gz" -nt "$xen_elf" ]; then
		gzip -dc "$xen_gz" > "$xen_elf.tmp" && mv "$xen_elf.tmp" "$xen_elf" || die "cannot unpack $xen_gz"
	fi
	xen_elf_of[$r]=$xen_elf
done
echo "xen stage: initramfs $(du -k "$initrd" | cut -f1) KiB, kernel $kver, Xen$(for r in $used_releases; do printf ' %s' "$(basename "${xen_elf_of[$r]}")"; done)"
[ -z "$domu_used_releases" ] || domu_build $domu_used_releases

# --- 4. boot -------------------------------------------------------------------------------
# Guest parameters: commas would split QEMU's multiboot module list, so patterns travel as '+'.
guest_args="quiet panic=-1 xs.checks=$(echo "$checks" | tr ',' '+') xs.record=$record xs.timeout=$check_timeout ${XS_GUEST_ARGS:-}"
xen_args="console=com1 com1=115200,8n1 dom0_mem=768M,max:768M loglvl=warning"
xen_extra=${XS_XEN_ARGS:-}
# -cpu max and -cpu EPYC crash dom0; this model works for all three.
qemu=(qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt -smp 1 -display none -no-reboot)

# boot_command LABEL LOG: sets boot[] to the QEMU command line of LABEL (ENV@RELEASE or linux).
boot_command() {
	local env=${1%@*} release=${1#*@} log=$2
	xen_elf=${xen_elf_of[$release]:-}
	case "$env" in
		pv-dom0)
			boot=("${qemu[@]}" -m 2048 -serial "file:$log" -kernel "$xen_elf" -append "$xen_args $xen_extra"
				-initrd "$vmlinuz console=hvc0 $guest_args xs.env=$env xs.xen=$release,$initrd") ;;
		pvh-dom0)
			# PVH dom0 needs an IOMMU ("iommu must be enabled for PVH hardware domain").
			boot=("${qemu[@]}" -m 2048 -M q35 -device amd-iommu -serial "file:$log" -kernel "$xen_elf"
				-append "$xen_args dom0=pvh iommu=1 $xen_extra"
				-initrd "$vmlinuz console=hvc0 $guest_args xs.env=$env xs.xen=$release,$initrd") ;;
		linux)
			boot=("${qemu[@]}" -m 1024 -serial "file:$log" -kernel "$vmlinuz" -initrd "$initrd"
				-append "console=ttyS0 $guest_args xs.env=$env") ;;
		*-domu) domu_boot_command "$env" "$release" "$log" ;;
	esac
}

mkdir -p "$work/console"
declare -A pid=() started=() elapsed=() qemu_status=()
# On interruption, stop the boots this script started: each `timeout` (by the PID it wrote),
# which passes the signal on to its QEMU.
cleanup() {
	local e p
	for e in "${!pid[@]}"; do
		p=$(cat "$work/console/$e.pid" 2> /dev/null) && kill "$p" 2> /dev/null
		kill "${pid[$e]}" 2> /dev/null
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# At most $jobs boots at a time (XS_JOBS): TCG runs each guest on one host thread, and a guest
# starved of CPU slows down, so its checks' timeouts must not stand in for the machine's load.
# The slow boots start first (PVH dom0 and the domUs take about twice as long as PV dom0, plain
# Linux a third; of the domUs HVM and Viridian, with their device model, longest, PV shortest:
# docs/domu.md, "Time"), so the short ones fill the slots instead of a long one starting last.
launch_order=$(for label in $env_list; do
	case "${label%@*}" in
		hvm-domu | hvm-viridian-domu | hvm-pvio-domu | hvm-emulated-domu) echo "0 $label" ;;
		pv-dom0 | pv-domu) echo "2 $label" ;;
		linux) echo "3 $label" ;;
		*) echo "1 $label" ;;
	esac
done | sort -s -k1,1n | cut -d' ' -f2)
running=0
for label in $launch_order; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	log=$work/console/$label.log
	: > "$log"
	boot_command "$label" "$log"
	printf '%q ' "${boot[@]}" > "$work/console/$label.cmd"
	echo >> "$work/console/$label.cmd"
	started[$label]=$(date +%s)
	rm -f "$work/console/$label.end" "$work/console/$label.pid"
	# Each boot notes its own end, so one slow boot does not inflate the others' times.
	rm -f "$work/console/$label.stalled"
	(
		for attempt in 1 2; do
			timeout -k 10 "$(domu_timeout_for "${label%@*}")" "${boot[@]}" < /dev/null > "$work/console/$label.qemu" 2>&1 &
			qemu=$!
			echo $qemu > "$work/console/$label.pid"
			size=-1 quiet_since=$(date +%s) stalled=
			while kill -0 $qemu 2> /dev/null; do
				sleep 5
				now=$(date +%s) new_size=$(stat -c %s "$log" 2> /dev/null || echo 0)
				if [ "$new_size" != "$size" ]; then
					size=$new_size quiet_since=$now
				elif [ $((now - quiet_since)) -ge "$stall_timeout" ]; then
					stalled="console silent for $((now - quiet_since)) s at $((now - ${started[$label]})) s"
					kill $qemu 2> /dev/null
					break
				fi
			done
			wait $qemu
			status=$?
			[ -n "$stalled" ] || break
			echo "attempt $attempt: $stalled" >> "$work/console/$label.stalled"
			[ "$attempt" = 1 ] || { status=125; break; }
			mv "$log" "$work/console/$label.stalled-1.log"
			: > "$log"
		done
		echo "$status $(date +%s)" > "$work/console/$label.end"
	) &
	pid[$label]=$!
	running=$((running + 1))
done
for label in $env_list; do
	wait "${pid[$label]}"
	unset "pid[$label]"
	read -r status end < "$work/console/$label.end" || { status=255; end=$(date +%s); }
	qemu_status[$label]=$status
	elapsed[$label]=$((end - ${started[$label]}))
done
trap - EXIT

# --- 5. results ----------------------------------------------------------------------------
results=$work/results.txt
: > "$results"
out=$work/out
rm -rf "$out"
for label in $env_list; do
	env=${label%@*} # what the guest calls itself (XS_ENV); the label adds the release
	log=$work/console/$label.log
	clean=$work/console/$label.txt
	tr -d '\r' < "$log" > "$clean"
	[ "$verbose" = 1 ] && sed "s|^|[$label] |" "$clean"
	end_line=$(grep -a "^@@XS-END $env " "$clean" | head -n 1)
	if ! grep -aq "^@@XS-BEGIN $env " "$clean" || [ -z "$end_line" ]; then
		reason="the guest did not finish"
		[ "${qemu_status[$label]}" = 124 ] && reason="timed out after $(domu_timeout_for "$env")s"
		[ "${qemu_status[$label]}" = 125 ] && reason="stalled twice ($(paste -sd';' "$work/console/$label.stalled"))"
		grep -aqE 'Kernel panic|Panic on CPU|\*\*\*\* Panic' "$clean" && reason="panicked"
		domu_is_env "$env" && grep -aq "^@@XS-DOM0-FAIL $env " "$clean" &&
			reason="dom0: $(grep -a "^@@XS-DOM0-FAIL $env " "$clean" | head -n 1 | cut -d' ' -f3-)"
		echo "FAIL $label boot: $reason (qemu status ${qemu_status[$label]}, console $log)" >> "$results"
		{
			if domu_is_env "$env"; then
				echo "xen stage: $label $reason"
				domu_failure_tails "$env" "$clean"
			else
				echo "xen stage: $label $reason; last 40 console lines:"
				tail -n 40 "$clean" | sed "s|^|  [$label] |"
			fi
			[ -s "$work/console/$label.qemu" ] && sed "s|^|  [$label qemu] |" "$work/console/$label.qemu"
		} >&2
	fi
	# Verdicts (only this environment's, only inside the frame), the guest's name replaced by the label.
	awk -v env="$env" -v label="$label" '
		$0 ~ "^@@XS-BEGIN " env " " { on = 1; next }
		$0 ~ "^@@XS-END " env " " { on = 0 }
		on && ($1 == "PASS" || $1 == "FAIL") && $2 == env { print $1 " " label substr($0, length($1 " " env) + 1) }
	' "$clean" >> "$results"
	# Files: "@@F NAME LINE" lines, closed by "@@F-END NAME lines=N md5=SUM".
	mkdir -p "$out/$label"
	for name in $(grep -a '^@@F-END ' "$clean" | awk '{print $2}' | sort -u); do
		case "$name" in */* | .*) continue ;; esac
		awk -v name="$name" 'index($0, "@@F " name " ") == 1 { print substr($0, length(name) + 6) }' \
			"$clean" > "$out/$label/$name"
		want=$(grep -a "^@@F-END $name " "$clean" | tail -n 1)
		got="@@F-END $name lines=$(wc -l < "$out/$label/$name") md5=$(md5sum < "$out/$label/$name" | cut -d' ' -f1)"
		if [ "$want" != "$got" ]; then
			echo "FAIL $label transfer/$name: garbled on the console (sent '$want', received '$got')" >> "$results"
			mv "$out/$label/$name" "$out/$label/$name.garbled"
		fi
	done
done

# Recorded files become fixtures, named after where they were recorded.
if [ "$record" = 1 ]; then
	for label in $env_list; do
		# e.g. xen-4.17-pv-dom0 for pv-dom0@4.17
		case "$label" in
			*@*) prefix=xen-${label#*@}-${label%@*} ;;
			linux) prefix=qemu-tcg-linux ;;
		esac
		for f in "$out/$label"/*; do
			[ -f "$f" ] || continue
			case "$f" in *.garbled) continue ;; esac
			dest=$fixtures
			# What fleets get (checks/50-fleet.sh) belongs to the Fleet module's tests.
			case "$(basename "$f")" in facts.json | metrics.prom) dest=$root/Tests/FleetTests/Fixtures ;; esac
			mkdir -p "$dest"
			cp "$f" "$dest/$prefix.$(basename "$f")"
			echo "xen stage: recorded $dest/$prefix.$(basename "$f")"
		done
	done
fi

cat "$results"
# A boot that stalled once and passed on its retry says so (its first console is kept).
for label in $env_list; do
	[ -s "$work/console/$label.stalled" ] || continue
	echo "xen stage: RETRIED $label: $(paste -sd';' "$work/console/$label.stalled"); first console $work/console/$label.stalled-1.log"
done
passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
# Each release's count, and plain Linux's.
for release in $used_releases ""; do
	n_pass=0 n_fail=0 boots=""
	for label in $env_list; do
		[ "$label" = "${label%@*}" ] && on= || on=${label#*@}
		[ "$on" = "$release" ] || continue
		n_pass=$((n_pass + $(awk -v l="$label" '$1 == "PASS" && $2 == l' "$results" | wc -l)))
		n_fail=$((n_fail + $(awk -v l="$label" '$1 == "FAIL" && $2 == l' "$results" | wc -l)))
		boots="$boots $label=${elapsed[$label]}s"
	done
	[ -n "$boots" ] || continue
	on="Xen $release"
	[ -n "$release" ] || on="no Xen"
	echo "xen stage: $on: $n_pass passed, $n_fail failed (boots:$boots)"
done
echo "xen stage: wall time $(($(date +%s) - stage_start))s ($jobs boots at a time); console logs in $work/console"
if [ $((passed + failed)) -eq 0 ]; then
	echo "xen stage: no checks ran" >&2
	echo "xen stage: 0 passed, 1 failed"
	exit 1
fi
echo "xen stage: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
