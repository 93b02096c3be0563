#!/usr/bin/env python3
"""Writes Sources/XenInterface/Constants.generated.swift and XenErrno.swift from Xen's public headers:
hypercall numbers and the sub-op numbers of the guest-facing hypercalls, each group naming its
header. Two header trees are read, one per Xen release the stage boots: Debian 12's libxen-dev
(/usr/include/xen, Xen 4.17) and Debian 13's (Xen 4.20, fetched by
`scripts/xen-stage/fetch-xen-4.20.sh --headers` into $XS_XEN_420_CACHE/headers, default
.xen-stage/xen-4.20/headers). Each constant is marked with the oldest release whose headers define
it (`since`), so a number only 4.20 knows says so. CI regenerates and diffs it.

Usage: scripts/abi/gen-constants.py [--check]   (--check: fail if the committed file differs)
"""
import os, re, subprocess, sys, pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Sources/XenInterface/Constants.generated.swift"
ERRNO_OUT = ROOT / "Sources/XenInterface/XenErrno.swift"
GRANT_OUT = ROOT / "Sources/XenInterface/GrantStatus.generated.swift"
XENSTORE_OUT = ROOT / "Sources/XenInterface/XenStoreWire.generated.swift"
CACHE_420 = pathlib.Path(os.environ.get("XS_XEN_420_CACHE") or ROOT / ".xen-stage/xen-4.20")
# (release, the directory holding xen/), oldest first. The oldest is the baseline: its `since` is
# "this release or earlier".
TREES = [((4, 17), pathlib.Path("/usr/include")),
         ((4, 20), CACHE_420 / "headers/root/usr/include")]
INCLUDE = TREES[0][1] / "xen"

# (Swift group, prefix, header, names to leave out: flags, sub-sub-ops, versions, what a number of
# the group is: the doc comment of every constant and of the group's namespace says it)
GROUPS = [
    ("hypercall", "__HYPERVISOR_", "xen.h", r"arch_\d",
     "the hypercall's number, passed in rax/eax (privcmd: `op`)"),
    ("xen_version", "XENVER_", "version.h", None, "a `cmd` of the xen_version hypercall"),
    ("memory_op", "XENMEM_", "memory.h", r"(paging_op_|access_op_|sharing_op_|resource_|RDM_ALL)",
     "a `cmd` of the memory_op hypercall"),
    ("grant_table_op", "GNTTABOP_", "grant_table.h", None, "a `cmd` of the grant_table_op hypercall"),
    ("event_channel_op", "EVTCHNOP_", "event_channel.h", None, "a `cmd` of the event_channel_op hypercall"),
    ("sched_op", "SCHEDOP_", "sched.h", None, "a `cmd` of the sched_op hypercall"),
    ("vcpu_op", "VCPUOP_", "vcpu.h", None, "a `cmd` of the vcpu_op hypercall"),
    ("hvm_op", "HVMOP_", "hvm/hvm_op.h", r"(ALTP2M_INTERFACE_VERSION|altp2m_)", "an `op` of the hvm_op hypercall"),
    ("physdev_op", "PHYSDEVOP_", "physdev.h", r"(DBGP_|IRQ_UNMASK_NOTIFY)", "a `cmd` of the physdev_op hypercall"),
    ("mmuext_op", "MMUEXT_", "xen.h", None, "a `cmd` of a struct mmuext_op (the mmuext_op hypercall)"),
    ("mmu_update", "MMU_", "xen.h", None, "a command in the low two bits of a struct mmu_update's `ptr`"),
    ("callback_op", "CALLBACKOP_", "callback.h", None, "a `cmd` of the callback_op hypercall"),
    ("nmi_op", "XENNMI_", "nmi.h", None, "a `cmd` of the nmi_op hypercall"),
    ("console_io", "CONSOLEIO_", "xen.h", None, "a `cmd` of the console_io hypercall"),
    ("vm_assist", "VMASST_CMD_", "xen.h", None, "a `cmd` of the vm_assist hypercall"),
    ("hvm_param", "HVM_PARAM_", "hvm/params.h",
     r"(CALLBACK_TYPE_|MEMORY_EVENT_|PAE_ENABLED|DM_DOMAIN|NESTEDHVM|BUFIOREQ_EVTCHN)",
     "an `index` of struct xen_hvm_param (HVMOP_get_param/set_param)"),
    ("xen_feature", "XENFEAT_", "features.h", r"NR_SUBMAPS",
     "a feature number n: bit n % 32 of XENVER_get_features' submap n / 32"),
    # An enum, not macros: its enumerators are read from the header and each is checked by gcc
    # (ENUM_GROUPS); the namespace is the C enum's own name.
    ("xenbus_state", "XenbusState", "io/xenbus.h", None,
     "the state of one end of a xenbus device (`enum xenbus_state`; each end's xenstore `state` node holds it)"),
]
# Groups that are a C enum (group name = the enum's tag), not #define'd numbers.
ENUM_GROUPS = {"xenbus_state"}

