# Helpers for guest checks (busybox sh). The guest's /init sources this file before each
# check under scripts/xen-stage/checks/, with these variables set:
#   XS_ENV     pv-dom0 | pvh-dom0 | linux      (which environment this boot is)
#   XS_CHECK   the check file's topic, e.g. "dropin" for 10-dropin.sh
#   XS_OURS    the project's binary            (/opt/xen-detect/bin/xen-detect)
#   XS_THEIRS  Debian's xen-detect             (/usr/bin/xen-detect)
#   XS_TMP     a scratch directory of this check's own
#   XS_RECORD  1 when the host asked for fixtures to be re-recorded
# A check prints its verdicts only through xs_pass / xs_fail; other output is kept in the
# console log but ignored by the host.

# xs_pass NAME: one passed assertion, reported as "PASS <env> <check>/<NAME>".
xs_pass() {
	echo "PASS $XS_ENV $XS_CHECK/$(xs_word "$1")"
}

# xs_fail NAME DETAIL...: one failed assertion; the detail is flattened to one line.
xs_fail() {
	_xs_name=$(xs_word "$1")
	shift
	echo "FAIL $XS_ENV $XS_CHECK/$_xs_name: $(printf '%s' "$*" | tr '\n\r' '  ' | cut -c1-400)"
}

# xs_expect NAME EXPECTED ACTUAL: passes when both strings are equal.
xs_expect() {
	if [ "$2" = "$3" ]; then
		xs_pass "$1"
	else
		xs_fail "$1" "expected '$2', got '$3'"
	fi
}

# xs_word TEXT: TEXT usable as one word of a result line (spaces become '_').
xs_word() {
	_xs_w=$(printf '%s' "$1" | tr ' \t\n' '___')
	[ -n "$_xs_w" ] || _xs_w=none
	printf '%s' "$_xs_w"
}

# xs_on_xen: true in the two Xen environments (by the host's label, not by detection).
xs_on_xen() {
	[ "$XS_ENV" != linux ]
}

# xs_json_flatten: JSON on stdin -> one "path=value" line per scalar, e.g.
# "xen.version.major=4", "hypervisors.0.signature=TCGTCGTCGTCG". Strings lose their quotes
# (escapes are kept as written), array elements are numbered from 0, empty containers
# print as "path={}" / "path=[]". Independent of the JSON's layout.
xs_json_flatten() {
	awk '
	function path(   p, d) {
		p = ""
		for (d = 1; d <= depth; d++) p = p (d > 1 ? "." : "") key[d]
		return p
	}
	function emit(v) { print path() "=" v; count[depth]++ }
	function emitempty(v) { depth--; print path() "=" v; depth++ }
	{ text = text $0 "\n" }
	END {
		n = length(text); i = 1; depth = 0; expectkey = 0
		while (i <= n) {
			c = substr(text, i, 1)
			if (c == "{" || c == "[") {
				if (depth > 0) count[depth]++
				depth++; count[depth] = 0
				if (c == "{") { kind[depth] = "o"; key[depth] = ""; expectkey = 1 }
				else { kind[depth] = "a"; key[depth] = 0; expectkey = 0 }
				i++
			} else if (c == "}" || c == "]") {
				if (count[depth] == 0) emitempty(c == "}" ? "{}" : "[]")
				depth--; expectkey = 0; i++
			} else if (c == ",") {
				if (kind[depth] == "a") key[depth]++; else expectkey = 1
				i++
			} else if (c == ":") {
				expectkey = 0; i++
			} else if (c == "\"") {
				j = i + 1
				while (j <= n && substr(text, j, 1) != "\"") {
					if (substr(text, j, 1) == "\\") j++
					j++
				}
				s = substr(text, i + 1, j - i - 1)
				if (kind[depth] == "o" && expectkey) key[depth] = s
				else emit(s)
				i = j + 1
			} else if (c ~ /[ \t\r\n]/) {
				i++
			} else {
				j = i
				while (j <= n && substr(text, j, 1) !~ /[],} \t\r\n]/) j++
				emit(substr(text, i, j - i))
				i = j
			}
		}
	}'
}

# xs_json_get FLATFILE PATH: the value at PATH in a flattened file (empty if absent).
xs_json_get() {
	sed -n "s|^$2=||p" "$1" | head -n 1
}

# xs_number TEXT: a decimal number from decimal or 0x-hex TEXT (quotes tolerated); empty if not a number.
xs_number() {
	_xs_n=$(printf '%s' "$1" | tr -d '"')
	case "$_xs_n" in
		0x[0-9a-fA-F]* | 0X[0-9a-fA-F]* | [0-9]*) echo $((_xs_n)) ;;
		*) echo "" ;;
	esac
}

# xs_hypervisor_leaves DUMP: from a `cpuid -r` dump, one line "<base> <signature> <max leaf>"
# (decimal base and max) for each 0x40000000 + k*0x100 leaf whose registers spell a signature.
xs_hypervisor_leaves() {
	awk '
	function hex(s,   i, v, c) {
		v = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
		return v
	}
	function chars(v,   s, k) {
		s = ""
		for (k = 0; k < 4; k++) {
			c = v % 256; v = int(v / 256)
			if (c >= 32 && c < 127) s = s sprintf("%c", c); else if (c != 0) s = s "?"
		}
		return s
	}
	/^ *0x4[0-9a-f]+ 0x00: / {
		leaf = hex($1)
		if (leaf % 256 != 0 || leaf < 1073741824 || leaf > 1073807360) next
		if (leaf in seen) next
		seen[leaf] = 1
		split($0, r, /[= ]+/)
		for (k in r) {
			if (r[k] == "eax") a = hex(r[k + 1]); if (r[k] == "ebx") b = hex(r[k + 1])
			if (r[k] == "ecx") cc = hex(r[k + 1]); if (r[k] == "edx") d = hex(r[k + 1])
		}
		sig = chars(b) chars(cc) chars(d)
		if (sig != "" && a >= leaf) print leaf, sig, a
	}' "$1"
}

