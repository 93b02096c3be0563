#!/usr/bin/env bash
# The Debian package for real, in a Debian 12 root (debootstrap, minbase), never on this machine:
# built and lintian-checked (scripts/package-deb.sh --check), then installed, run and removed
#   1. in a root without xen-utils-common, and
#   2. in a root with xen-utils-common, whose /usr/bin/xen-detect must keep its sha256 while
#      both are installed and after ours is removed, and both tools must work side by side.
# The drop-in under Xen's name on request (the symlink README.md documents) is tried in each.
#
# The roots are cached in .build-deb-root/ (DEB_ROOT overrides; gitignored as .build-*/): a cold
# run pays one debootstrap and one apt-get install, later runs reuse them. Every command inside
# a root runs in a private mount namespace (proc and a read-only sysfs), so nothing mounted
# there outlives it. Prints the time each part took.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
say() { echo "package-test: $*" >&2; }
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }
since() { echo "$(( $(date +%s) - $1 )) s"; }

bash scripts/setup.sh
deb=$(bash scripts/package-deb.sh --check | tail -1)
say "built and lintian-checked $deb in $(since "$t0")"
# The command the package installs (package-deb.sh names it): its one file in /usr/bin.
command=$(dpkg-deb -c "$deb" | awk '$6 ~ /^\.\/usr\/bin\/./ { sub(".*/", "", $6); print $6 }')
[ -n "$command" ] && [ "$(wc -w <<< "$command")" = 1 ] || fail "the package has no single command in /usr/bin ($command)"

cache=${DEB_ROOT:-$PWD/.build-deb-root}
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9  # one run at a time builds or uses the roots

# The machine's Debian mirror: the URI whose suites include plain "bookworm".
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
  /^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") found = uri }
  /^$/ { uri = "" } END { print found }')
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}

# Runs a shell command in a root, in its own mount namespace, with a clean environment.
in_root() {  # $1: root, $2: command
  unshare --mount --propagation private /bin/sh -c '
    mount -t proc proc "$1/proc" && mount -t sysfs -o ro sysfs "$1/sys" || exit 70
    exec chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/sh -c "$2"' sh "$1" "$2"
}

base="$cache/bookworm"
if [ ! -f "$base/.complete" ]; then
  t=$(date +%s)
  say "debootstrap --variant=minbase bookworm from $mirror (once; cached in $base)"
  rm -rf "$base.tmp"
  debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" > "$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log" >&2; fail "debootstrap (log: $cache/debootstrap.log)"; }
  # No service starts inside the root (xen-utils-common ships init scripts).
  printf '#!/bin/sh\nexit 101\n' > "$base.tmp/usr/sbin/policy-rc.d"; chmod 0755 "$base.tmp/usr/sbin/policy-rc.d"
  # The machine's own sources (with bookworm-updates and -security) where it has them.
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$base.tmp/etc/apt/sources.list.d/"
    rm -f "$base.tmp/etc/apt/sources.list"
  fi
  touch "$base.tmp/.complete"; mv "$base.tmp" "$base"
  say "debootstrap took $(since "$t")"
fi
xenroot="$cache/bookworm-xen"
if [ ! -f "$xenroot/.complete" ]; then
  t=$(date +%s)
  say "a copy of the root with xen-utils-common (once; cached in $xenroot)"
  rm -rf "$xenroot.tmp"; cp -a "$base" "$xenroot.tmp"; rm -f "$xenroot.tmp/.complete"
  cp /etc/resolv.conf "$xenroot.tmp/etc/resolv.conf"
  in_root "$xenroot.tmp" 'apt-get update -qq && apt-get install -y -qq --no-install-recommends xen-utils-common >/dev/null && apt-get clean' \
    > "$cache/apt.log" 2>&1 || { tail -20 "$cache/apt.log" >&2; fail "apt-get install xen-utils-common in the root"; }
  touch "$xenroot.tmp/.complete"; mv "$xenroot.tmp" "$xenroot"
  say "xen-utils-common in the root took $(since "$t")"
fi

# What this machine says: the line and status the packaged binary must give in the root (same
# CPU, same /sys). Debian's tool on this machine says the same.
want=$(.build/release/xen-detect; echo "status $?")
usage_xen=$(/usr/bin/xen-detect -h || true)