def check_trees():
    for release, tree in TREES:
        if not (tree / "xen/version.h").is_file():
            hint = " (scripts/xen-stage/fetch-xen-4.20.sh --headers fetches them)" if release != TREES[0][0] else \
                " (Debian's libxen-dev: scripts/setup.sh installs it)"
            sys.exit(f"gen-constants.py: no Xen {release[0]}.{release[1]} headers in {tree}/xen{hint}")

def guest_macros(tree, header):
    """The macros a guest sees (latest interface, not __XEN__/__XEN_TOOLS__): tools-only
    numbers such as XENMEM_claim_pages are left out."""
    out = subprocess.run(["gcc", "-m64", "-E", "-dM", "-D__XEN_INTERFACE_VERSION__=0x00040e00", "-I", str(tree),
                          "-include", "xen/xen.h", "-include", "xen/" + header, "-x", "c", "/dev/null"],
                         check=True, capture_output=True, text=True).stdout
    return set(re.findall(r"^#define (\w+)", out, re.M))

def enum_values(tree, tag, prefix, header):
    """The enumerators of `enum tag` in the header, in order, each with its explicit value; gcc
    checks every one (a _Static_assert per enumerator), so a misread value stops the generator."""
    text = (tree / "xen" / header).read_text()
    body = re.search(r"enum\s+" + re.escape(tag) + r"\s*\{(.*?)\};", text, re.S)
    if not body:
        sys.exit(f"gen-constants.py: no enum {tag} in {tree}/xen/{header}")
    body = re.sub(r"/\*.*?\*/", "", body.group(1), flags=re.S)
    seen = [(n, int(v, 0)) for n, v in re.findall(re.escape(prefix) + r"(\w+)\s*=\s*(0x[0-9a-fA-F]+|\d+)", body)]
    asserts = "".join(f"_Static_assert({prefix}{n} == {v}, \"{prefix}{n}\");\n" for n, v in seen)
    r = subprocess.run(["gcc", "-m64", "-fsyntax-only", "-I", str(tree), "-include", "xen/" + header, "-x", "c", "-"],
                       capture_output=True, text=True, input=asserts)
    if r.returncode != 0 or not seen:
        sys.exit(f"gen-constants.py: gcc disagrees with the enumerators read from {tree}/xen/{header}:\n{r.stderr}")
    return seen

def collect_tree(tree, prefix, header, exclude, enum_tag=None):
    if enum_tag:
        return enum_values(tree, enum_tag, prefix, header)
    text = (tree / "xen" / header).read_text()
    visible = guest_macros(tree, header)
    seen = []
    for name, value in re.findall(r"^#define\s+" + re.escape(prefix) + r"(\w+)\s+(0x[0-9a-fA-F]+|\d+)\b", text, re.M):
        if exclude and re.match(exclude, name):
            continue
        if prefix + name not in visible or name in [n for n, _ in seen]:
            continue
        seen.append((name, int(value, 0)))
    return seen

def collect(prefix, header, exclude, enum_tag=None):
    """The group's constants in the newest tree's order, each (name, value, since): since is the
    oldest release whose headers define it. A number that changed between releases, or one a
    newer tree dropped, stops the generator (neither has happened between 4.17 and 4.20)."""
    per_tree = [(release, dict(collect_tree(tree, prefix, header, exclude, enum_tag)),
                 [n for n, _ in collect_tree(tree, prefix, header, exclude, enum_tag)]) for release, tree in TREES]
    newest_release, newest, order = per_tree[-1]
    out = []
    for name in order:
        since = next(release for release, values, _ in per_tree if name in values)
        for release, values, _ in per_tree:
            if name in values and values[name] != newest[name]:
                sys.exit(f"gen-constants.py: {prefix}{name} is {values[name]} in {release} but {newest[name]} in {newest_release}")
        out.append((name, newest[name], since))
    for release, values, names in per_tree[:-1]:
        gone = [n for n in names if n not in newest]
        if gone:
            sys.exit(f"gen-constants.py: {', '.join(prefix + n for n in gone)} of Xen {release} missing from {newest_release}'s headers")
    return out

