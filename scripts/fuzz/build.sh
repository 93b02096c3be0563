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
# -swift-version 6: the package's language mode (swift-tools-version 6.0).
SWIFTFLAGS=(-swift-version 6 -package-name xen_detect -O -g -use-ld=lld -parse-as-library -wmo $SANITIZE -I "$OBJ" -I "$OUT/include")

# The package's library targets and their dependencies, from the manifest itself, so a module that
# lands later is built without editing this script.
describe=$(swift package describe --type json 2>/dev/null)
# Test-support libraries under Tests/ are left out.
mapfile -t LIBS < <(jq -r '.targets[] | select(.type == "library" and (.path | startswith("Sources/"))) |
  "\(.name)|\(.module_type)|\(.path)|\((.target_dependencies // []) | join(" "))"' <<< "$describe")

# C targets: objects, and a module map like the one SwiftPM generates for an include/ directory.
shim_objects=()
for lib in "${LIBS[@]}"; do
  IFS='|' read -r name type path deps <<< "$lib"
  [ "$type" = ClangTarget ] || continue
  mkdir -p "$OUT/include/$name"
  {
    echo "module $name {"
    for h in "$ROOT/$path"/include/*.h; do echo "    header \"$h\""; done
    echo "    export *"
    echo "}"
  } > "$OUT/include/$name/module.modulemap"
  for c in "$path"/*.c; do
    o=$OBJ/$name-$(basename "$c" .c).o
    if [ ! -e "$o" ] || [ "$c" -nt "$o" ]; then
      clang -O1 -g -fPIC -I "$path/include" -c "$c" -o "$o"
    fi
    shim_objects+=("$o")
  done
done

# Swift library targets in dependency order.
order=(); placed=" "
while [ ${#order[@]} -lt ${#LIBS[@]} ]; do
  progress=0
  for lib in "${LIBS[@]}"; do
    IFS='|' read -r name type path deps <<< "$lib"
    case "$placed" in *" $name "*) continue ;; esac
    ready=1
    for d in $deps; do case "$placed" in *" $d "*) ;; *) ready=0 ;; esac; done
    [ $ready = 1 ] || continue
    order+=("$lib"); placed+="$name "; progress=1
  done
  [ $progress = 1 ] || { echo "fuzz build: dependency cycle among library targets" >&2; exit 70; }
done

stamp() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

built=()
for lib in "${order[@]}"; do
  IFS='|' read -r name type path deps <<< "$lib"
  [ "$type" = SwiftTarget ] || continue
  mapfile -t sources < <(find "$path" -name '*.swift' | sort)
  [ ${#sources[@]} -gt 0 ] || continue
  # Rebuild when the sources or any dependency's interface changed.
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
