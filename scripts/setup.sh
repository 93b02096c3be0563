#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 machine. Idempotent: packages already
# present are not touched, and apt-get update runs only when something is missing.
# Swift 6.3 itself comes with the machine (/opt/swift); its package copies resolve offline.
set -euo pipefail

packages=(
  libc6-dev        # the one system dependency of the toolkit
  gcc-multilib     # gcc -m32/-m64: layout proofs against Xen's headers, the test guests
  libxen-dev       # Xen's public headers (the ABI proof) and the privcmd ioctl header
  cpuid            # Debian's cpuid -r: fixtures and comparisons
  xen-utils-common # Debian's /usr/bin/xen-detect: the reference the drop-in is tested against
  hyperfine        # benchmarks
  gdb              # counts CPUID executions of the release binary (benchmarks)
  binutils gzip    # strip, and Xen's ELF unpacked for QEMU (the real-Xen stage installs the rest)
  jq               # the fuzz build reads the package's module graph
  util-linux       # setpriv: bad-input tests run as an unprivileged user
  man-db groff-base # man -l --warnings: the generated man page renders without warnings
  bash-completion zsh fish  # each generated completion script is loaded in its shell
  ansible-core facter       # scripts/fleet-check.sh: the engines read our facts (contrib/fleet)
  prometheus prometheus-node-exporter  # promtool's lint, and a real node_exporter's textfile collector
  systemd curl              # systemd-analyze verify of the units; node_exporter scraped on 127.0.0.1
  lintian          # the Debian package (scripts/package-deb.sh --check)
  debootstrap      # the Debian 12 roots the package is installed and removed in (scripts/package-test.sh)
  strace           # scripts/package-test.sh: the default run ends before the Swift runtime starts
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The kernel's cpuid driver (/dev/cpu/N/cpuid): CLI tests compare `--source devcpu` with native
# CPUID and read it as an unprivileged user; without it they fail (never a silent pass), so it
# is loaded here, as root. The msr driver is deliberately not loaded: no unit or CLI test may
# write an MSR (only the real-Xen stage installs the hypercall page, inside its own guests).
if [ ! -e /dev/cpu/0/cpuid ]; then
  modprobe cpuid 2>/dev/null \
    || echo "setup: cannot load the cpuid driver (modprobe cpuid): the /dev/cpu tests will fail" >&2
fi