def release_swift(release):
    return f".xen{release[0]}_{release[1]}"

def since_note(since):
    """The doc comment's note for a constant newer than the baseline."""
    return "" if since == TREES[0][0] else f", since Xen {since[0]}.{since[1]}"

# Swift keywords a header name may collide with: written in backticks.
SWIFT_KEYWORDS = {"init", "default", "operator", "protocol", "subscript", "import", "in", "is", "as", "case",
                  "class", "struct", "enum", "func", "let", "var", "return", "switch", "where", "while", "repeat",
                  "static", "self", "super", "throw", "throws", "try", "do", "else", "for", "if", "guard", "break",
                  "continue", "defer", "extension", "internal", "private", "public", "fileprivate", "typealias"}

def ident(name):
    return f"`{name}`" if name in SWIFT_KEYWORDS else name

def namespace(group, prefix):
    """The Swift name of a group's typed constants: the header's prefix without its trailing
    underscore (XENVER, XENMEM, SCHEDOP, ...), so `XENVER.extraversion` greps as XENVER_extraversion;
    an enum's, the C enum's name (`xenbus_state.Connected` is XenbusStateConnected)."""
    return group if group in ENUM_GROUPS else prefix.rstrip("_")

def main():
    check_trees()
    out = ["// Generated by scripts/abi/gen-constants.py from Xen's public headers (libxen-dev of Debian 12,",
           "// Xen 4.17, and of Debian 13, Xen 4.20); do not edit.",
           "// Each number is written once, as a typed constant under the header's own name (the",
           "// hypercalls as `HypercallNumber.memory_op`, each sub-op group in a namespace named after its",
           "// prefix: `XENVER.extraversion` is public/version.h's XENVER_extraversion); the tables of",
           "// `XenConstantGroup.all`, which list and look up by name, refer to those constants. A number",
           "// only a newer release's headers define says \"since Xen 4.20\" and carries `since: .xen4_20`.", "",
           "extension XenRelease {",
           "    /// The releases whose public headers the generator read, oldest first: "
           + ", ".join(f"{r[0]}.{r[1]}" for r, _ in TREES) + ".",
           "    public static let headerReleases: [XenRelease] = [" + ", ".join(release_swift(r) for r, _ in TREES) + "]",
           "}", ""]
    tables = []
    for group, prefix, header, exclude, role in GROUPS:
        constants = collect(prefix, header, exclude, group if group in ENUM_GROUPS else None)
        if group == "hypercall":
            out.append("extension HypercallNumber {")
            for name, value, since in constants:
                out.append(f"    /// `{prefix}{name}` (public/{header}{since_note(since)}): {role}.")
                out.append(f"    public static let {ident(name)} = HypercallNumber(rawValue: {value})")
            out += ["}", ""]
            refs = [(name, f"HypercallNumber.{ident(name)}.rawValue", since) for name, _, since in constants]
        else:
            ns = namespace(group, prefix)
            out.append(f"/// The `{prefix}*` numbers of public/{header}, each under the header's name without")
            out.append(f"/// the prefix: each is {role}.")
            out.append(f"public enum {ns} {{")
            for name, value, since in constants:
                out.append(f"    /// `{prefix}{name}` (public/{header}{since_note(since)}): {role}.")
                out.append(f"    public static let {ident(name)}: UInt32 = {value}")
            out += ["}", ""]
            refs = [(name, f"{ns}.{ident(name)}", since) for name, _, since in constants]
        tables.append((group, prefix, header, refs))
    out += ["extension XenConstantGroup {",
            "    /// Every group, in the order of the hypercalls they belong to.",
            "    public static let all: [XenConstantGroup] = ["]
    for group, prefix, header, refs in tables:
        out.append(f'        XenConstantGroup(group: "{group}", header: "{header}", prefix: "{prefix}", constants: [')
        for name, ref, since in refs:
            out.append(f'            XenConstant(name: "{name}", value: {ref}, since: {release_swift(since)}),')
        out.append("        ]),")
    out += ["    ]", "}", ""]
    outputs = {OUT: "\n".join(out), ERRNO_OUT: errno_swift(), GRANT_OUT: grant_swift(), XENSTORE_OUT: xenstore_swift()}
    for path, text in outputs.items():
        if "--check" in sys.argv:
            if not path.exists() or path.read_text() != text:
                sys.exit(f"{path} is stale: run scripts/abi/gen-constants.py")
        else:
            path.write_text(text)

