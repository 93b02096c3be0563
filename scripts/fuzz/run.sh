#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) and records the figures in RELIABILITY.md.
#
#   scripts/fuzz/run.sh --ci                 CI: ~30 s per target from the seed corpus (fresh each run)
#   scripts/fuzz/run.sh --runs 10000000      until each target has executed N inputs
#   scripts/fuzz/run.sh --time 600           for S seconds per target
#   options: --jobs J (targets run J at a time; default 1), --workers W (each target runs as W
#            processes sharing one corpus, which libFuzzer re-reads every second, so a slow target
#            can use every core; --runs N is then split between them and their runs add up),
#            --no-record (print, do not touch
#            RELIABILITY.md), --section NAME (the RELIABILITY.md section; default: the mode),
#            TARGET... (default: every Fuzz/Targets/*.swift). --runs and --time together: whichever
#            comes first.
#
# Long runs keep their corpus in Fuzz/.build/corpus/<target> and resume from it; --ci starts each
# time from scripts/fuzz/seeds.sh (committed seeds plus the real recordings under Tests/*/Fixtures).
# A crash, leak, timeout or violated property stops that target; its input is saved in
# Fuzz/.build/artifacts/<target>/ and the script exits 1 after all targets ran. An input that runs
# longer than FUZZ_TIMEOUT seconds (default 10) counts as a hang; on a machine shared with busy
# neighbours give long runs more (FUZZ_TIMEOUT=120), or a stalled process reads as a hang.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

mode=""; seconds=""; runs=""; jobs=1; workers=1; record=1; section=""; targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) mode=ci; seconds=${FUZZ_CI_SECONDS:-30} ;;
    --time) mode=time; seconds=$2; shift ;;
    --runs) mode=runs; runs=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --workers) workers=$2; shift ;;
    --no-record) record=0 ;;
    --section) section=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "fuzz run: unknown option $1" >&2; exit 64 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ -n "$mode" ] || { echo "fuzz run: give --ci, --time SECONDS or --runs N" >&2; exit 64; }