# xs_emit_file NAME < CONTENT: sends a text file to the host, framed and checksummed; the host
# keeps it as <work>/out/<env>/NAME (and, with --record, as a committed fixture).
xs_emit_file() {
	_xs_f="$XS_TMP/.emit.$$"
	cat > "$_xs_f"
	_xs_lines=$(wc -l < "$_xs_f")
	_xs_sum=$(md5sum < "$_xs_f" | cut -d' ' -f1)
	sed "s|^|@@F $1 |" "$_xs_f"
	echo "@@F-END $1 lines=$_xs_lines md5=$_xs_sum"
	rm -f "$_xs_f"
}

# xs_load_pv_modules: loads xen-evtchn, xen-gntalloc and xen-gntdev (packed by run.sh, listed in
# /xs/pv-modules.order) unless already loaded; a failure is one line on the console.
xs_load_pv_modules() {
	for _xs_m in $(cat /xs/pv-modules.order 2> /dev/null); do
		[ -d "/sys/module/$(echo "$_xs_m" | tr - _)" ] && continue
		insmod "/xs/modules/$_xs_m.ko" 2> "$XS_TMP/.insmod.err" || echo "xs: insmod $_xs_m: $(cat "$XS_TMP/.insmod.err")"
	done
}

# xs_privcmd_unrestricted: in a domU, reloads xen-privcmd with unrestricted=1 (and xenfs, which
# depends on it, with /proc/xen remounted) so hypercalls through /dev/xen/privcmd reach Xen (see
# checks/35-domu-privcmd.sh); once per boot (a marker in /run). Errors are in /run/xs-privcmd.err.
# Status 0 when /dev/xen/privcmd and /proc/xen/capabilities are back.
xs_privcmd_unrestricted() {
	[ -e /run/xs-privcmd-unrestricted ] && return 0
	mkdir -p /run
	umount /proc/xen 2> /dev/null
	rmmod xenfs 2> /run/xs-privcmd.err
	rmmod xen_privcmd 2>> /run/xs-privcmd.err
	insmod /xs/modules/xen-privcmd.ko unrestricted=1 2>> /run/xs-privcmd.err &&
		insmod /xs/modules/xenfs.ko 2>> /run/xs-privcmd.err && mount -t xenfs xenfs /proc/xen 2>> /run/xs-privcmd.err
	[ -c /dev/xen/privcmd ] && [ -r /proc/xen/capabilities ] && : > /run/xs-privcmd-unrestricted
}

# xs_run OUTPREFIX CMD...: runs CMD with stdout, stderr and status in OUTPREFIX.{out,err,rc}.
xs_run() {
	_xs_p=$1
	shift
	"$@" > "$_xs_p.out" 2> "$_xs_p.err"
	echo $? > "$_xs_p.rc"
}

# xs_dropin_flags: the flag combinations on which the drop-in must equal Xen's xen-detect (one
# per line, the first empty: no flag), for 10-dropin.sh and the hidden-sysfs run of 15-hidden-sysfs.sh.
xs_dropin_flags() {
	printf '%s\n' "" -q -P -H -N --quiet --pv --hvm --none -h --help --bogus -x -qP "-q -H" "--quiet --none" "-P extra"
}

# xs_dropin_run DIR: runs Debian's xen-detect and ours with each of xs_dropin_flags, both as plain
# "xen-detect" found through PATH (so getopt's messages name the same argv[0]), into
# DIR/flags (the list) and DIR/<n>.theirs.{out,err,rc}, DIR/<n>.ours.{out,err,rc} (n from 0).
xs_dropin_run() {
	mkdir -p "$1"
	xs_dropin_flags > "$1/flags"
	_xs_i=0
	while IFS= read -r _xs_flags; do
		(PATH=/usr/bin xs_run "$1/$_xs_i.theirs" xen-detect $_xs_flags) < /dev/null
		(PATH=${XS_OURS%/*} xs_run "$1/$_xs_i.ours" xen-detect $_xs_flags) < /dev/null
		_xs_i=$((_xs_i + 1))
	done < "$1/flags"
}

# xs_dropin_verdicts DIR [PREFIX]: one verdict per flag combination of an xs_dropin_run DIR, named
# PREFIX<flags> ("none" for no flag): passes when stdout, stderr and exit status are equal.
xs_dropin_verdicts() {
	_xs_i=0
	while IFS= read -r _xs_flags; do
		_xs_d=""
		for _xs_part in rc out err; do
			cmp -s "$1/$_xs_i.theirs.$_xs_part" "$1/$_xs_i.ours.$_xs_part" ||
				_xs_d="$_xs_d $_xs_part: theirs '$(head -c 160 "$1/$_xs_i.theirs.$_xs_part")' ours '$(head -c 160 "$1/$_xs_i.ours.$_xs_part")';"
		done
		if [ -z "$_xs_d" ]; then xs_pass "${2:-}${_xs_flags:-none}"; else xs_fail "${2:-}${_xs_flags:-none}" "$_xs_d"; fi
		_xs_i=$((_xs_i + 1))
	done < "$1/flags"
}