def errno_swift():
    """XenErrno.swift: the guest-visible names of public/errno.h (EINTR and ERESTART are
    internal to Xen: `#ifdef __XEN__`)."""
    pre = subprocess.run(["gcc", "-E", "-P", "-x", "c", "-"], check=True, capture_output=True, text=True,
                         input="#define XEN_ERRNO(n, v) ERRNO n v\n#include <xen/errno.h>\n").stdout
    visible = re.findall(r"ERRNO (\w+) (\d+)", pre)
    comments = dict(re.findall(r"XEN_ERRNO\((\w+),\s*\d+\)\s*/\*\s*(.*?)\s*\*/", (INCLUDE / "errno.h").read_text()))
    out = ["// Generated by scripts/abi/gen-constants.py from public/errno.h (libxen-dev); do not edit.", "",
           "/// Xen's error numbers (public/errno.h), as a guest sees them. Hypercalls return them negated.",
           "public struct XenErrno: RawRepresentable, Hashable, Sendable, CustomStringConvertible {",
           "    /// The positive error number; a failed hypercall returns its negation.",
           "    public let rawValue: Int32",
           "    /// The error with number `rawValue`; one the header lacks is kept and named `E<number>`.",
           "    public init(rawValue: Int32) { self.rawValue = rawValue }", ""]
    for name, value in visible:
        out.append(f"    /// `XEN_{name}` (public/errno.h): {comments.get(name, name).rstrip('.')}.")
        out.append(f"    public static let {name} = XenErrno(rawValue: {value})")
    out += ["", "    /// Every name of public/errno.h with its value, in header order (aliases included).",
            "    public static let all: [(name: String, errno: XenErrno)] = ["]
    out += [f'        ("{name}", .{name}),' for name, _ in visible]
    out += ["    ]", "",
            "    /// The header's name (the first one for aliased values), or `E<number>` when unknown.",
            "    public var name: String {",
            '        Self.all.first { $0.errno == self }?.name ?? "E\\(rawValue)"',
            "    }", "",
            '    /// The name and the number, as in "ENOSYS (38)".',
            '    public var description: String { "\\(name) (\\(rawValue))" }', "",
            "    /// The header's comment for the value, or \"unknown Xen error\".",
            "    public var text: String {",
            "        switch rawValue {"]
    seen = set()
    for name, value in visible:
        if value in seen:
            continue
        seen.add(value)
        text = comments.get(name, name).replace("\\", "\\\\").replace('"', '\\"')
        out.append(f'        case {value}: return "{text}"')
    out += ['        default: return "unknown Xen error"',
            "        }",
            "    }",
            "}", ""]
    return "\n".join(out)

def macro_values(tree, header, prefix):
    """Every guest-visible `#define PREFIXname value` of the header whose value is an integer
    expression (negative, parenthesised, or shifts of other macros, as `(1<<_GNTCOPY_dest_gref)`):
    (name, value, the header's trailing comment), in header order. Python evaluates each after
    gcc's preprocessor expanded it, and gcc checks every value (a _Static_assert per macro)."""
    text = (tree / "xen" / header).read_text()
    found = re.findall(r"^#define\s+" + re.escape(prefix) + r"(\w+)[ \t]+([^/\n]+?)[ \t]*(?:/\*[ \t]*(.*?)[ \t]*\*/)?[ \t]*$", text, re.M)
    names = [n for n, _, _ in found]
    probe = "".join(f"XS_VALUE \"{prefix}{n}\" = {prefix}{n}\n" for n in names)
    pre = subprocess.run(["gcc", "-m64", "-E", "-P", "-I", str(tree), "-include", "xen/xen.h", "-include", "xen/" + header,
                          "-x", "c", "-"], check=True, capture_output=True, text=True, input=probe).stdout
    expanded = dict(re.findall(r'XS_VALUE "(\w+)" = (.*)', pre))
    out = []
    for name, _, comment in found:
        expr = expanded.get(prefix + name, "")
        if not re.fullmatch(r"[0-9xXa-fA-F()<>|+\- ]+", expr):
            sys.exit(f"gen-constants.py: {prefix}{name} of {tree}/xen/{header} is not an integer expression: {expr!r}")
        out.append((name, int(eval(expr)), comment.rstrip(". ")))
    asserts = "".join(f"_Static_assert({prefix}{n} == {v}, \"{prefix}{n}\");\n" for n, v, _ in out)
    r = subprocess.run(["gcc", "-m64", "-fsyntax-only", "-I", str(tree), "-include", "stdint.h", "-include", "xen/xen.h", "-include", "xen/" + header,
                        "-x", "c", "-"], capture_output=True, text=True, input=asserts)
    if r.returncode != 0 or not out:
        sys.exit(f"gen-constants.py: gcc disagrees with the {prefix}* values read from {tree}/xen/{header}:\n{r.stderr}")
    return out

