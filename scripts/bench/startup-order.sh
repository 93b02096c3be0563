#!/usr/bin/env bash
# Writes scripts/bench/startup-order.txt: the symbols the default run (bare `xen-detect`, the
# drop-in) touches, functions first then data, in first-use order. scripts/build-release.sh hands
# the list to lld (--symbol-ordering-file), which places the sections holding them first in their
# output sections, so the start-up touches a few contiguous pages instead of pages scattered over
# a 25 MB binary: each page touched is a page fault (about 2.5 µs each on the development machine)
# and a TLB miss. BENCHMARKS.md has the measurements.
#
# Both ways the run decides are traced: CPUID (this machine: no /sys/hypervisor) and sysfs (every
# Linux Xen guest: a fake /sys/hypervisor bind-mounted in a private mount namespace; needs root,
# skipped with a warning otherwise). Needs valgrind (callgrind for the functions, lackey for the
# data addresses). The list only orders: a symbol that is gone is ignored, a new one is merely not
# placed early, so a stale list costs speed, never correctness. Re-run after changes to the
# drop-in's path: bash scripts/bench/startup-order.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "startup-order.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
bin=$(bash scripts/build-release.sh | tail -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind cannot read the DWARF 5 of this toolchain; the symbol table is all it needs.
strip --strip-debug -o "$work/xen-detect" "$bin"
mkdir -p "$work/sys/hypervisor/version"
echo xen >"$work/sys/hypervisor/type"
echo PVH >"$work/sys/hypervisor/guest_type"
echo 4 >"$work/sys/hypervisor/version/major"
echo 20 >"$work/sys/hypervisor/version/minor"

trace() {  # trace NAME [wrapper...]: callgrind and lackey runs of the bare command
  local name=$1; shift
  "$@" valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.$name" "$work/xen-detect" >/dev/null 2>&1
  "$@" valgrind --tool=lackey --trace-mem=yes --log-file="$work/mem.$name" "$work/xen-detect" >/dev/null 2>&1
}
trace cpuid
if unshare -m true 2>/dev/null; then
  # The mount namespace runs the traces under the fake /sys, then goes away with its mount.
  unshare -m bash -c "mount --bind '$work/sys' /sys && work='$work' && $(declare -f trace) && trace sysfs"
else
  echo "startup-order.sh: no mount namespace (not root?): the sysfs path is not traced" >&2
fi

python3 - "$work" >scripts/bench/startup-order.txt <<'PY'
import glob, re, subprocess, sys, bisect
work = sys.argv[1]
out = []
# Functions: every name callgrind saw, in the order its files first name them.
for f in sorted(glob.glob(f"{work}/cg.*")):
    for line in open(f):
        m = re.match(r"c?fn=\(\d+\) (.+)", line)
        if m and not m.group(1).startswith("0x"): out.append(m.group(1).strip())
# Data: the symbols holding each address the runs loaded or stored, in first-touch order.
syms = []
for line in subprocess.run(["nm", "-S", "-n", "--defined-only", f"{work}/xen-detect"],
                           capture_output=True, text=True, check=True).stdout.splitlines():
    p = line.split()
    if len(p) == 4 and p[2] in "bBdDrRvVgG": syms.append((int(p[0], 16), int(p[1], 16), p[3]))
starts = [s[0] for s in syms]
for f in sorted(glob.glob(f"{work}/mem.*")):
    for line in open(f):
        if len(line) < 4 or line[0] != " " or line[1] not in "SLM": continue
        a = int(line[3:].split(",")[0], 16)
        i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and syms[i][0] <= a < syms[i][0] + max(syms[i][1], 1): out.append(syms[i][2])
# A name defined more than once (the per-object local helpers such as
# __swift_instantiateConcreteTypeFromMangledName, outlined copies) would pull every object's whole
# .text holding one to the front, the prebuilt libraries' megabyte-sized ones among them: left out.
names = {}
for line in subprocess.run(["nm", f"{work}/xen-detect"], capture_output=True, text=True, check=True).stdout.splitlines():
    n = line.split()[-1]
    names[n] = names.get(n, 0) + 1
seen = set()
print("\n".join(s for s in out if names.get(s) == 1 and not (s in seen or seen.add(s))))
PY
echo "scripts/bench/startup-order.txt: $(wc -l <scripts/bench/startup-order.txt) symbols" >&2
