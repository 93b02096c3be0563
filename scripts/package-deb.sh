#!/usr/bin/env bash
# The Debian package: xen-detect_VERSION-REV_amd64.deb, built with dpkg-deb from the static
# release binary (stripped), the man page, the shell completions, README.md and the licence.
#
# The fleet examples (contrib/fleet: Ansible and Facter fact scripts, the metrics service and
# timer) go to /usr/share/doc/xen-detect/examples, rewritten for the installed name.
#
# The command is installed as /usr/bin/xen-detect-swift, beside Xen's own /usr/bin/xen-detect
# (xen-utils-common), never over it or diverting it: README.md, "The Debian package", says why.
# The man page and the completions are renamed to match.
#
# With --check, lintian must report no error and no warning (overrides: each with its reason), and the renamed completion
# scripts must load in bash, zsh and fish. Prints the .deb's path (last line).
set -euo pipefail
cd "$(dirname "$0")/.."

package=xen-detect
command=xen-detect-swift
revision=${DEB_REVISION:-1}
# The one place the version is written.
version=$(sed -n 's/^let toolkitVersion = "\([0-9][0-9A-Za-z.+~-]*\)"$/\1/p' Sources/xen-detect/Version.swift)
[ -n "$version" ] || { echo "package-deb.sh: no toolkitVersion in Sources/xen-detect/Version.swift" >&2; exit 70; }
maintainer=${DEB_MAINTAINER:-"xen-detect developers <xen-detect@users.noreply.github.com>"}
# Reproducible: every date and timestamp is the commit's.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

bin=$(bash scripts/build-release.sh | tail -1)
man=$(bash scripts/man.sh | tail -1)
completions=$(XEN_DETECT="$bin" bash scripts/completions.sh | tail -1)

out=.build/deb
stage="$out/${package}_${version}-${revision}_amd64"
deb="$out/${package}_${version}-${revision}_amd64.deb"
rm -rf "$stage" "$deb"
doc="$stage/usr/share/doc/$package"
install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/man/man1" "$doc" \
  "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
  "$stage/usr/share/fish/vendor_completions.d" "$stage/usr/share/lintian/overrides"

# The binary: stripped as dh_strip strips an executable.
install -m 0755 "$bin" "$stage/usr/bin/$command"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$stage/usr/bin/$command"

# The man page, under the installed name (title and NAME), gzipped as Debian does (-9n).
sed -e 's/^\.Dt XEN-DETECT /.Dt XEN-DETECT-SWIFT /' -e '0,/^\.Nm xen-detect$/s//.Nm xen-detect-swift/' \
  "$man" > "$stage/usr/share/man/man1/$command.1"
grep -q '^\.Dt XEN-DETECT-SWIFT ' "$stage/usr/share/man/man1/$command.1" \
  && grep -q '^\.Nm xen-detect-swift$' "$stage/usr/share/man/man1/$command.1" \
  || { echo "package-deb.sh: $man has no .Dt XEN-DETECT / .Nm xen-detect line to rename" >&2; exit 70; }
gzip -9n "$stage/usr/share/man/man1/$command.1"

# Completions: ArgumentParser names the command xen-detect; each script is renamed where it names
# the command (not its function names), and each rename is checked, so a generator change fails here.
rename() {  # $1: source, $2: destination, $3: expected count of renamed lines, then sed expressions
  local src=$1 dst=$2 want=$3; shift 3
  sed -E "$@" "$src" > "$dst"
  local got; got=$(diff "$src" "$dst" | grep -c '^>' || true)
  [ "$got" = "$want" ] || { echo "package-deb.sh: renaming $src changed $got lines, expected $want" >&2; exit 70; }
}
# bash-completion sources its files: no #! line (lintian: bash-completion-with-hashbang).
rename "$completions/xen-detect.bash" "$stage/usr/share/bash-completion/completions/$command" 1 \
  -e "1{/^#!/d}" -e "s/^(complete .* )xen-detect\$/\1$command/"
rename "$completions/_xen-detect" "$stage/usr/share/zsh/vendor-completions/_$command" 3 \
  -e "1s/^#compdef xen-detect\$/#compdef $command/" \
  -e "s/^( *compdef _xen-detect) xen-detect\$/\1 $command/" \
  -e "s/\"\\\$\{funcstack\[1\]\}\" = _xen-detect \]\]/\"\${funcstack[1]}\" = _$command ]]/"
