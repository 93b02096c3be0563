# The hypercall page (docs/hypercalls.md): installed from user space through the MSR that
# CPUID leaf base+2 EBX names, read back, verified, and one entry called from user mode.
#   pvh-dom0  installs, verifies as svm (QEMU's CPU here is AMD-like: qemu64,+svm), and the
#             xen_version entry called from CPL 3 answers -EPERM (xen/arch/x86/hvm/hypercall.c)
#   pv-dom0   refused (pagemap frames are pseudo-physical), status 78, nothing written
#   linux     no Xen: status 69
# "Nothing written" is seen through the kernel: Linux's msr driver (arch/x86/kernel/msr.c) sets
# taint bit 2 (TAINT_CPU_OUT_OF_SPEC, 4) on every write through /dev/cpu/N/msr and logs "Write to
# unrecognized MSR 0x... by <comm>" (rate-limited: one line per 30 s, enough here as the first
# write is the install's). Every refusal is also checked with a recording fake in the unit tests.
# msr_taint: 4 when anything was written through the msr driver since boot, else 0.
msr_taint() { echo $(($(cat /proc/sys/kernel/tainted) & 4)); }
# msr_writes_logged: how many MSR writes the msr driver logged.
msr_writes_logged() { dmesg | grep -c "Write to unrecognized MSR"; }
page() { "$XS_OURS" hypercall-page "$@"; }
# as_nobody CMD: runs CMD (a shell command line) as uid 65534 through busybox su; the
# initramfs has no /etc/passwd, so the user is added here.
as_nobody() {
	mkdir -p /etc
	grep -q '^nobody:' /etc/passwd 2> /dev/null || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
	grep -q '^nogroup:' /etc/group 2> /dev/null || echo 'nogroup:x:65534:' >> /etc/group
	su nobody -s /bin/sh -c "$1"
}

refused() {  # refused NAME STATUS ARGS...: the install is refused with STATUS and one line
	_n=$1 _s=$2
	shift 2
	xs_run refused page install "$@"
	xs_expect "$_n.status" "$_s" "$(cat refused.rc)"
	xs_expect "$_n.stderr-lines" 1 "$(wc -l < refused.err | tr -d ' ')"
	xs_expect "$_n.stdout" "" "$(cat refused.out)"
}

case "$XS_ENV" in
linux)
	refused off-xen.install 69 --yes-write-msr --json
	xs_expect off-xen.install.wrote-nothing "0 0" "$(msr_taint) $(msr_writes_logged)"
	xs_run show page show
	xs_expect off-xen.show.status 69 "$(cat show.rc)"
	;;
pv-dom0 | pv-domu)
	xs_expect pv.no-msr-write-before 0 "$(msr_taint)"
	refused pv.install 78 --yes-write-msr --json
	xs_expect pv.install.wrote-nothing "0 0" "$(msr_taint) $(msr_writes_logged)"
	grep -q "PV" refused.err && xs_pass pv.install.reason || xs_fail pv.install.reason "$(cat refused.err)"
	xs_run show page show --json
	xs_expect pv.show.status 0 "$(cat show.rc)"
	xs_json_flatten < show.out > show.flat
	xs_expect pv.show.flavor pv64 "$(xs_json_get show.flat flavor)"
	;;
