#!/usr/bin/env bash
# Writes the seed corpus of one fuzz target into a directory: the committed seeds in
# Fuzz/seeds/<target>/ (hand-made cases and every crash input once fixed) plus inputs derived from
# the real recordings under Tests/*/Fixtures, so CI starts from what real machines return.
# Usage: scripts/fuzz/seeds.sh TARGET DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
target=$1
dir=$2
mkdir -p "$dir"
if [ -d "Fuzz/seeds/$target" ]; then cp Fuzz/seeds/"$target"/* "$dir"/ 2>/dev/null || true; fi

shopt -s nullglob
dumps=(Tests/*/Fixtures/*.cpuid Tests/*/Fixtures/*.leaves.*.txt)
shopt -u nullglob

# Little-endian bytes of a 32-bit hex number, as printf escapes.
le32() {
  local v=$((16#${1#0x}))
  printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255))
}

# "leaf subleaf eax ebx ecx edx" per line for every leaf line of a dump (first CPU only).
leaves_of() {
  awk '/^CPU/ { n++; next } n <= 1 && $1 ~ /^0x/ && NF == 6 {
         sub(":", "", $2); sub("eax=", "", $3); sub("ebx=", "", $4); sub("ecx=", "", $5); sub("edx=", "", $6)
         print $1, $2, $3, $4, $5, $6 }' "$1"
}

case "$target" in
  cpuid-dump)
    for d in "${dumps[@]}"; do cp "$d" "$dir/fixture-$(basename "$d")"; done
    ;;
  cpuid-leaves)
    # Each hypervisor leaf of each recording: registers of sub-leaf 0, then sub-leaves 1 and 2.
    for d in "${dumps[@]}"; do
      declare -A regs=()
      while read -r leaf sub a b c e; do regs["$leaf/$sub"]="$(le32 "$a")$(le32 "$b")$(le32 "$c")$(le32 "$e")"; done < <(leaves_of "$d")
      for k in "${!regs[@]}"; do
        leaf=${k%/*}; sub=${k#*/}
        [ $((16#${leaf#0x})) -ge $((0x40000000)) ] && [ $((16#${sub#0x})) -eq 0 ] || continue
        zero='\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
        printf "${regs[$k]}${regs[$leaf/0x01]:-$zero}${regs[$leaf/0x02]:-$zero}" > "$dir/fixture-$(basename "$d" .cpuid)-$leaf"
      done
      unset regs
    done
    ;;
  hypervisor-scan)
    # The target's encoding: a mode byte, then per leaf a selector (base index | offset << 4, or
    # 0xff for leaf 1), a sub-leaf byte and four registers. One seed per recording and mode.
    for d in "${dumps[@]}"; do
      body=""
      while read -r leaf sub a b c e; do
        l=$((16#${leaf#0x})); s=$((16#${sub#0x}))
        if [ "$l" -eq 1 ]; then sel=255
        elif [ "$l" -ge $((0x40000000)) ] && [ "$l" -lt $((0x40001000)) ] && [ $((l & 0xff)) -lt 8 ] && [ "$s" -lt 4 ]; then
          sel=$(( (l - 0x40000000) >> 8 | (l & 0xff) << 4 ))
        else continue; fi
        body+=$(printf '\\x%02x\\x%02x' "$sel" "$s")$(le32 "$a")$(le32 "$b")$(le32 "$c")$(le32 "$e")
      done < <(leaves_of "$d")
      # First byte: mode (b % 3) and which round trip is checked (b / 3 % 3): all nine.
      for b in 0 1 2 3 4 5 6 7 8; do printf "\\x0$b$body" > "$dir/fixture-$(basename "$d")-$b"; done
    done
    ;;
  hypercall-page)
    # Xen's page of every flavor (selector 0, flavor i, no change), and the page recorded in real
    # Xen as raw bytes (selector 1) and as its hex text (selector 2 builds hex from bytes).
    for i in 0 1 2 3 4 5 6 7; do printf "\\x00\\x0$i\\x00" > "$dir/flavor-$i"; done
    for f in Tests/*/Fixtures/*hypercall-page.hex; do
      [ -f "$f" ] || continue
      hex=$(tr -dc '0-9a-fA-F' < "$f")
      { printf '\x01'; for ((i = 0; i < ${#hex}; i += 2)); do printf "\\x${hex:i:2}"; done; } > "$dir/fixture-$(basename "$f")"
    done
    ;;
  abi-codec)
    # Structure selector (2 bytes), operation, then bytes: a few structures, each operation.
    for s in 0 1 2 7 20 40 80 120; do
      for op in 0 1 2; do printf "\\x$(printf %02x $s)\\x00\\x0$op%s" "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdef" > "$dir/s$s-op$op"; done
    done
    ;;
  abi-translate)
    for s in 0 1 2 5 9 13 21; do
      for op in 0 1 2 3; do printf "\\x$(printf %02x $s)\\x0$op%b" "\x01\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x80abcdefghijklmnopqrstuvwxyz" > "$dir/s$s-op$op"; done
    done
    ;;
  hypercall-plan)
    # The results files recorded from the test guest in real Xen (selector 2: the results parser).
    for f in Tests/*/Fixtures/*.results-*.txt; do
      [ -f "$f" ] || continue
      { printf '\x02'; cat "$f"; } > "$dir/fixture-$(basename "$f")"
    done
    ;;
esac