# fish: the completions are registered for the installed name, and the parser, which compares the
# words typed with the command's path from its root, sees the first word as xen-detect.
fish_lines=$(( $(grep -c "^complete -c 'xen-detect' " "$completions/xen-detect.fish") + 1 ))
rename "$completions/xen-detect.fish" "$stage/usr/share/fish/vendor_completions.d/$command.fish" "$fish_lines" \
  -e "s/^complete -c 'xen-detect' /complete -c '$command' /" \
  -e "s/^(    set -l unparsed_tokens \(__xen-detect_tokens -pc\))\$/\1\n    set unparsed_tokens[1] xen-detect/"
chmod 0644 "$stage"/usr/share/*/completions/* "$stage"/usr/share/zsh/vendor-completions/* \
  "$stage"/usr/share/fish/vendor_completions.d/*

# The fleet examples (contrib/fleet; README, "Fleets"), for the installed name: the fact scripts
# run /usr/bin/$command (plain `xen-detect` would be Xen's tool), the service too, and the units
# name its man page. Each rewrite is counted, so a change in contrib/fleet fails here.
install -d "$doc/examples"
rename contrib/fleet/xen_detect.fact "$doc/examples/xen_detect.fact" 1 -e "s|^exec xen-detect |exec /usr/bin/$command |"
rename contrib/fleet/xen_detect-facter.sh "$doc/examples/xen_detect-facter.sh" 1 -e "s|^exec xen-detect |exec /usr/bin/$command |"
rename contrib/fleet/xen-detect-metrics.service "$doc/examples/xen-detect-metrics.service" 2 \
  -e "s|^ExecStart=/usr/bin/xen-detect |ExecStart=/usr/bin/$command |" -e "s|^Documentation=man:xen-detect\(1\)\$|Documentation=man:$command(1)|"
rename contrib/fleet/xen-detect-metrics.timer "$doc/examples/xen-detect-metrics.timer" 1 \
  -e "s|^Documentation=man:xen-detect\(1\)\$|Documentation=man:$command(1)|"
chmod 0755 "$doc/examples/xen_detect.fact" "$doc/examples/xen_detect-facter.sh"
chmod 0644 "$doc/examples/xen-detect-metrics.service" "$doc/examples/xen-detect-metrics.timer"

# Documentation: README, the upstream changelog, the Debian changelog, the copyright.
install -m 0644 README.md "$doc/README.md"
gzip -9n -c CHANGELOG.md > "$doc/changelog.gz"
date_rfc2822=$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")
cat > "$doc/changelog.Debian" <<EOF
$package ($version-$revision) unstable; urgency=medium

  * Package the static release build of xen-detect $version. The command is
    /usr/bin/$command, installed beside Xen's own /usr/bin/xen-detect
    (xen-utils-common), which it never replaces or diverts.

 -- $maintainer  $date_rfc2822
EOF
gzip -9n "$doc/changelog.Debian"
{
  cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: xen-detect
Upstream-Contact: $maintainer
Comment: /usr/bin/$command is statically linked. Besides xen-detect's own
 code (Expat) it contains the Swift runtime and standard library (Apache-2.0
 with the Runtime Library Exception), swift-argument-parser (Apache-2.0 with
 the Runtime Library Exception) and the GNU C Library (LGPL-2.1+), whose
 licences follow.

Files: *
Copyright: 2026 the xen-detect developers
License: Expat
EOF
  # The licence text, from LICENSE (the one place it is written), as DEP-5 continuation lines.
  sed -n '/^Permission is hereby granted/,$p' LICENSE | sed -e 's/^$/./' -e 's/^/ /'
  cat <<'EOF'

License: Apache-2.0
 On Debian systems, the complete text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0. The Swift runtime and
 swift-argument-parser add the Runtime Library Exception: portions of this
 software embedded in a binary form of it by the compiler need not be
 attributed.

License: LGPL-2.1+
 On Debian systems, the complete text of the GNU Lesser General Public
 License version 2.1 is in /usr/share/common-licenses/LGPL-2.1.
EOF
} > "$doc/copyright"
chmod 0644 "$doc"/*.* "$doc/copyright"

# Lintian overrides, each with its reason (lintian prints the comment with the tag it hides).
cat > "$stage/usr/share/lintian/overrides/$package" <<EOF
# Deliberately fully static (scripts/build-release.sh): the same binary is copied into initramfs
# images and minimal guests with nothing beside it, and the default run stays near a static C
# program's cost (no dynamic loader). Depends stays empty.
$package: statically-linked-binary [usr/bin/$command]
# Not uploaded to Debian's archive (no ITP bug to close): the package is built from the project's
# own tree by scripts/package-deb.sh.
$package: initial-upload-closes-no-bugs [usr/share/doc/$package/changelog.Debian.gz:1]
# The static binary carries the Swift runtime's and glibc's strings; strings(1) cuts them into
# fragments ("AGAINS", "WARNIN") that look like misspellings. No text of this project is among them.
$package: spelling-error-in-binary * [usr/bin/$command]
EOF
chmod 0644 "$stage/usr/share/lintian/overrides/$package"

installed_size=$(find "$stage/usr" -type f -printf '%s\n' | awk '{ kb += int(($1 + 1023) / 1024) } END { print kb }')
cat > "$stage/DEBIAN/control" <<EOF
Package: $package
Version: $version-$revision
Architecture: amd64
Maintainer: $maintainer
Installed-Size: $installed_size
Section: admin
Priority: optional
Description: detect Xen and the guest's context from inside a virtual machine
 Run inside a virtual machine, $command tells whether it runs on Xen, in
 which context (PV, HVM or PVH) and domain (dom0 or domU), and which other
 hypervisors are in the stack (KVM, Hyper-V, VMware, bhyve and more).
 .
 Without a subcommand it is a drop-in for Xen's own xen-detect: the same
 options, output lines and exit statuses, with far fewer CPUID instructions
 (each one a VM exit). The report subcommand decodes every Xen CPUID leaf,
 as text or JSON; leaves prints them as a cpuid -r dump, and recorded dumps
 are analysed offline. It also installs and verifies Xen's hypercall page
 and issues read-only test hypercalls through /dev/xen/privcmd.
 .
 For fleets, it prints facts for Ansible and Facter and node_exporter
 textfile metrics; the fact scripts and a systemd timer are in
 /usr/share/doc/$package/examples.
 .
 The binary is statically linked. It is installed as $command beside
 Xen's /usr/bin/xen-detect (xen-utils-common) and never replaces it.
EOF
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2

if [ "${1:-}" = "--check" ]; then
  # lintian: no error and no warning (info tags are printed); --fail-on sets the exit status.
  lintian --fail-on error,warning --display-info --tag-display-limit 0 "$deb" >&2 \
    || { echo "package-deb.sh: lintian reports errors or warnings" >&2; exit 1; }
  echo "package-deb.sh: lintian reports no errors and no warnings" >&2
  # The renamed completions load and name the installed command.
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  ln -s "$PWD/$stage/usr/bin/$command" "$tmp/$command"
  words=$(PATH="$tmp:$PATH" bash --norc --noprofile -c '
    source "'"$stage/usr/share/bash-completion/completions/$command"'" || exit 1
    fn=$(complete -p '"$command"' | sed -n "s/.*-F \([^ ]*\).*/\1/p"); [ -n "$fn" ] || exit 2
    COMP_WORDS=('"$command"' ""); COMP_CWORD=1; COMP_LINE="'"$command"' "; COMP_POINT=${#COMP_LINE}
    "$fn" '"$command"' "" '"$command"'
    printf "%s\n" "${COMPREPLY[@]}"')
  grep -qx report <<< "$words" || { echo "package-deb.sh: bash does not complete $command's subcommands" >&2; exit 1; }
  PATH="$tmp:$PATH" zsh -f -c '
    fpath=("'"$PWD/$stage/usr/share/zsh/vendor-completions"'" $fpath)
    autoload -U compinit && compinit -u -D
    [[ ${_comps['"$command"']} = _'"$command"' ]]' \
    || { echo "package-deb.sh: zsh does not register _$command for $command" >&2; exit 1; }
  PATH="$tmp:$PATH" fish --no-config -c '
    source "'"$stage/usr/share/fish/vendor_completions.d/$command.fish"'"; or exit 1
    complete -c '"$command"' | grep -q . ; or exit 2
    complete -C "'"$command"' rep" | grep -q "^report"; or exit 3' \
    || { echo "package-deb.sh: fish does not complete $command" >&2; exit 1; }
  echo "package-deb.sh: bash, zsh and fish complete $command" >&2
fi
echo "$PWD/$deb"
