#!/usr/bin/env bash
# The Xen stage: proves the toolkit's runtime claims inside real Xen 4.17 and plain Linux, all
# under QEMU's software emulation (TCG; KVM cannot run ordinary guests on the CI machines).
#   1. installs the Debian packages (install-deps.sh; XEN_STAGE_OPTIONAL=1 turns a failure into a skip)
#   2. builds the release binary (fully static) unless one is given
#   3. builds ONE initramfs: busybox, kernel modules, Debian's xen-detect and cpuid, our binary,
#      guest/init, guest/lib.sh and checks/*.sh
#   4. boots Xen PV dom0, Xen PVH dom0 and plain Linux in parallel; each guest runs every check
#      and powers off; its output is framed by @@XS-BEGIN/@@XS-END on the serial console
#   5. collects "PASS <env> <check>" / "FAIL <env> <check>: <detail>" lines and files the checks
#      emitted, prints them, and ends with "xen stage: N passed, M failed"
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
                    and the domUs pvh-domu,pv-domu,hvm-domu,hvm-viridian-domu (or "domu" for all four,
                    "all" for all seven; see docs/domu.md)
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
for env in $(echo "$envs" | tr ',' ' '); do
	case "$env" in
		pv-dom0 | pvh-dom0 | linux) ;;
		*) domu_is_env "$env" ||
			{ echo "xen stage: unknown environment '$env' (known: pv-dom0, pvh-dom0, linux, ${domu_all_envs// /, })" >&2; exit 64; } ;;
	esac
done
work=${XS_WORK:-$root/.xen-stage}
xen_gz=${XS_XEN_GZ:-/boot/xen-4.17-amd64.gz}
boot_timeout=${XS_BOOT_TIMEOUT:-480}
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
for env in $(echo "$envs" | tr ',' ' '); do
	if domu_is_env "$env"; then
		domu_install_deps && break
		[ "${XEN_STAGE_OPTIONAL:-0}" = 1 ] && { echo "xen stage: SKIPPED: the domU packages could not be installed"; exit 0; }
		die "the domU packages (${domu_packages[*]}) could not be installed"
	fi
done
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
for f in "$xen_gz" "$vmlinuz" "$moddir/modules.dep" /bin/busybox /usr/bin/xen-detect /usr/bin/cpuid; do
	[ -e "$f" ] || die "missing $f after installing the packages"
done
command -v qemu-system-x86_64 > /dev/null || die "qemu-system-x86_64 is not installed"
# Fixture names carry the hypervisor's version, e.g. xen-4.17-pv-dom0.cpuid.
xen_name=$(basename "$xen_gz" .gz)
xen_name=${xen_name%-amd64}

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

