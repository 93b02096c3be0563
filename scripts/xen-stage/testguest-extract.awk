# Turns the serial log of one test-guest boot into its results file: one
# record per line, `kind key=value ...`, hex split over several XDG lines
# joined into one field. Format: docs/test-guest.md, "Results file".
{ sub(/\r$/, "") }
$1 != "XDG" { next }
$2 == "xen"    { $1 = ""; $2 = ""; sub(/^ +/, ""); xen = $0; next }
$2 == "begin"  { split($3, a, "="); abi = a[2]; next }
$2 == "page"   { page = page $4; next }
$2 == "entry"  { entries = entries "entry index=" $3 " hex=" $4 "\n"; next }
$2 == "place"  { places = places "place index=" $3 " " $4 " " $5 "\n"; next }
$2 == "error"  { errors = errors "error what=" $3 " value=" $4 "\n"; next }
$2 == "call"   {
    i = $3; order[++calls] = i
    op[i] = $4; label[i] = $5; regs[i] = $6; nbuf[i] = 0; next
}
$2 == "ret"    { ret[$3] = $4; signed[$3] = $5; next }
$2 == "buf"    {
    i = $3; k = $4; n = ++nbuf[i]; bufs[i, n] = k
    size[i, k] = $6; sub(/^size=/, "", size[i, k]); addr[i, k] = $5; hex[i, k] = ""; next
}
$2 == "hex"    { hex[$3, $4] = hex[$3, $4] $6; next }
$2 == "end"    { ended = 1; status = $4; sub(/^status=/, "", status); next }
END {
    printf "guest abi=%s status=%s calls=%d\n", abi, (ended ? status : "no-end-marker"), calls
    if (xen != "") print "xen " xen
    printf "%s", entries
    if (page != "") print "page hex=" page
    printf "%s", places
    printf "%s", errors
    for (c = 1; c <= calls; c++) {
        i = order[c]
        printf "call index=%s %s %s %s ret=%s signed=%s\n", i, op[i], label[i], regs[i], ret[i], signed[i]
        for (n = 1; n <= nbuf[i]; n++) {
            k = bufs[i, n]
            printf "buffer call=%s index=%s size=%s %s hex=%s\n", i, k, size[i, k], addr[i, k], hex[i, k]
        }
    }
}
