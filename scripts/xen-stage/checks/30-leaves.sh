# `xen-detect leaves`: each source prints the hypervisor leaves in `cpuid -r` format.
#   devcpu == native, except in PV (dom0 and domU): there plain CPUID (native) shows QEMU's TCG leaves while
#   the kernel's CPUID behind /dev/cpu is Xen's emulated one, so devcpu == pv instead (on the
#   hypervisor leaves: leaf 1 differs, Linux masks feature bits in its PV CPUID).
#   native agrees with Debian's `cpuid -r -1`, devcpu with `cpuid -k -r -1`, wherever both print
#   the same leaf and subleaf; both print the base leaf.
cpuid -r -1 > plain.cpuid 2> /dev/null
cpuid -k -r -1 > kernel.cpuid 2> /dev/null

sources="native devcpu devcpu:0"
{ [ "$XS_ENV" = pv-dom0 ] || [ "$XS_ENV" = pv-domu ]; } && sources="$sources pv"
for source in $sources; do
	file=$(echo "$source" | tr ':' '_')
	if "$XS_OURS" leaves --source "$source" > "$file.out" 2> "$file.err"; then
		grep '^   0x' "$file.out" > "$file.leaves"
		if [ -s "$file.leaves" ]; then
			xs_pass "runs/$source"
		else
			xs_fail "runs/$source" "no leaf lines: $(head -c 200 "$file.out")"
		fi
	else
		xs_fail "runs/$source" "status $?: $(head -c 200 "$file.err")"
		: > "$file.leaves"
	fi
done

same() {
	if [ ! -s "$2" ] || [ ! -s "$3" ]; then
		xs_fail "$1" "nothing to compare (a source printed no leaves)"
	elif cmp -s "$2" "$3"; then
		xs_pass "$1"
	else
		xs_fail "$1" "$(diff "$2" "$3" | grep '^[-+] ' | head -n 6 | tr '\n' ';')"
	fi
}
same devcpu:0=devcpu devcpu.leaves devcpu_0.leaves
if [ "$XS_ENV" = pv-dom0 ] || [ "$XS_ENV" = pv-domu ]; then
	# Hypervisor leaves only: the pv source lists no leaf 1 (it scans like xen-detect), and the
	# kernel's leaf 1 is masked by Linux's xen_cpuid anyway.
	grep '^   0x4' devcpu.leaves > devcpu.hv
	grep '^   0x4' pv.leaves > pv.hv
	same devcpu=pv devcpu.hv pv.hv
	# What PV dom0 shows: TCG's signature natively, Xen's through the kernel.
	grep -q '^   0x40000000 0x00: .*ebx=0x54474354 ecx=0x43544743 edx=0x47435447' native.leaves &&
		xs_pass pv-native-is-tcg || xs_fail pv-native-is-tcg "$(head -n 1 native.leaves)"
	grep -q '^   0x40000000 0x00: .*ebx=0x566e6558 ecx=0x65584d4d edx=0x4d4d566e' devcpu.leaves &&
		xs_pass pv-devcpu-is-xen || xs_fail pv-devcpu-is-xen "$(head -n 1 devcpu.leaves)"
else
	same devcpu=native devcpu.leaves native.leaves
fi

# agree NAME OURS DEBIAN: same registers wherever both print a leaf/subleaf; the base leaf in both.
agree() {
	awk -v name="$1" '
		FILENAME == ARGV[1] { if ($1 ~ /^0x4/) ours[$1 " " $2] = $0; next }
		$1 ~ /^0x4/ { theirs[$1 " " $2] = $0 }
		END {
			bad = ""; both = 0
			for (k in ours) if (k in theirs) { both++; if (ours[k] != theirs[k]) bad = bad " ours[" ours[k] "] cpuid[" theirs[k] "]" }
			if (!(("0x40000000 0x00:") in ours)) bad = bad " no 0x40000000 in ours"
			if (bad == "") print "PASS"; else print "FAIL" bad
		}' "$2" "$3" > agree.out
	if [ "$(cat agree.out)" = PASS ]; then xs_pass "$1"; else xs_fail "$1" "$(cut -c6- agree.out)"; fi
}
agree native~cpuid-r native.leaves plain.cpuid
agree devcpu~cpuid-k-r devcpu.leaves kernel.cpuid
