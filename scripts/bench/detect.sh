#!/usr/bin/env bash
# Benchmark of the default `xen-detect` run, side by side in one hyperfine run (whole process,
# median): Debian's C xen-detect, the release binary, the packaged one (stripped, from the .deb
# that scripts/package-deb.sh builds) and the floor (scripts/bench/floor.c, gcc -O2 -static: only
# the sysfs read and the CPUIDs the run cannot avoid), a static Swift hello-world (the floor of
# any static Swift program), plus the CPUID instructions each executes and the page faults of one
# run. PAGECACHE=cold|written picks the page-cache state the binaries start in (below).
# Writes the results to stdout as a Markdown section for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh
bin=$(bash scripts/build-release.sh | tail -1)
deb=$(bash scripts/package-deb.sh | tail -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/deb"
packaged=$(find "$work/deb/usr/bin" -type f)  # the one command the package installs
floor="$work/floor"
gcc -O2 -static -Wall -Wextra -o "$floor" scripts/bench/floor.c
# The floor of any static Swift program: one that only prints the line, linked the default way
# (gold) and the way scripts/build-release.sh links xen-detect (lld, segments on their own pages).
echo 'print("Not running on Xen.")' >"$work/hello.swift"
swiftc -O -static-executable -o "$work/hello" "$work/hello.swift" 2>/dev/null
swiftc -O -static-executable -use-ld=lld -Xlinker -z -Xlinker separate-loadable-segments \
  -o "$work/hello-lld" "$work/hello.swift" 2>/dev/null
strip "$work/hello" "$work/hello-lld"
# All four must print the same line, or the comparison means nothing.
want=$(/usr/bin/xen-detect || true)
for b in "$bin" "$packaged" "$floor"; do
  got=$("$b" || true)
  [ "$got" = "$want" ] || { echo "detect.sh: $b printed '$got', Debian's xen-detect '$want'" >&2; exit 1; }
done
# The page cache decides how many page faults a start-up takes: a file just written (by strip,
# by dpkg-deb) sits in large folios that one fault maps many pages of; a file read back from disk
# (after a reboot, or once evicted) sits in small ones. PAGECACHE=cold (the default) writes back
# and evicts each benchmarked file, then runs it once, so every binary starts in the state a user
# meets after a reboot; PAGECACHE=written leaves them as written.
if [ "${PAGECACHE:-cold}" = cold ]; then
  python3 - "$bin" "$packaged" "$floor" "$work/hello" "$work/hello-lld" /usr/bin/xen-detect <<'PY'
import os, sys
for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
PY
  for b in "$bin" "$packaged" "$floor" "$work/hello" "$work/hello-lld" /usr/bin/xen-detect; do "$b" >/dev/null || true; done
fi
# Page faults of one run (the kernel's count, whole process).
faults() { perf stat -x, -e page-faults "$1" 2>&1 >/dev/null | awk -F, '/page-faults/ { print $1 }'; }
{ for b in debian:/usr/bin/xen-detect ours:"$bin" packaged:"$packaged" floor:"$floor" hello:"$work/hello" \
    hello-lld:"$work/hello-lld"; do echo "${b%%:*} $(faults "${b#*:}")"; done; } >"$work/faults" 2>/dev/null || true
runs=${RUNS:-1000}
json="$work/hyperfine.json"
# BEFORE=path/to/an/earlier/xen-detect adds that build to the same run (before/after a change).
before=()
[ -n "${BEFORE:-}" ] && before=(-n before "$BEFORE")
hyperfine -N --warmup 50 --runs "$runs" --export-json "$json" \
  -n debian /usr/bin/xen-detect "${before[@]}" -n ours "$bin" -n packaged "$packaged" -n floor "$floor" \
  -n hello "$work/hello" -n hello-lld "$work/hello-lld" >&2
# CPUIDs, counted with gdb breakpoints on xd_cpuid and xd_cpuid_forced (the C shim's functions;
# the floor's keep those names). The packaged binary is stripped: it runs the release binary's code.
count() {
  gdb -q -batch -x scripts/bench/cpuid-count.gdb --args "$1" 2>/dev/null \
    | awk '/breakpoint +keep/ { f = /xd_cpuid_forced/ ? "f" : "p" } /breakpoint already hit/ { n[f] = $4 }
           END { printf "%d %d\n", n["p"], n["f"] }'
}
read -r ours_plain ours_forced < <(count "$bin")
read -r floor_plain floor_forced < <(count "$floor")
python3 - "$json" "$ours_plain" "$ours_forced" "$floor_plain" "$floor_forced" "$work/faults" <<'PY'
import json, sys, statistics
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
op, of, fp, ff = map(int, sys.argv[2:6])
pf = dict(l.split() for l in open(sys.argv[6]) if len(l.split()) == 2)
med = {k: statistics.median(v["times"]) * 1e3 for k, v in r.items()}
dm, fm = med["debian"], med["floor"]
names = [("debian", "Debian xen-detect (C, dynamic)"), ("before", "xen-detect before the change (Swift, static)"),
         ("ours", "xen-detect (Swift, static, release build)"), ("packaged", "xen-detect-swift (the .deb's, stripped)"),
         ("floor", "floor (C, gcc -O2 -static)"), ("hello", "static Swift hello-world (swiftc default link)"),
         ("hello-lld", "static Swift hello-world (linked as the release)")]
print("| tool | median | mean ± σ | vs Debian (median) | vs floor (median) | page faults |")
print("| --- | --- | --- | --- | --- | --- |")
for key, name in names:
    if key not in r: continue
    x = r[key]
    print(f"| {name} | {med[key]:.3f} ms | {x['mean']*1e3:.3f} ± {x['stddev']*1e3:.3f} ms | {med[key]/dm:.2f} | {med[key]/fm:.2f} | {pf.get(key, '?')} |")
p = med["packaged"]
print()
print(f"Targets for the packaged binary: ≤ 0.5× Debian's median — {p/dm:.2f}× ({'met' if p/dm <= 0.5 else 'MISSED'}); "
      f"≤ 1.3× the floor — {p/fm:.2f}× ({'met' if p/fm <= 1.3 else 'MISSED'}).")
print()
print(f"CPUIDs of one default run (gdb breakpoints on xd_cpuid and xd_cpuid_forced): xen-detect {op} plain + {of} "
      f"forced-emulation attempt(s) (they fault with SIGILL outside a PV guest); the floor {fp} + {ff}. "
      "Debian's tool: 256 plain CPUIDs (all bases, tools/misc/xen-detect.c) and 1 forced-emulation attempt.")
PY
