# The drop-in: for every flag, our stdout, stderr and exit status equal Debian's xen-detect.
# Both run as plain "xen-detect" (found through PATH) so getopt's messages name the same argv[0].
for flags in "" -q -P -H -N --quiet --pv --hvm --none -h --help --bogus -x -qP "-q -H" "--quiet --none" "-P extra"; do
	name=${flags:-none}
	(PATH=/usr/bin xs_run theirs xen-detect $flags)
	(PATH=${XS_OURS%/*} xs_run ours xen-detect $flags)
	differs=""
	for part in rc out err; do
		cmp -s "theirs.$part" "ours.$part" ||
			differs="$differs $part: theirs '$(head -c 160 "theirs.$part")' ours '$(head -c 160 "ours.$part")';"
	done
	if [ -z "$differs" ]; then xs_pass "$name"; else xs_fail "$name" "$differs"; fi
done
