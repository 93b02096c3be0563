#!/usr/bin/env bash
# Benchmark of the default `xen-detect` run against Debian's C xen-detect, side by side in one
# hyperfine run (whole process, median), plus the CPUID instructions each run executes.
# Writes the results to stdout as a Markdown section for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh
bin=$(bash scripts/build-release.sh)
runs=${RUNS:-1000}
json=$(mktemp)
# BEFORE=path/to/an/earlier/xen-detect adds that build to the same run (before/after a change).
before=()
[ -n "${BEFORE:-}" ] && before=(-n before "$BEFORE")
hyperfine -N --warmup 50 --runs "$runs" --export-json "$json" \
  -n debian /usr/bin/xen-detect "${before[@]}" -n ours "$bin" >&2
python3 - "$json" <<'PY'
import json, sys, statistics
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
d, o = r["debian"], r["ours"]
dm, om = statistics.median(d["times"]) * 1e3, statistics.median(o["times"]) * 1e3
print(f"| Debian xen-detect (C, dynamic) | {dm:.3f} ms | {d['mean']*1e3:.3f} ± {d['stddev']*1e3:.3f} ms | 1.00 |")
if "before" in r:
    b = r["before"]
    bm = statistics.median(b["times"]) * 1e3
    print(f"| xen-detect before the change (Swift, static) | {bm:.3f} ms | {b['mean']*1e3:.3f} ± {b['stddev']*1e3:.3f} ms | {bm/dm:.2f} |")
print(f"| xen-detect (Swift, static) | {om:.3f} ms | {o['mean']*1e3:.3f} ± {o['stddev']*1e3:.3f} ms | {om/dm:.2f} |")
PY
rm -f "$json"
hits=$(gdb -q -batch -x scripts/bench/cpuid-count.gdb --args "$bin" 2>/dev/null | awk '/breakpoint already hit/ {printf "%s ", $4}')
set -- $hits
echo
echo "One default run, counted with gdb breakpoints on CXenShim's functions: ${1:-0} plain CPUID, ${2:-0} forced-emulation CPUID attempt(s) (they fault with SIGILL outside a PV guest); $(( ${1:-0} + ${2:-0} )) in all. Debian's tool: 256 plain CPUIDs (all bases, tools/misc/xen-detect.c) and 1 forced-emulation attempt."
