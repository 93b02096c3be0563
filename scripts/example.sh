#!/usr/bin/env bash
# The example package (Examples/guest-kernel-tests): a package that depends on this one by path,
# as a guest-kernel or driver author's would, and imports only its library products. Built with
# every import checked against the declared dependencies, then its Swift Testing suite run.
# Its own scratch path (.build-example, ignored by .gitignore) keeps it apart from the main build.
# scripts/test.sh calls it after the unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
example=Examples/guest-kernel-tests
scratch=.build-example

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$SECONDS
swift build --package-path "$example" --scratch-path "$scratch" --build-tests \
  --explicit-target-dependency-import-check error
built=$SECONDS
swift test --package-path "$example" --scratch-path "$scratch" --skip-build 2>&1 | tee "$log"
# Never silently green: the suite must have run and passed, with nothing skipped.
summary=$(grep -E '^[^ ]+ Test run with [0-9]+ tests? .*passed' "$log" | tail -1 || true)
if [ -z "$summary" ]; then
  echo "example.sh: no passing test run in $example" >&2
  exit 1
fi
if grep -qE '^[^ ]+ Test .+ (skipped|was cancelled)' "$log"; then
  echo "example.sh: a test of $example was skipped" >&2
  exit 1
fi
echo "== example package: ${summary#* } (build $((built - start)) s, tests $((SECONDS - built)) s)"