# The default run is the early entry's (Sources/CXenShim/entry.c): it decides, prints and exits
# before the Swift runtime's constructors, which read /proc/self/maps (the runtime's argv scan)
# and ask sched_getaffinity (libdispatch). `version` runs after them: the control, so that this
# check can fail. strace follows the release binary's system calls.
traced() { strace -f -qq -e trace=openat,sched_getaffinity -o "$trace" "$@" >/dev/null 2>&1 || true; cat "$trace"; }
trace=$(mktemp)
late=$(traced .build/release/xen-detect version)
grep -q '"/proc/self/maps"' <<<"$late" && grep -q 'sched_getaffinity' <<<"$late" \
  || fail "xen-detect version did not start the Swift runtime as expected (strace: ${late:0:300})"
for args in "" "-q" "-P" "-H -q" "--none"; do
  # shellcheck disable=SC2086  # the options are words
  early=$(traced .build/release/xen-detect $args)
  ! grep -q -e '"/proc/self/maps"' -e 'sched_getaffinity' <<<"$early" \
    || fail "xen-detect $args started the Swift runtime: not the early entry (strace: ${early:0:300})"
done
rm -f "$trace"
say "early entry: the default run and Xen's options end before the Swift runtime starts; version after it"
# Without /proc (an initramfs before it is mounted): the drop-in, and the toolkit with the runtime
# started (the backtracer's set-up would abort it), in a mount namespace with an empty /proc.
noproc=$(unshare --mount --propagation private /bin/sh -c 'mount -t tmpfs none /proc || exit 70
  b=$1; $b; echo "status $?"; $b version >/dev/null; echo "version $?"; $b report >/dev/null; echo "report $?"
  $b --json >/dev/null; echo "json $?"; $b reprot 2>/dev/null; echo "reprot $?"' sh "$PWD/.build/release/xen-detect")
[ "$noproc" = "$want"$'\n'"version 0"$'\n'"report 0"$'\n'"json 0"$'\n'"reprot 64" ] \
  || fail "without /proc: '$noproc'"
say "without /proc: the drop-in, version, report, --json and a misspelt subcommand as with it"

# The fleet examples (README, "Fleets"): installed, executable where they are scripts, naming the
# installed command (never Xen's /usr/bin/xen-detect), and the fact scripts give, in the root,
# the document this machine's release binary gives (same CPU, same /sys).
want_facts=$(.build/release/xen-detect facts)
want_facter=$(.build/release/xen-detect facts --format facter)
check_fleet_examples() {  # $1: root
  local root=$1 ex=/usr/share/doc/xen-detect/examples got
  in_root "$root" "test -x $ex/xen_detect.fact && test -x $ex/xen_detect-facter.sh \
    && test -f $ex/xen-detect-metrics.service && test -f $ex/xen-detect-metrics.timer" \
    || fail "the fleet examples are not all in $root:$ex"
  in_root "$root" "grep -qx 'exec /usr/bin/$command facts' $ex/xen_detect.fact \
    && grep -qx 'exec /usr/bin/$command facts --format facter' $ex/xen_detect-facter.sh \
    && grep -q '^ExecStart=/usr/bin/$command metrics --textfile ' $ex/xen-detect-metrics.service \
    && ! grep -q '/usr/bin/xen-detect ' $ex/*" || fail "a fleet example in $root does not run /usr/bin/$command"
  got=$(in_root "$root" "$ex/xen_detect.fact")
  [ "$got" = "$want_facts" ] || fail "in $root, $ex/xen_detect.fact printed '${got:0:200}', expected '${want_facts:0:200}'"
  got=$(in_root "$root" "$ex/xen_detect-facter.sh")
  [ "$got" = "$want_facter" ] || fail "in $root, $ex/xen_detect-facter.sh printed '${got:0:200}', expected '${want_facter:0:200}'"
  say "fleet examples in $root: installed, and both fact scripts print this machine's document"
}

check_root() {  # $1: root, $2: "xen" when xen-utils-common is in it
  local root=$1 xen=$2 got
  # A run that stopped half-way may have left ours installed: remove it, and say so.
  if in_root "$root" "dpkg-query -W -f='\${Status}' xen-detect 2>/dev/null | grep -q 'ok installed'"; then
    say "removing a xen-detect left installed in $root by an earlier run"; in_root "$root" 'dpkg --purge xen-detect' >&2
  fi
  local before=""
  if [ "$xen" = xen ]; then
    before=$(in_root "$root" 'sha256sum /usr/bin/xen-detect')
    [ "$(in_root "$root" 'dpkg -S /usr/bin/xen-detect')" = "xen-utils-common: /usr/bin/xen-detect" ] \
      || fail "/usr/bin/xen-detect in $root is not xen-utils-common's"
  else
    in_root "$root" '! command -v xen-detect >/dev/null' || fail "$root has a xen-detect before ours is installed"
  fi
  cp "$deb" "$root/tmp/xen-detect.deb"
  in_root "$root" 'dpkg -i /tmp/xen-detect.deb' >&2 || fail "dpkg -i in $root"
  got=$(in_root "$root" "$command; echo \"status \$?\"")
  [ "$got" = "$want" ] || fail "in $root, $command said '$got'; this machine's release binary '$want'"
  in_root "$root" "$command version | grep -q '^xen-detect ' && $command help >/dev/null" \
    || fail "$command version / help in $root"
  in_root "$root" "test -s /usr/share/man/man1/$command.1.gz && test -s /usr/share/doc/xen-detect/copyright \
    && test -s /usr/share/bash-completion/completions/$command && test -s /usr/share/zsh/vendor-completions/_$command \
    && test -s /usr/share/fish/vendor_completions.d/$command.fish" || fail "a file of the package is missing in $root"
  in_root "$root" '! dpkg-divert --list | grep -q xen-detect' || fail "a diversion of xen-detect in $root"
  check_fleet_examples "$root"
  if [ "$xen" = xen ]; then
    [ "$(in_root "$root" 'sha256sum /usr/bin/xen-detect')" = "$before" ] || fail "/usr/bin/xen-detect changed when ours was installed"
    got=$(in_root "$root" "/usr/bin/xen-detect; echo \"status \$?\"")
    [ "$got" = "$want" ] || fail "with both installed, Xen's xen-detect said '$got', expected '$want'"
  fi
  # The drop-in under Xen's name, on request: the administrator's symlink in /usr/local/bin,
  # which comes first in PATH; Xen's file is untouched.
  got=$(in_root "$root" "ln -sf /usr/bin/$command /usr/local/bin/xen-detect; xen-detect -h || true; rm -f /usr/local/bin/xen-detect")
  [ "$got" = "$usage_xen" ] || fail "xen-detect -h through the symlink in $root is not Xen's usage text"
  in_root "$root" 'dpkg -r xen-detect' >&2 || fail "dpkg -r in $root"
  in_root "$root" "! test -e /usr/bin/$command && ! test -e /usr/share/man/man1/$command.1.gz \
    && ! test -e /usr/share/doc/xen-detect && ! dpkg-query -W -f='\${Status}' xen-detect 2>/dev/null | grep -q 'ok installed'" \
    || fail "dpkg -r left xen-detect's files in $root"
  rm -f "$root/tmp/xen-detect.deb"
  if [ "$xen" = xen ]; then
    [ "$(in_root "$root" 'sha256sum /usr/bin/xen-detect')" = "$before" ] \
      || fail "/usr/bin/xen-detect is not as it was after ours was removed"
    got=$(in_root "$root" "/usr/bin/xen-detect; echo \"status \$?\"")
    [ "$got" = "$want" ] || fail "after removal, Xen's xen-detect said '$got'"
    say "with xen-utils-common: both tools worked side by side; after dpkg -r, ${before%% *} is Xen's /usr/bin/xen-detect as before"
  else
    say "without xen-utils-common: installed, ran ('${want%%$'\n'*}'), removed, nothing left"
  fi
}

t=$(date +%s); check_root "$base" none; say "root without xen-utils-common: $(since "$t")"
t=$(date +%s); check_root "$xenroot" xen; say "root with xen-utils-common: $(since "$t")"
say "all checks passed in $(since "$t0")"