pvh-dom0 | pvh-domu | hvm-domu | hvm-viridian-domu)
	# The domUs too (docs/domu.md); with Viridian, Xen's leaves and so its MSR sit 0x100 higher.
	cpuid -k -r -1 > kernel.cpuid 2> /dev/null
	xs_hypervisor_leaves kernel.cpuid > kernel.sigs
	base=$(awk '$2 == "XenVMMXenVMM" { print $1; exit }' kernel.sigs)
	line=$(grep "^   $(printf '0x%08x' $((base + 2))) 0x00:" kernel.cpuid)
	msr=$(($(echo "$line" | sed -n 's/.*ebx=\(0x[0-9a-f]*\).*/\1/p')))

	xs_expect pvh.no-msr-write-before 0 "$(msr_taint)"
	# Refusals first: each names its reason, exits 78, writes nothing.
	refused pvh.no-consent 78 --json
	refused pvh.other-msr 78 --yes-write-msr --msr "$(printf 0x%x $((msr + 1)))"
	refused pvh.page-index 78 --yes-write-msr --page-index 1
	refused pvh.unknown-cpu 78 --yes-write-msr --cpu 64
	as_nobody "$XS_OURS hypercall-page install --yes-write-msr" > nonroot.out 2> nonroot.err
	xs_expect pvh.nonroot.status 77 "$?"
	xs_expect pvh.nonroot.stderr "1 xen-detect: installing the hypercall page needs root (the MSR device and page frames)" \
		"$(wc -l < nonroot.err | tr -d ' ') $(cat nonroot.err)"

	# None of the refusals wrote through the msr driver.
	xs_expect pvh.refusals-wrote-nothing "0 0" "$(msr_taint) $(msr_writes_logged)"
	xs_run show page show --json
	xs_json_flatten < show.out > show.flat
	xs_expect pvh.show.msr "$msr" "$(xs_json_get show.flat msr)"
	xs_expect pvh.show.flavor svm "$(xs_json_get show.flat flavor)"

	xs_run install page install --yes-write-msr --json --show-page
	xs_expect pvh.install.status 0 "$(cat install.rc)"
	grep -v '"page"' install.out
	xs_json_flatten < install.out > install.flat
	get() { xs_json_get install.flat "$1"; }
	xs_expect pvh.install.installed true "$(get installed)"
	xs_expect pvh.install.msr "$msr" "$(get msr)"
	gfn=$(get gfn)
	[ -n "$gfn" ] && [ "$gfn" -gt 0 ] && xs_pass pvh.install.gfn || xs_fail pvh.install.gfn "'$gfn'"
	xs_expect pvh.install.flavor svm "$(get flavor)"
	xs_expect pvh.install.verified true "$(get verified)"
	# The frame that cannot move: a hypercall buffer page, off the LRU as the kernel's own
	# /proc/kpageflags says, Xen's stubs written over the canary, and the taint the driver sets.
	xs_expect pvh.install.backing /dev/xen/hypercall "$(get backing)"
	xs_expect pvh.install.frame-off-lru false "$(get frameOnLRU)"
	xs_expect pvh.install.xen-wrote true "$(get xenWrote)"
	xs_expect pvh.install.taint-reported 4 "$(($(get kernelTaint) & 4))"
	xs_expect pvh.install.anomalies "[]" "$(get anomalies)"
	xs_expect pvh.call.hypercall xen_version "$(get userModeCall.hypercall)"
	xs_expect pvh.call.rax -1 "$(get userModeCall.rax)"
	xs_expect pvh.call.errno EPERM "$(get userModeCall.errno)"
	# The page read back: 4096 bytes, verified again from a file, and sent to the host
	# (one entry per line) for the unit tests' recorded fixture.
	get page | fold -w 64 > page.hex
	xs_expect pvh.page.lines 128 "$(wc -l < page.hex | tr -d ' ')"
	xxd -r -p page.hex > page.bin
	xs_expect pvh.page.bytes 4096 "$(wc -c < page.bin | tr -d ' ')"
	xs_run verify page verify --file page.bin --flavor svm --json
	xs_expect pvh.verify.status 0 "$(cat verify.rc)"
	xs_json_flatten < verify.out > verify.flat
	xs_expect pvh.verify.verified true "$(xs_json_get verify.flat verified)"
	xs_run verify-vmx page verify --file page.bin --flavor vmx
	xs_expect pvh.verify.other-flavor 1 "$(cat verify-vmx.rc)"
	xs_emit_file hypercall-page.hex < page.hex
	# Twice in a row works too (a fresh page each time).
	# The install wrote exactly once, to the MSR CPUID names, as the kernel saw it.
	xs_expect pvh.install.msr-write "4 1" "$(msr_taint) $(msr_writes_logged)"
	xs_expect pvh.install.msr-written "$(printf '0x%x' "$msr")" \
		"$(dmesg | sed -n 's/.*Write to unrecognized MSR \(0x[0-9a-f]*\) by \([^ ]*\).*/\1/p')"
	xs_run again page install --yes-write-msr
	xs_expect pvh.install.again 0 "$(cat again.rc)"
	cat again.out
	grep -q "svm flavor, 128 entries, verified" again.out && xs_pass pvh.install.text || xs_fail pvh.install.text "$(cat again.out again.err)"
	;;
esac