if [ ${#targets[@]} -eq 0 ]; then
  for f in Fuzz/Targets/*.swift; do targets+=("$(basename "$f" .swift)"); done
fi

# The commit under test, read now: the tree may move on while a long run goes.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git diff --quiet HEAD -- Sources Fuzz 2>/dev/null || echo "+changes")

scripts/fuzz/build.sh "${targets[@]}"

# Crash reports from the Swift runtime's backtracer would race ASan's; ASan's are the useful ones.
export SWIFT_BACKTRACE=enable=no
# Leak checking is off: LeakSanitizer does not see pointers Swift keeps in enum payloads with tag
# bits (XenInterface's catalog globals show as "direct leaks" at exit). Out-of-bounds accesses,
# use-after-free and every Swift trap still stop the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:symbolize=1:detect_leaks=0}

LOGS=$ROOT/Fuzz/.build/logs/$mode
mkdir -p "$LOGS"

run_one() {
  local t=$1 corpus artifacts opts=() log=$LOGS/$t.log
  artifacts=$ROOT/Fuzz/.build/artifacts/$t/
  mkdir -p "$artifacts"
  if [ "$mode" = ci ]; then
    corpus=$ROOT/Fuzz/.build/ci-corpus/$t
    rm -rf "$corpus"
  else
    corpus=$ROOT/Fuzz/.build/corpus/$t
  fi
  scripts/fuzz/seeds.sh "$t" "$corpus"
  # Per-target libFuzzer options from the target's first line: // fuzz-options: -max_len=N ...
  read -r -a opts <<< "$(sed -n '1s|^// fuzz-options:||p' "Fuzz/Targets/$t.swift")"
  [ -f "Fuzz/Targets/$t.dict" ] && opts+=("-dict=Fuzz/Targets/$t.dict")
  [ -n "$seconds" ] && opts+=("-max_total_time=$seconds")
  [ -n "$runs" ] && opts+=("-runs=$(( (runs + workers - 1) / workers ))")
  local start end status=0 w wpids=() wstatus
  start=$(date +%s)
  for w in $(seq 1 "$workers"); do
    local wlog=$log
    [ "$workers" -gt 1 ] && wlog=$LOGS/$t.w$w.log
    "Fuzz/.build/bin/$t" "${opts[@]}" -timeout="${FUZZ_TIMEOUT:-10}" -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$artifacts" \
      "$corpus" > "$wlog" 2>&1 &
    wpids+=($!)
  done
  for w in "${wpids[@]}"; do wstatus=0; wait "$w" || wstatus=$?; [ "$wstatus" -eq 0 ] || status=$wstatus; done
  if [ "$workers" -gt 1 ]; then
    # One log for the figures: the workers' logs in turn, then their summed statistics.
    { for w in $(seq 1 "$workers"); do echo "=== worker $w"; cat "$LOGS/$t.w$w.log"; done
      echo "=== all workers"
      grep -h '^stat::number_of_executed_units:' "$LOGS/$t".w*.log | awk '{ n += $2 } END { print "stat::number_of_executed_units: " n }'
      grep -h '^stat::average_exec_per_sec:' "$LOGS/$t".w*.log | awk '{ n += $2 } END { print "stat::average_exec_per_sec: " n }'
      # The last progress line of the worker with the most coverage features.
      for w in $(seq 1 "$workers"); do grep -E '^#[0-9]+' "$LOGS/$t.w$w.log" | tail -1; done |
        awk '{ for (i = 1; i <= NF; i++) if ($i == "ft:") print $(i + 1), $0 }' | sort -n | tail -1 | cut -d' ' -f2-
    } > "$log"
  fi
  end=$(date +%s)
  echo "$status $((end - start))" > "$LOGS/$t.status"
}

pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
done
wait

# Figures per target from libFuzzer's final statistics.
rows=(); failed=0
for t in "${targets[@]}"; do
  log=$LOGS/$t.log
  read -r status wall < "$LOGS/$t.status"
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<< "$last")
  crashes=$(grep -cE '^==[0-9]+==ERROR|^property violated|Fatal error|^==[0-9]+== ERROR: libFuzzer' "$log" || true)
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  [ "$crashes" -eq 0 ] || { failed=1; echo "fuzz run: $t FAILED (status $status), see $log and $(ls -t Fuzz/.build/artifacts/$t/ 2>/dev/null | head -1)" >&2; }
  rows+=("| $t | ${executed:-?} | ${wall}s | ${rate:-?} | $crashes | ${cov:-?} | ${ft:-?} | ${corp:-?} | $jobs × $workers |")
done

when=$(date -u +'%Y-%m-%d %H:%M UTC')
toolchain=$(swiftc --version 2>&1 | head -1 | sed 's/ (.*//')
header="### $mode run ($toolchain, $(nproc) CPUs)"
# Each row says when and on which commit it ran, so targets can be run in separate invocations
# (a long run is hours of one core): recording replaces the rows of the targets that ran and
# keeps the others.
for i in "${!rows[@]}"; do rows[$i]="${rows[$i]} $when | $commit$dirty |"; done
columns="| target | runs | wall | runs/s | crashes | coverage (edges) | features | corpus | targets at a time × processes | finished | commit |"
rule="|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|"
printf '%s\n\n%s\n%s\n' "$header" "$columns" "$rule"; printf '%s\n' "${rows[@]}"

if [ "$record" = 1 ]; then
  section="fuzz-${section:-$mode}"
  [ -f RELIABILITY.md ] || printf '# Reliability\n' > RELIABILITY.md
  # Rows already recorded for targets that did not run this time are kept (same column layout only).
  kept=()
  if grep -q "<!-- $section:begin -->" RELIABILITY.md; then
    while IFS= read -r line; do
      name=$(sed -n 's/^| \([a-z0-9-]*\) | .*/\1/p' <<< "$line")
      [ -n "$name" ] && [ "$name" != target ] || continue
      [ "$(awk -F'|' '{print NF}' <<< "$line")" -eq 13 ] || continue
      case " ${targets[*]} " in *" $name "*) ;; *) kept+=("$line") ;; esac
    done < <(awk -v b="<!-- $section:begin -->" -v e="<!-- $section:end -->" '$0 == b { on = 1; next } $0 == e { on = 0 } on' RELIABILITY.md)
  fi
  table=$(printf '%s\n' "${kept[@]}" "${rows[@]}" | sed '/^$/d' | sort -t'|' -k2,2)
  body=$(printf '<!-- %s:begin -->\n%s\n\n%s\n%s\n%s\n<!-- %s:end -->' "$section" "$header" "$columns" "$rule" "$table" "$section")
  if grep -q "<!-- $section:begin -->" RELIABILITY.md; then
    awk -v b="<!-- $section:begin -->" -v e="<!-- $section:end -->" -v body="$body" '
      $0 == b { print body; skip = 1; next } $0 == e { skip = 0; next } !skip { print }' RELIABILITY.md > RELIABILITY.md.new
    mv RELIABILITY.md.new RELIABILITY.md
  else
    printf '\n%s\n' "$body" >> RELIABILITY.md
  fi
fi
exit $failed
