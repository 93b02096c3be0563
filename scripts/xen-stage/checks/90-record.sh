# Fixtures for the unit tests, recorded inside this guest and sent to the host as files
# (run.sh --record copies them to Tests/CPUIDProbeTests/Fixtures/<where>.<name>):
#   cpuid          Debian's `cpuid -r -1`: plain CPUID instructions from user space
#   devcpu.cpuid   Debian's `cpuid -k -r -1`: through /dev/cpu/0/cpuid, i.e. the kernel's CPUID
#                  (in PV dom0 that is Xen's emulated CPUID)
#   sysfs.txt      /sys/hypervisor/** and /proc/xen/capabilities as "path=value" lines; values
#                  with bytes outside printable ASCII are "hex:<bytes>", newlines inside a value
#                  are written "\n", files that cannot be read are "# unreadable: path: error"
#   leaves.<source>.txt  our own `xen-detect leaves --source <source>` output
record_command() {
	name=$1
	shift
	if "$@" > "$name.rec" 2> "$name.err"; then
		xs_emit_file "$name" < "$name.rec"
		xs_pass "$name"
	else
		xs_fail "$name" "'$*' failed with status $?: $(head -c 200 "$name.err")"
	fi
}

sysfs_dump() {
	found=0
	for file in $(find /sys/hypervisor /proc/xen/capabilities -type f 2> /dev/null | sort); do
		found=1
		if ! timeout 5 cat "$file" > value 2> error; then
			echo "# unreadable: $file: $(tr '\n' ' ' < error)"
		elif [ "$(tr -d '\11\12\15\40-\176' < value | wc -c)" -gt 0 ]; then
			echo "$file=hex:$(od -An -tx1 -v < value | tr -d ' \n')"
		else
			echo "$file=$(awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }' value)"
		fi
	done
	[ "$found" = 1 ] || echo "# no files under /sys/hypervisor or /proc/xen"
}

record_command cpuid cpuid -r -1
record_command devcpu.cpuid cpuid -k -r -1
record_command sysfs.txt sysfs_dump
# Our leaves output, in `cpuid -r` format; anything else is not worth recording.
our_leaves() {
	"$XS_OURS" leaves --source "$1" > leaves.out || return
	if ! grep -q '^   0x4[0-9a-f]\{7\} 0x[0-9a-f]\{2\}: eax=0x[0-9a-f]\{8\} ebx=0x[0-9a-f]\{8\} ecx=0x[0-9a-f]\{8\} edx=0x[0-9a-f]\{8\}$' leaves.out; then
		echo "no hypervisor leaf in cpuid -r format: $(head -c 120 leaves.out)" >&2
		return 1
	fi
	cat leaves.out
}
for source in native devcpu; do
	record_command "leaves.$source.txt" our_leaves "$source"
done
if [ "$XS_ENV" = pv-dom0 ] || [ "$XS_ENV" = pv-domu ]; then
	record_command leaves.pv.txt our_leaves pv
fi
