#!/usr/bin/env bash
# xen-detect(1): ArgumentParser's manual generator (the GenerateManual plugin) over the same
# definitions as --help, plus what only the README says: the drop-in's options and the exit
# statuses, taken from README.md's tables (the one place they are written). With --check, the
# page must render with `man -l` and no warning. Prints the page's path (last line).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/man
mkdir -p "$out"
date=$(git log -1 --format=%cs 2>/dev/null || date +%F)
swift package generate-manual --configuration debug --date "$date" --authors "the xen-detect developers" >&2
generated=.build/plugins/GenerateManual/outputs/xen-detect/xen-detect.1
[ -s "$generated" ] || { echo "man.sh: the generator wrote no $generated" >&2; exit 70; }

# README table rows (| a | b |) under a heading, as mdoc .It entries.
table() {  # $1: the heading's text
  awk -v heading="$1" '
    $0 ~ "^#+ " heading "$" { inside = 1; next }
    inside && /^#/ { exit }
    inside && /^\| *-/ { next }
    inside && /^\|/ {
      n = split($0, cell, "|")
      key = cell[2]; text = cell[3]
      gsub(/^ +| +$/, "", key); gsub(/^ +| +$/, "", text)
      if (key == "option" || key == "status") next
      gsub(/`/, "", key); gsub(/`/, "", text)
      gsub(/\*\*/, "", text)
      print ".It " key; print text
    }' README.md
}
dropin=$(table "Detecting the hypervisor")
statuses=$(table "Exit statuses")
[ -n "$dropin" ] && [ -n "$statuses" ] || { echo "man.sh: README.md lost its option or exit-status table" >&2; exit 70; }

awk -v dropin="$dropin" -v statuses="$statuses" '
  /^$/ { next }                                    # an empty line is a paragraph break mdoc warns about
  /^\.Sh "EXIT STATUS"/ {
    print ".Sh DROP-IN"
    print "Without a subcommand, or when the first word is an option, xen-detect is the drop-in for Xen'"'"'s tools/misc/xen-detect: the same options, parsed by glibc'"'"'s getopt_long, the same lines and the same exit statuses."
    print "A first word that is neither an option nor a subcommand is an error (status 64) naming the closest subcommand; Xen'"'"'s tool ignores operands."
    print ".Bl -tag -width 6n"; print dropin; print ".El"
    print ".Sh \"EXIT STATUS\""
    print "Every failure is one line on standard error, \\(lqxen-detect: ...\\(rq."
    print ".Bl -tag -width 6n"; print statuses; print ".El"
    skip = 1; next
  }
  skip && /^\.Sh/ { skip = 0 }
  skip { next }
  { print }
' "$generated" > "$out/xen-detect.1"

if [ "${1:-}" = "--check" ]; then
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$out/xen-detect.1" 2>&1 >/dev/null || true)
  if [ -n "$warnings" ]; then
    echo "man.sh: xen-detect(1) renders with warnings:" >&2; echo "$warnings" >&2; exit 1
  fi
  for section in NAME SYNOPSIS DESCRIPTION DROP-IN "EXIT STATUS"; do
    LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$out/xen-detect.1" 2>/dev/null | grep -q "^$section" \
      || { echo "man.sh: xen-detect(1) has no $section section" >&2; exit 1; }
  done
  echo "man.sh: xen-detect(1) renders without warnings ($(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$out/xen-detect.1" 2>/dev/null | wc -l) lines)" >&2
fi
echo "$PWD/$out/xen-detect.1"
