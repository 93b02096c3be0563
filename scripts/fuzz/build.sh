#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/Targets/*.swift against the package's module sources.
#
# Why not SwiftPM: a fuzz target needs every module compiled with coverage instrumentation
# (-sanitize=fuzzer) and linked into an executable whose main is libFuzzer's, which SwiftPM's
# executable targets and test bundles do not give on this toolchain without rebuilding the whole
# package (ArgumentParser included) under -parse-as-library. Instead each module under test is
# compiled here with swiftc in dependency order (-wmo, one object and one .swiftmodule each), the
# C shim with clang, and each target links against them. Nothing here touches the package's .build.
#
# Usage: scripts/fuzz/build.sh [TARGET...]    (default: every Fuzz/Targets/*.swift)
# Output: Fuzz/.build/bin/<target>
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/Fuzz/.build
OBJ=$OUT/obj
BIN=$OUT/bin
mkdir -p "$OBJ" "$BIN" "$OUT/include/CXenShim"

SANITIZE="-sanitize=fuzzer,address"
# -O keeps Swift's bounds, overflow and precondition checks (only -Ounchecked drops them) and runs
# several times faster than -Onone under libFuzzer. -g for symbolised crash reports.
SWIFTFLAGS=(-O -g -use-ld=lld -parse-as-library -wmo $SANITIZE -I "$OBJ" -I "$OUT/include")

# The modules the targets link, in dependency order, each with the modules it imports.
# A module whose Sources/ directory holds no .swift file yet is skipped.
MODULES=(
  "XenSystem:CXenShim"
  "CPUIDProbe:XenSystem"
  "XenInterface:"
  "ABI32:XenInterface"
  "ABI64:XenInterface"
  "XenCompat:XenInterface ABI32 ABI64"
  "HypercallPage:XenSystem CPUIDProbe XenInterface"
)

# The C shim, with a module map like the one SwiftPM generates for it.
cat > "$OUT/include/CXenShim/module.modulemap" <<MAP
module CXenShim {
    header "$ROOT/Sources/CXenShim/include/CXenShim.h"
    export *
}
MAP
shim_objects=()
for c in Sources/CXenShim/*.c; do
  o=$OBJ/CXenShim-$(basename "$c" .c).o
  if [ ! -e "$o" ] || [ "$c" -nt "$o" ]; then
    clang -O1 -g -fPIC -I Sources/CXenShim/include -c "$c" -o "$o"
  fi
  shim_objects+=("$o")
done

stamp() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

built=()
for entry in "${MODULES[@]}"; do
  name=${entry%%:*}
  shopt -s nullglob
  sources=(Sources/"$name"/*.swift Sources/"$name"/**/*.swift)
  shopt -u nullglob
  [ ${#sources[@]} -gt 0 ] || continue
  # Rebuild when the sources or any dependency's interface changed.
  deps=${entry#*:}
  dep_modules=()
  for d in $deps; do [ -e "$OBJ/$d.swiftmodule" ] && dep_modules+=("$OBJ/$d.swiftmodule"); done
  key=$(stamp "${sources[@]}" "${dep_modules[@]}" "$0")
  if [ "$(cat "$OBJ/$name.stamp" 2>/dev/null)" != "$key" ]; then
    echo "fuzz build: module $name" >&2
    swiftc "${SWIFTFLAGS[@]}" -module-name "$name" -emit-module -emit-module-path "$OBJ/$name.swiftmodule" \
      -c "${sources[@]}" -o "$OBJ/$name.o"
    echo "$key" > "$OBJ/$name.stamp"
  fi
  built+=("$OBJ/$name.o")
done

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in Fuzz/Targets/*.swift; do targets+=("$(basename "$f" .swift)"); done
fi
for t in "${targets[@]}"; do
  src=Fuzz/Targets/$t.swift
  [ -f "$src" ] || { echo "fuzz build: no target $src" >&2; exit 64; }
  key=$(stamp "$src" Fuzz/Support/*.swift "${built[@]}")
  if [ "$(cat "$BIN/$t.stamp" 2>/dev/null)" != "$key" ] || [ ! -x "$BIN/$t" ]; then
    echo "fuzz build: target $t" >&2
    # Linked from a scratch directory: with -g the driver leaves the target's module files in the cwd.
    mkdir -p "$OUT/link"
    (cd "$OUT/link" && swiftc "${SWIFTFLAGS[@]}" -module-name "${t//-/_}" "$ROOT/$src" "$ROOT"/Fuzz/Support/*.swift \
      "${built[@]}" "${shim_objects[@]}" -o "$BIN/$t")
    echo "$key" > "$BIN/$t.stamp"
  fi
done
