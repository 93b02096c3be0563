# Sourced by fetch-xen-4.20.sh and build-xen-pv32.sh (bash): a PRIVATE apt configuration for one
# Debian suite -- its own sources list, lists and cache under a directory of the caller's cache,
# passed to apt-get with -o -- so the machine's apt sources, lists, cache and dpkg state stay
# untouched. The mirror is the machine's own: the URI apt itself reads for this release's main
# suite (not -security, -updates; one-line and deb822 sources alike, as apt parses them:
# apt-get indextargets), never a name written here. The caller defines fail() and say().
#
# private_apt KIND SUITE DIR: KIND is deb or deb-src. Writes DIR/sources.list, runs apt-get update
# (log DIR/update.log) and leaves the options in the array `private` for later apt-get calls.
private_apt() {
	local kind=$1 suite=$2 dir=$3 codename mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -r "$keyring" ] || fail "missing $keyring (package debian-archive-keyring)"
	codename=$(. /etc/os-release 2> /dev/null && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || fail "no VERSION_CODENAME in /etc/os-release: not a Debian release?"
	mirror=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' 2> /dev/null |
		awk -v suite="$codename" '$1 == suite { print $2; exit }')
	[ -n "$mirror" ] || fail "the machine's apt sources have no '$codename' suite to take the Debian mirror from"
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" || fail "cannot create $dir"
	echo "$kind [signed-by=$keyring] $mirror $suite main" > "$dir/sources.list"
	private=(
		-o "Dir::Etc::sourcelist=$dir/sources.list"
		-o "Dir::Etc::sourceparts=-"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::Cache=$dir/cache"
		-o "Acquire::Languages=none"
	)
	say "updating the $kind lists of $mirror $suite (private apt configuration in $dir)"
	apt-get "${private[@]}" -q update > "$dir/update.log" 2>&1 ||
		{ tail -n 20 "$dir/update.log" >&2; fail "apt-get update of $suite ($kind) failed"; }
}