def implicit_enum(tree, tag, prefix, header):
    """The enumerators of `enum tag` with C's rules for values: each is its explicit value (a
    number, or an earlier enumerator plus a number) or the previous one's plus 1. Preprocessor
    lines and comments inside are skipped; gcc checks every value (a _Static_assert each)."""
    text = (tree / "xen" / header).read_text()
    body = re.search(r"enum\s+" + re.escape(tag) + r"\s*\{(.*?)\};", text, re.S)
    if not body:
        sys.exit(f"gen-constants.py: no enum {tag} in {tree}/xen/{header}")
    body = re.sub(r"/\*.*?\*/", "", body.group(1), flags=re.S)
    body = "\n".join(l for l in body.splitlines() if not l.strip().startswith("#"))
    values, out, last = {}, [], -1
    for item in [i.strip() for i in body.split(",") if i.strip()]:
        m = re.fullmatch(prefix + r"(\w+)(?:\s*=\s*(\w+)(?:\s*\+\s*(\d+))?)?", item)
        if not m:
            sys.exit(f"gen-constants.py: cannot read enumerator {item!r} of enum {tag} in {tree}/xen/{header}")
        name, base, plus = m.groups()
        if base is None:
            last += 1
        elif base.startswith(prefix) and base[len(prefix):] in values:
            last = values[base[len(prefix):]] + int(plus or 0)
        else:
            last = int(base, 0) + int(plus or 0)
        values[name] = last
        out.append((name, last))
    asserts = "".join(f"_Static_assert({prefix}{n} == {v}, \"{prefix}{n}\");\n" for n, v in out)
    r = subprocess.run(["gcc", "-m64", "-fsyntax-only", "-I", str(tree), "-include", "stdint.h", "-include", "xen/" + header,
                        "-x", "c", "-"], capture_output=True, text=True, input=asserts)
    if r.returncode != 0:
        sys.exit(f"gen-constants.py: gcc disagrees with the enumerators read from {tree}/xen/{header}:\n{r.stderr}")
    return out

def xenstore_swift():
    """XenStoreWire.generated.swift: the message types of public/io/xs_wire.h (`enum
    xsd_sockmsg_type`, values implicit in C) and its size limits, which both releases agree on."""
    per_tree = [(release, implicit_enum(tree, "xsd_sockmsg_type", "XS_", "io/xs_wire.h")) for release, tree in TREES]
    types = per_tree[-1][1]
    for release, values in per_tree[:-1]:
        if values != types:
            sys.exit(f"gen-constants.py: enum xsd_sockmsg_type differs between Xen {release} and {per_tree[-1][0]}")
    limits = [(n, v, c) for n, v, c in agreed_macros("io/xs_wire.h", "XENSTORE_", only=["PAYLOAD_MAX", "ABS_PATH_MAX", "REL_PATH_MAX"])]
    out = ["// Generated by scripts/abi/gen-constants.py from public/io/xs_wire.h (libxen-dev of Debian 12,",
           "// Xen 4.17, and of Debian 13, Xen 4.20, which agree); do not edit.", "",
           "/// The message types of the xenstore wire protocol (public/io/xs_wire.h, `enum xsd_sockmsg_type`:",
           "/// the `type` of a struct xsd_sockmsg), each under the header's name without `XS_`.",
           "public enum xsd_sockmsg_type {"]
    for name, value in types:
        out.append(f"    /// `XS_{name}` (public/io/xs_wire.h): a message type, {value}.")
        out.append(f"    public static let {ident(name)}: UInt32 = {value}")
    out += ["}", "",
            "/// The size limits of public/io/xs_wire.h, each under the header's name without `XENSTORE_`.",
            "public enum XENSTORE {"]
    meaning = {"PAYLOAD_MAX": "the most bytes a message carries after its header",
               "ABS_PATH_MAX": "the longest absolute path", "REL_PATH_MAX": "the longest relative path"}
    for name, value, _ in limits:
        out.append(f"    /// `XENSTORE_{name}` (public/io/xs_wire.h): {meaning[name]}.")
        out.append(f"    public static let {ident(name)} = {value}")
    out += ["}", ""]
    return "\n".join(out)

