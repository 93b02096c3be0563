#!/usr/bin/env bash
# Benchmark of the default `xen-detect` run, side by side in one hyperfine run (whole process,
# median): Debian's C xen-detect, the release binary, the packaged one (stripped, from the .deb
# that scripts/package-deb.sh builds) and the floor (scripts/bench/floor.c, gcc -O2 -static: only
# the sysfs read and the CPUIDs the run cannot avoid), plus the CPUID instructions each executes.
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
# All four must print the same line, or the comparison means nothing.
want=$(/usr/bin/xen-detect || true)
for b in "$bin" "$packaged" "$floor"; do
  got=$("$b" || true)
  [ "$got" = "$want" ] || { echo "detect.sh: $b printed '$got', Debian's xen-detect '$want'" >&2; exit 1; }
done
runs=${RUNS:-1000}
json="$work/hyperfine.json"
# BEFORE=path/to/an/earlier/xen-detect adds that build to the same run (before/after a change).
before=()
[ -n "${BEFORE:-}" ] && before=(-n before "$BEFORE")
hyperfine -N --warmup 50 --runs "$runs" --export-json "$json" \
  -n debian /usr/bin/xen-detect "${before[@]}" -n ours "$bin" -n packaged "$packaged" -n floor "$floor" >&2
# CPUIDs, counted with gdb breakpoints on xd_cpuid and xd_cpuid_forced (the C shim's functions;
# the floor's keep those names). The packaged binary is stripped: it runs the release binary's code.
count() {
  gdb -q -batch -x scripts/bench/cpuid-count.gdb --args "$1" 2>/dev/null \
    | awk '/breakpoint +keep/ { f = /xd_cpuid_forced/ ? "f" : "p" } /breakpoint already hit/ { n[f] = $4 }
           END { printf "%d %d\n", n["p"], n["f"] }'
}
read -r ours_plain ours_forced < <(count "$bin")
read -r floor_plain floor_forced < <(count "$floor")
python3 - "$json" "$ours_plain" "$ours_forced" "$floor_plain" "$floor_forced" <<'PY'
import json, sys, statistics
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
op, of, fp, ff = map(int, sys.argv[2:6])
med = {k: statistics.median(v["times"]) * 1e3 for k, v in r.items()}
dm, fm = med["debian"], med["floor"]
names = [("debian", "Debian xen-detect (C, dynamic)"), ("before", "xen-detect before the change (Swift, static)"),
         ("ours", "xen-detect (Swift, static, release build)"), ("packaged", "xen-detect-swift (the .deb's, stripped)"),
         ("floor", "floor (C, gcc -O2 -static)")]
print("| tool | median | mean ± σ | vs Debian (median) | vs floor (median) |")
print("| --- | --- | --- | --- | --- |")
for key, name in names:
    if key not in r: continue
    x = r[key]
    print(f"| {name} | {med[key]:.3f} ms | {x['mean']*1e3:.3f} ± {x['stddev']*1e3:.3f} ms | {med[key]/dm:.2f} | {med[key]/fm:.2f} |")
p = med["packaged"]
print()
print(f"Targets for the packaged binary: ≤ 0.5× Debian's median — {p/dm:.2f}× ({'met' if p/dm <= 0.5 else 'MISSED'}); "
      f"≤ 1.3× the floor — {p/fm:.2f}× ({'met' if p/fm <= 1.3 else 'MISSED'}).")
print()
print(f"CPUIDs of one default run (gdb breakpoints on xd_cpuid and xd_cpuid_forced): xen-detect {op} plain + {of} "
      f"forced-emulation attempt(s) (they fault with SIGILL outside a PV guest); the floor {fp} + {ff}. "
      "Debian's tool: 256 plain CPUIDs (all bases, tools/misc/xen-detect.c) and 1 forced-emulation attempt.")
PY