cp "$here/guest/init" "$staging/init"
cp "$here/guest/lib.sh" "$staging/xs/lib.sh"
cp "$here"/checks/*.sh "$staging/xs/checks/" 2> /dev/null
chmod 0755 "$staging/init"
initrd=$work/initrd.gz
(cd "$staging" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet | gzip -1 > "$initrd") ||
	die "cannot build the initramfs"

# QEMU's multiboot loader wants Xen's ELF, not the gzip'd image.
xen_elf=$work/$(basename "$xen_gz" .gz)
if [ ! -s "$xen_elf" ] || [ "$xen_gz" -nt "$xen_elf" ]; then
	gzip -dc "$xen_gz" > "$xen_elf.tmp" && mv "$xen_elf.tmp" "$xen_elf" || die "cannot unpack $xen_gz"
fi
echo "xen stage: initramfs $(du -k "$initrd" | cut -f1) KiB, kernel $kver, $(basename "$xen_elf")"
for env in $(echo "$envs" | tr ',' ' '); do
	if domu_is_env "$env"; then domu_build; break; fi
done

# --- 4. boot -------------------------------------------------------------------------------
# Guest parameters: commas would split QEMU's multiboot module list, so patterns travel as '+'.
guest_args="quiet panic=-1 xs.checks=$(echo "$checks" | tr ',' '+') xs.record=$record xs.timeout=$check_timeout ${XS_GUEST_ARGS:-}"
xen_args="console=com1 com1=115200,8n1 dom0_mem=768M,max:768M loglvl=warning"
xen_extra=${XS_XEN_ARGS:-}
# -cpu max and -cpu EPYC crash dom0; this model works for all three.
qemu=(qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt -smp 1 -display none -no-reboot)

# boot_command ENV LOG: sets boot[] to the QEMU command line of ENV.
boot_command() {
	local env=$1 log=$2
	case "$env" in
		pv-dom0)
			boot=("${qemu[@]}" -m 2048 -serial "file:$log" -kernel "$xen_elf" -append "$xen_args $xen_extra"
				-initrd "$vmlinuz console=hvc0 $guest_args xs.env=$env,$initrd") ;;
		pvh-dom0)
			# PVH dom0 needs an IOMMU ("iommu must be enabled for PVH hardware domain").
			boot=("${qemu[@]}" -m 2048 -M q35 -device amd-iommu -serial "file:$log" -kernel "$xen_elf"
				-append "$xen_args dom0=pvh iommu=1 $xen_extra"
				-initrd "$vmlinuz console=hvc0 $guest_args xs.env=$env,$initrd") ;;
		linux)
			boot=("${qemu[@]}" -m 1024 -serial "file:$log" -kernel "$vmlinuz" -initrd "$initrd"
				-append "console=ttyS0 $guest_args xs.env=$env") ;;
		*-domu) domu_boot_command "$env" "$log" ;;
	esac
}

mkdir -p "$work/console"
env_list=$(echo "$envs" | tr ',' ' ')
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
for env in $env_list; do
	log=$work/console/$env.log
	: > "$log"
	boot_command "$env" "$log"
	printf '%q ' "${boot[@]}" > "$work/console/$env.cmd"
	echo >> "$work/console/$env.cmd"
	started[$env]=$(date +%s)
	rm -f "$work/console/$env.end" "$work/console/$env.pid"
	# Each boot notes its own end, so one slow boot does not inflate the others' times.
	(
		timeout -k 10 "$(domu_timeout_for "$env")" "${boot[@]}" < /dev/null > "$work/console/$env.qemu" 2>&1 &
		echo $! > "$work/console/$env.pid"
		wait $!
		echo "$? $(date +%s)" > "$work/console/$env.end"
	) &
	pid[$env]=$!
done
for env in $env_list; do
	wait "${pid[$env]}"
	unset "pid[$env]"
	read -r status end < "$work/console/$env.end" || { status=255; end=$(date +%s); }
	qemu_status[$env]=$status
	elapsed[$env]=$((end - ${started[$env]}))
done
trap - EXIT

# --- 5. results ----------------------------------------------------------------------------
results=$work/results.txt
: > "$results"
out=$work/out
rm -rf "$out"
for env in $env_list; do
	log=$work/console/$env.log
	clean=$work/console/$env.txt
	tr -d '\r' < "$log" > "$clean"
	[ "$verbose" = 1 ] && sed "s|^|[$env] |" "$clean"
	end_line=$(grep -a "^@@XS-END $env " "$clean" | head -n 1)
	if ! grep -aq "^@@XS-BEGIN $env " "$clean" || [ -z "$end_line" ]; then
		reason="the guest did not finish"
		[ "${qemu_status[$env]}" = 124 ] && reason="timed out after $(domu_timeout_for "$env")s"
		grep -aqE 'Kernel panic|Panic on CPU|\*\*\*\* Panic' "$clean" && reason="panicked"
		domu_is_env "$env" && grep -aq "^@@XS-DOM0-FAIL $env " "$clean" &&
			reason="dom0: $(grep -a "^@@XS-DOM0-FAIL $env " "$clean" | head -n 1 | cut -d' ' -f3-)"
		echo "FAIL $env boot: $reason (qemu status ${qemu_status[$env]}, console $log)" >> "$results"
		{
			if domu_is_env "$env"; then
				echo "xen stage: $env $reason"
				domu_failure_tails "$env" "$clean"
			else
				echo "xen stage: $env $reason; last 40 console lines:"
				tail -n 40 "$clean" | sed "s|^|  [$env] |"
			fi
			[ -s "$work/console/$env.qemu" ] && sed "s|^|  [$env qemu] |" "$work/console/$env.qemu"
		} >&2
	fi
	# Verdicts (only this environment's, only inside the frame).
	awk -v env="$env" '
		$0 ~ "^@@XS-BEGIN " env " " { on = 1; next }
		$0 ~ "^@@XS-END " env " " { on = 0 }
		on && ($1 == "PASS" || $1 == "FAIL") && $2 == env { print }
	' "$clean" >> "$results"
	# Files: "@@F NAME LINE" lines, closed by "@@F-END NAME lines=N md5=SUM".
	mkdir -p "$out/$env"
	for name in $(grep -a '^@@F-END ' "$clean" | awk '{print $2}' | sort -u); do
		case "$name" in */* | .*) continue ;; esac
		awk -v name="$name" 'index($0, "@@F " name " ") == 1 { print substr($0, length(name) + 6) }' \
			"$clean" > "$out/$env/$name"
		want=$(grep -a "^@@F-END $name " "$clean" | tail -n 1)
		got="@@F-END $name lines=$(wc -l < "$out/$env/$name") md5=$(md5sum < "$out/$env/$name" | cut -d' ' -f1)"
		if [ "$want" != "$got" ]; then
			echo "FAIL $env transfer/$name: garbled on the console (sent '$want', received '$got')" >> "$results"
			mv "$out/$env/$name" "$out/$env/$name.garbled"
		fi
	done
done

# Recorded files become fixtures, named after where they were recorded.
if [ "$record" = 1 ]; then
	for env in $env_list; do
		case "$env" in
			pv-dom0 | pvh-dom0 | *-domu) prefix=$xen_name-$env ;;
			linux) prefix=qemu-tcg-linux ;;
		esac
		for f in "$out/$env"/*; do
			[ -f "$f" ] || continue
			case "$f" in *.garbled) continue ;; esac
			cp "$f" "$fixtures/$prefix.$(basename "$f")"
			echo "xen stage: recorded $fixtures/$prefix.$(basename "$f")"
		done
	done
fi

cat "$results"
passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
times=""
for env in $env_list; do times="$times $env=${elapsed[$env]}s"; done
echo "xen stage: wall time $(($(date +%s) - stage_start))s (boots:$times); console logs in $work/console"
if [ $((passed + failed)) -eq 0 ]; then
	echo "xen stage: no checks ran" >&2
	echo "xen stage: 0 passed, 1 failed"
	exit 1
fi
echo "xen stage: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