def agreed_macros(header, prefix, only=None):
    """`macro_values` of the newest tree (only the names in `only`, when given), after checking
    every older tree defines the same values."""
    per_tree = [(release, [m for m in macro_values(tree, header, prefix) if only is None or m[0] in only]) for release, tree in TREES]
    newest_release, newest = per_tree[-1]
    for release, values in per_tree[:-1]:
        if [(n, v) for n, v, _ in values] != [(n, v) for n, v, _ in newest]:
            sys.exit(f"gen-constants.py: {prefix}* of {header} differ between Xen {release} and {newest_release}")
    return newest

def grant_swift():
    """GrantStatus.generated.swift: the GNTST_ statuses of public/grant_table.h (a grant operation's
    int16_t `status`, one per entry, beside the hypercall's return value) and the GNTCOPY_ flags of
    struct gnttab_copy."""
    statuses = agreed_macros("grant_table.h", "GNTST_")
    flags = [(n, v) for n, v, _ in agreed_macros("grant_table.h", "GNTCOPY_")]
    out = ["// Generated by scripts/abi/gen-constants.py from public/grant_table.h (libxen-dev of Debian 12,",
           "// Xen 4.17, and of Debian 13, Xen 4.20, which agree); do not edit.", "",
           "/// The status Xen writes into each entry of a grant-table operation (public/grant_table.h,",
           "/// `GNTST_*`: the `status` field of gnttab_copy, gnttab_query_size, gnttab_map_grant_ref, ...).",
           "/// It is apart from the hypercall's return value: the call can succeed and an entry fail.",
           "public struct GrantStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {",
           "    /// The status as the `int16_t` field holds it: 0 is GNTST_okay, errors are negative.",
           "    public let rawValue: Int16",
           "    /// The status `rawValue`; one the header lacks is kept and named `GNTST_<number>`.",
           "    public init(rawValue: Int16) { self.rawValue = rawValue }", ""]
    for name, value, comment in statuses:
        out.append(f"    /// `GNTST_{name}` (public/grant_table.h): {comment or name}.")
        out.append(f"    public static let {ident(name)} = GrantStatus(rawValue: {value})")
    out += ["", "    /// Every status of the header with its comment, in header order.",
            "    public static let all: [(name: String, status: GrantStatus, text: String)] = ["]
    out += [f'        ("{name}", .{ident(name)}, "{(comment or name).replace(chr(34), chr(39))}"),' for name, _, comment in statuses]
    out += ["    ]", "",
            "    /// The header's name with its prefix (\"GNTST_okay\"), or `GNTST_<number>` when unknown.",
            "    public var name: String {",
            '        "GNTST_" + (Self.all.first { $0.status == self }?.name ?? String(rawValue))',
            "    }", "",
            "    /// The header's comment for the status (\"Not enough privilege for operation\"), or \"unknown grant status\".",
            "    public var text: String {",
            '        Self.all.first { $0.status == self }?.text ?? "unknown grant status"',
            "    }", "",
            '    /// The name and the number, as in "GNTST_permission_denied (-8)".',
            '    public var description: String { "\\(name) (\\(rawValue))" }',
            "}", "",
            "/// The `GNTCOPY_*` flags of struct gnttab_copy (public/grant_table.h): which side of the copy",
            "/// names a grant reference rather than a frame.",
            "public enum GNTCOPY {"]
    for name, value in flags:
        out.append(f"    /// `GNTCOPY_{name}` (public/grant_table.h): a bit of gnttab_copy's `flags`.")
        out.append(f"    public static let {ident(name)}: UInt16 = {value}")
    out += ["}", ""]
    return "\n".join(out)

main()
