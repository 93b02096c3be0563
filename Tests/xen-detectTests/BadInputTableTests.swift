import Foundation
import Testing
import XenCompat

/// The bad-input table (docs/reliability.md, "Bad input"): every row runs the built binary and
/// checks the exact one-line error on stderr, the exit status, and that nothing reached stdout when
/// it failed (an error never comes with partial output). The doc's table is checked against this
/// one, so the two cannot drift apart.
@Suite struct BadInputTableTests {
    /// Who runs the row.
    enum User: String, Sendable {
        case root
        /// uid/gid 65534 through `setpriv --reuid=65534 --regid=65534 --clear-groups`.
        case nobody
    }

    /// The row's input file, written to `{FILE}` before the run.
    enum Input: Sendable {
        case none
        case text(String)
        case bytes([UInt8])
        /// A file of this many bytes (repeated comment lines).
        case size(Int)
        /// `{FILE}` names a directory.
        case directory
        /// `{FILE}` is readable by root only (mode 0600).
        case rootOnly(String)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        /// Stable name: the doc's first column.
        let id: String
        /// What is wrong with the input, in words (the doc's second column).
        let what: String
        let arguments: [String]
        var input: Input = .none
        var user: User = .root
        /// The one line on stderr after "xen-detect: ", `{FILE}` for the input file; nil: no stderr.
        let error: String?
        let status: Int32
        /// Exact stdout when the row succeeds (detection outcomes); must be empty when `error` is set.
        var stdout: String = ""
        /// A path the row needs (a prerequisite scripts/setup.sh provides): missing, the row fails.
        var needs: String? = nil
        /// The row says what a host that is not a Xen guest answers: it runs in `nonXenHostRow`,
        /// which is an explicit, counted skip on a Xen guest (Machine.isXenGuest).
        var nonXenHostOnly = false

        var testDescription: String { id }
    }

    /// A fixed directory, so that messages naming the file are stable: /tmp/xd-bad-input/<id>.
    static let directory = "/tmp/xd-bad-input"

    static let xenLeaves = """
           0x40000000 0x00: eax=0x40000005 ebx=0x566e6558 ecx=0x65584d4d edx=0x4d4d566e
           0x40000001 0x00: eax=0x00040011 ebx=0x00000000 ecx=0x00000000 edx=0x00000000
           0x40000002 0x00: eax=0x00000001 ebx=0x40000000 ecx=0x00000000 edx=0x00000000
        """
    static let leaf1WithHypervisorBit = "   0x00000001 0x00: eax=0x00a00f11 ebx=0x00020800 ecx=0xfffa3203 edx=0x178bfbff"
    static let leaf1WithoutHypervisorBit = "   0x00000001 0x00: eax=0x00a00f11 ebx=0x00020800 ecx=0x7ffa3203 edx=0x178bfbff"

    static let rows: [Row] = [
        // Recorded dumps (`--source dump:FILE`, and `leaves --source dump:FILE`).
        Row(id: "dump-garbled", what: "a leaf line with two registers missing",
            arguments: ["--source", "dump:{FILE}"],
            input: .text("CPU 0:\n   0x40000000 0x00: eax=0x40000001 ebx=0x4b4d\n"),
            error: "dump line 2: expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got 4 fields", status: 65),
        Row(id: "dump-binary", what: "4 KiB of binary garbage",
            arguments: ["leaves", "--source", "dump:{FILE}"],
            input: .bytes((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }),
            error: "dump line 1: expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got 2 fields", status: 65),
        Row(id: "dump-truncated-mid-line", what: "a dump cut off after 'edx='",
            arguments: ["--source", "dump:{FILE}"],
            input: .text("CPU:\n" + leaf1WithHypervisorBit + "\n   0x40000000 0x00: eax=0x40000005 ebx=0x566e6558 ecx=0x65584d4d edx="),
            error: "dump line 3: expected edx=0x<hex>, got 'edx='", status: 65),
        Row(id: "dump-truncated-mid-register", what: "a dump cut off inside the ECX field",
            arguments: ["--source", "dump:{FILE}"],
            input: .text("CPU:\n" + leaf1WithHypervisorBit + "\n   0x40000000 0x00: eax=0x40000005 ebx=0x566e6558 ecx=0x6558"),
            error: "dump line 3: expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got 5 fields", status: 65),
        Row(id: "dump-empty", what: "an empty file",
            arguments: ["--source", "dump:{FILE}"], input: .text(""),
            error: "dump holds no CPUID leaves", status: 65),
        Row(id: "dump-headers-only", what: "CPU headers and comments, no leaf",
            arguments: ["--source", "dump:{FILE}"], input: .text("CPU 0:\n# nothing recorded\nCPU 1:\n"),
            error: "dump holds no CPUID leaves", status: 65),
        Row(id: "dump-sign-in-hex", what: "a sign inside a hex field ('edx=0x+4d', found by fuzzing)",
            arguments: ["--source", "dump:{FILE}"],
            input: .text("   0x40000000 0x00: eax=0x40000001 ebx=0x4b4d564b ecx=0x564b4d56 edx=0x+4d\n"),
            error: "dump line 1: expected edx=0x<hex>, got 'edx=0x+4d'", status: 65),
        Row(id: "dump-leaf-too-wide", what: "a leaf number wider than 32 bits",
            arguments: ["--source", "dump:{FILE}"],
            input: .text("   0x140000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4\n"),
            error: "dump line 1: leaf and sub-leaf must be 0x-prefixed 32-bit hex numbers", status: 65),
        Row(id: "dump-duplicate-leaf", what: "the same leaf twice for one CPU",
            arguments: ["--source", "dump:{FILE}"],
            input: .text("CPU:\n" + xenLeaves + "\n   0x40000000 0x00: eax=0x40000005 ebx=0x566e6558 ecx=0x65584d4d edx=0x4d4d566e\n"),
            error: "dump line 5: leaf 0x40000000 subleaf 0x00000000 recorded twice for one CPU", status: 65),
        Row(id: "dump-out-of-order", what: "leaves out of order (accepted: a dump is a table)",
            arguments: ["--source", "dump:{FILE}"],
            input: .text("CPU:\n" + xenLeaves.split(separator: "\n").reversed().joined(separator: "\n") + "\n" + leaf1WithHypervisorBit + "\n"),
            error: nil, status: 0, stdout: "Running in HVM context on Xen V4.17.\n"),
        Row(id: "dump-no-hypervisor-range", what: "no leaf 0x40000000 at all",
            arguments: ["--source", "dump:{FILE}"], input: .text("CPU:\n" + leaf1WithHypervisorBit + "\n"),
            error: nil, status: 0, stdout: "Not running on Xen.\n"),
        Row(id: "dump-no-hypervisor-range-expect-hvm", what: "no hypervisor range, with -H (xen-detect's status 1)",
            arguments: ["-H", "--source", "dump:{FILE}"], input: .text("CPU:\n" + leaf1WithHypervisorBit + "\n"),
            error: nil, status: 1, stdout: "Not running on Xen.\n"),
        Row(id: "dump-hypervisor-bit-clear", what: "Xen's leaves present but CPUID.1:ECX[31] clear",
            arguments: ["--source", "dump:{FILE}"], input: .text("CPU:\n" + leaf1WithoutHypervisorBit + "\n" + xenLeaves + "\n"),
            error: nil, status: 0, stdout: "Not running on Xen.\n"),
        Row(id: "dump-too-large", what: "a dump larger than 16 MiB",
            arguments: ["--source", "dump:{FILE}"], input: .size(16 << 20 + 1),
            error: "read {FILE}: File too large", status: 65),
        Row(id: "dump-is-directory", what: "the dump path names a directory",
            arguments: ["--source", "dump:{FILE}"], input: .directory,
            error: "read {FILE}: Is a directory", status: 65),
        Row(id: "dump-missing", what: "the dump file does not exist",
            arguments: ["--source", "dump:{FILE}"],
            error: "open {FILE}: No such file or directory", status: 66),
        Row(id: "dump-no-permission", what: "a root-only dump read by an unprivileged user",
            arguments: ["--source", "dump:{FILE}"], input: .rootOnly("CPU:\n" + xenLeaves + "\n"), user: .nobody,
            error: "open {FILE}: Permission denied", status: 77),

        // CPUID sources.
        Row(id: "source-unknown", what: "an unknown --source",
            arguments: ["leaves", "--source", "disk"],
            error: "invalid source 'disk': expected native, pv, devcpu[:N] or dump:FILE", status: 64),
        Row(id: "source-devcpu-negative", what: "a negative CPU number",
            arguments: ["leaves", "--source", "devcpu:-1"],
            error: "invalid source 'devcpu:-1': expected native, pv, devcpu[:N] or dump:FILE", status: 64),
        Row(id: "devcpu-missing", what: "/dev/cpu/N/cpuid does not exist (no such CPU, or no cpuid driver)",
            arguments: ["leaves", "--source", "devcpu:4095"],
            error: "open /dev/cpu/4095/cpuid: No such file or directory", status: 66),
        Row(id: "devcpu-no-permission", what: "/dev/cpu/0/cpuid opened by an unprivileged user",
            arguments: ["leaves", "--source", "devcpu:0"], user: .nobody,
            error: "open /dev/cpu/0/cpuid: Permission denied", status: 77, needs: "/dev/cpu/0/cpuid"),
        Row(id: "pv-source-outside-pv", what: "--source pv outside a Xen PV guest",
            arguments: ["leaves", "--source", "pv"],
            error: "forced-emulation CPUID faulted: not running in a Xen PV context", status: 69,
            nonXenHostOnly: true),

        // The host (this machine is not a Xen guest; the rows say what a non-Xen host answers).
        Row(id: "non-xen-host", what: "the drop-in on a host that is not a Xen guest",
            arguments: [], error: nil, status: 0, stdout: "Not running on Xen.\n",
            nonXenHostOnly: true),
        Row(id: "non-xen-host-expect-pv", what: "-P on a host that is not a Xen guest",
            arguments: ["-P"], error: nil, status: 1, stdout: "Not running on Xen.\n",
            nonXenHostOnly: true),
        Row(id: "non-xen-host-unprivileged", what: "the drop-in run by an unprivileged user (needs no privilege)",
            arguments: [], user: .nobody, error: nil, status: 0, stdout: "Not running on Xen.\n",
            nonXenHostOnly: true),
        Row(id: "extensions-non-xen-host", what: "`extensions` on a host that is not a Xen guest",
            arguments: ["extensions", "--json"], error: "not running on Xen: no PV extensions to list", status: 69,
            nonXenHostOnly: true),
        Row(id: "extensions-selftest-non-xen-host", what: "`extensions --selftest` on a host that is not a Xen guest: no self-test runs",
            arguments: ["extensions", "--selftest"], error: "not running on Xen: no PV extensions to list", status: 69,
            nonXenHostOnly: true),

        // Hex input to `abi decode` and `abi translate`.
        Row(id: "abi-decode-odd-hex", what: "an odd number of hex digits",
            arguments: ["abi", "decode", "vcpu_runstate_info", "--abi", "32", "0x123"],
            error: "hex input has an odd number of digits (3)", status: 65),
        Row(id: "abi-decode-non-hex", what: "a character that is not a hex digit",
            arguments: ["abi", "decode", "vcpu_runstate_info", "--abi", "32", "zz"],
            error: "hex input has a non-hex character at digit 1", status: 65),
        Row(id: "abi-translate-odd-hex", what: "an odd number of hex digits",
            arguments: ["abi", "translate", "mmuext_op", "--from", "32", "--to", "64", "abc"],
            error: "hex input has an odd number of digits (3)", status: 65),
        Row(id: "abi-translate-non-hex", what: "the second digit of a pair is not hex",
            arguments: ["abi", "translate", "mmuext_op", "--from", "32", "--to", "64", "0g"],
            error: "hex input has a non-hex character at digit 2", status: 65),
        Row(id: "abi-decode-empty", what: "no bytes at all",
            arguments: ["abi", "decode", "vcpu_runstate_info", "--abi", "32", ""],
            error: "vcpu_runstate_info: expected 44 bytes, got 0", status: 65),
        Row(id: "abi-decode-one-byte-short", what: "one byte short of the structure (every structure: see below)",
            arguments: ["abi", "decode", "vcpu_runstate_info", "--abi", "32", String(repeating: "00", count: 43)],
            error: "vcpu_runstate_info: expected 44 bytes, got 43", status: 65),
        Row(id: "abi-translate-partial-entry", what: "bytes that are not a whole number of entries",
            arguments: ["abi", "translate", "mmuext_op", "--from", "32", "--to", "64", "0011"],
            error: "mmuext_op: 2 bytes is not a multiple of the x86_32 size 12", status: 65),
        Row(id: "abi-translate-native-too-wide", what: "a native nr_extents of 2^32, wider than the 32-bit field (strict narrowing, the default)",
            arguments: ["abi", "translate", "xen_memory_reservation", "--from", "64", "--to", "32",
                        "0000000000000000" + "0000000001000000" + String(repeating: "00", count: 16)],
            error: "xen_memory_reservation.nr_extents: native value 0x100000000 does not fit the 32-bit field (-ERANGE, this project's strict narrowing; Xen: never writes it back (it only reads it), common/compat/memory.c compat_memory_op)", status: 65),
        Row(id: "abi-translate-frame-too-wide", what: "a native frame number of 2^32 in a frame list (the array behind a handle)",
            arguments: ["abi", "translate", "xen_mem_acquire_resource.frame_list", "--from", "64", "--to", "32",
                        "0100000000000000" + "0000000001000000"],
            error: "xen_mem_acquire_resource.frame_list[1]: native value 0x100000000 does not fit the 32-bit element (Xen: the hypercall fails with -ERANGE, common/compat/memory.c compat_memory_op)", status: 65),
        Row(id: "abi-translate-partial-element", what: "bytes that are not a whole number of array elements",
            arguments: ["abi", "translate", "xen_memory_reservation.extent_start", "--from", "32", "--to", "64", "001122"],
            error: "xen_memory_reservation.extent_start: 3 bytes is not a multiple of the x86_32 xen_pfn_t size 4", status: 65),
        Row(id: "abi-translate-unknown-array", what: "a handle that is not a translated array",
            arguments: ["abi", "translate", "xen_memory_reservation.domid", "--from", "32", "--to", "64", "00"],
            error: "unknown name: xen_memory_reservation.domid", status: 64),
        Row(id: "abi-encode-count-too-wide", what: "a count field value wider than the field",
            arguments: ["abi", "encode", "xen_memory_reservation", "--abi", "32", "nr_extents=0x100000000"],
            error: "xen_memory_reservation.nr_extents: value 0x100000000 does not fit 4 bytes", status: 65),
        Row(id: "abi-encode-count-overflows", what: "a count that overflows 64 bits",
            arguments: ["abi", "encode", "xen_memory_reservation", "--abi", "64", "nr_extents=0x1ffffffffffffffff"],
            error: "not a number: '0x1ffffffffffffffff'", status: 64),
        Row(id: "abi-encode-unknown-field", what: "a field the structure does not have",
            arguments: ["abi", "encode", "xen_memory_reservation", "--abi", "32", "no_field=1"],
            error: "xen_memory_reservation has no field no_field", status: 65),
        Row(id: "abi-unknown-structure", what: "an unknown structure name",
            arguments: ["abi", "decode", "no_such_struct", "--abi", "64", "00"],
            error: "unknown structure 'no_such_struct' (see: xen-detect abi list)", status: 64),
        Row(id: "abi-unknown-hypercall", what: "an unknown hypercall name",
            arguments: ["abi", "marshal", "no_such_call", "--abi", "64"],
            error: "unknown hypercall 'no_such_call' (see: xen-detect abi list)", status: 64),
        Row(id: "abi-marshal-too-many-arguments", what: "more arguments than the hypercall takes",
            arguments: ["abi", "marshal", "xen_version", "--abi", "32", "0", "0", "0"],
            error: "xen_version takes 2 arguments on x86_32 (cmd, arg), got 3", status: 65),
        Row(id: "abi-unknown-abi", what: "an ABI that is neither 32 nor 64",
            arguments: ["abi", "decode", "vcpu_runstate_info", "--abi", "16", "00"],
            error: "The value '16' is invalid for '--abi <abi>'. Please provide one of '32' and '64'.", status: 64),

        // Hypercalls and the hypercall page (this host has no Xen).
        Row(id: "hypercall-no-privcmd", what: "/dev/xen/privcmd missing (not a Xen guest, or no xen-privcmd)",
            arguments: ["hypercall", "xen_version", "version"],
            error: "no /dev/xen/privcmd: not a Xen guest, or xenfs/xen-privcmd is not loaded", status: 66,
            nonXenHostOnly: true),
        Row(id: "hypercall-unknown-subop", what: "an unknown xen_version sub-op",
            arguments: ["hypercall", "xen_version", "bogus"],
            error: "unknown xen_version sub-op 'bogus' (one of: version, extraversion, compile_info, capabilities, changeset, platform_parameters, get_features, pagesize, guest_handle, commandline, build_id, extraversion2, capabilities2, changeset2, commandline2)",
            status: 64),
        // The PV self-tests (this host has no Xen, so no /dev/xen/evtchn or gntalloc).
        Row(id: "event-channel-no-device", what: "/dev/xen/evtchn missing (not a Xen guest, or no xen-evtchn)",
            arguments: ["event-channel", "selftest"],
            error: "/dev/xen/evtchn is absent: the xen-evtchn module is not loaded (modprobe xen-evtchn)", status: 66,
            nonXenHostOnly: true),
        Row(id: "event-channel-rounds-zero", what: "--rounds 0",
            arguments: ["event-channel", "selftest", "--rounds", "0"],
            error: "--rounds must be 1 to 1000000, not 0", status: 64),
        Row(id: "event-channel-rounds-garbage", what: "--rounds that is not a number",
            arguments: ["event-channel", "selftest", "--rounds", "x"],
            error: "The value 'x' is invalid for '--rounds <rounds>'", status: 64),
        Row(id: "grant-table-no-device", what: "/dev/xen/gntalloc missing (not a Xen guest, or no xen-gntalloc)",
            arguments: ["grant-table", "selftest", "--json"],
            error: "/dev/xen/gntalloc is absent: the xen-gntalloc module is not loaded (modprobe xen-gntalloc)", status: 66,
            nonXenHostOnly: true),
        // The xenstore reader (no /dev/xen/xenbus on this host).
        Row(id: "xenstore-no-device", what: "/dev/xen/xenbus missing (not a Xen guest)",
            arguments: ["xenstore", "read", "domid"],
            error: "/dev/xen/xenbus is absent: not a Xen guest, or the kernel has no xenbus", status: 66,
            nonXenHostOnly: true),
        Row(id: "xenstore-timeout-zero", what: "--timeout-ms 0",
            arguments: ["xenstore", "read", "--timeout-ms", "0", "domid"],
            error: "--timeout-ms must be 1 to 60000", status: 64),
        Row(id: "xenstore-no-path", what: "no path to read",
            arguments: ["xenstore", "read"],
            error: "Missing expected argument '<paths> ...'", status: 64),
        // No row passes the enabling flag (Binary.run refuses it): on a Xen HVM/PVH guest the
        // binary would write the MSR. Without it, every refusal before the flag check is reachable;
        // on a host that is not a Xen guest that is detection (HypercallPageInstaller.check's order).
        Row(id: "hypercall-page-install-non-xen", what: "install on a host that is not a Xen guest (no enabling flag: detection refuses first)",
            arguments: ["hypercall-page", "install"],
            error: "Xen not detected: there is no hypercall page to install", status: 69,
            nonXenHostOnly: true),
        Row(id: "hypercall-page-install-non-xen-unprivileged", what: "install as nobody on a non-Xen host (detection refuses before the root check)",
            arguments: ["hypercall-page", "install"], user: .nobody,
            error: "Xen not detected: there is no hypercall page to install", status: 69,
            nonXenHostOnly: true),
        Row(id: "hypercall-page-install-bad-msr", what: "an --msr that is not a number (refused before detection, on any host)",
            arguments: ["hypercall-page", "install", "--msr", "0xzz"],
            error: "The value '0xzz' is invalid for '--msr <msr>'", status: 64),
        Row(id: "hypercall-page-verify-missing", what: "the page file does not exist",
            arguments: ["hypercall-page", "verify", "--file", "{FILE}"],
            error: "open {FILE}: No such file or directory", status: 66),
        Row(id: "hypercall-page-verify-directory", what: "the page file names a directory",
            arguments: ["hypercall-page", "verify", "--file", "{FILE}"], input: .directory,
            error: "read {FILE}: Is a directory", status: 65),
        Row(id: "hypercall-page-verify-too-large", what: "a page file larger than 64 KiB (a page is 8192 hex digits)",
            arguments: ["hypercall-page", "verify", "--file", "{FILE}"], input: .size(64 << 10 + 1),
            error: "read {FILE}: File too large", status: 65),
        Row(id: "hypercall-page-verify-no-permission", what: "a root-only page file read by an unprivileged user",
            arguments: ["hypercall-page", "verify", "--file", "{FILE}"], input: .rootOnly("cc\n"), user: .nobody,
            error: "open {FILE}: Permission denied", status: 77),
        Row(id: "hypercall-page-verify-odd-hex", what: "a page file of hex text with an odd number of digits",
            arguments: ["hypercall-page", "verify", "--file", "{FILE}"], input: .text("cc\ncc\nc\n"),
            error: "{FILE}: odd number of hex digits", status: 65),

        // Facts and metrics (`facts --format`, `metrics --textfile PATH`): nothing half-written.
        Row(id: "facts-unknown-format", what: "a --format that is neither ansible nor facter",
            arguments: ["facts", "--format", "yaml"],
            error: "The value 'yaml' is invalid for '--format <format>'. Please provide one of 'ansible' and 'facter'.", status: 64),
        Row(id: "metrics-textfile-missing-directory", what: "the textfile's directory does not exist",
            arguments: ["metrics", "--textfile", "{FILE}/xen_detect.prom"],
            error: "open {FILE}/: No such file or directory", status: 66),
        Row(id: "metrics-textfile-unwritable-directory", what: "the textfile's directory is not writable (root's 0755 directory, as nobody)",
            arguments: ["metrics", "--textfile", "{FILE}/xen_detect.prom"], input: .directory, user: .nobody,
            error: "open {FILE}/: Permission denied", status: 77),
        Row(id: "metrics-textfile-is-directory", what: "the textfile path names a directory",
            arguments: ["metrics", "--textfile", "{FILE}"], input: .directory,
            error: "rename {FILE}: Is a directory", status: 65),

        // Command lines.
        Row(id: "subcommand-unknown-option", what: "an option a subcommand does not have",
            arguments: ["leaves", "--frobnicate"], error: "Unknown option '--frobnicate'", status: 64),
    ]

    /// `abi list --json`: every structure with its size in each ABI (0 where it does not exist).
    static func structures() throws -> [(name: String, sizes: [(abi: String, size: Int)])] {
        let list = try Binary.run(["abi", "list", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any]
        let entries = try #require(json?["structures"] as? [[String: Any]])
        return entries.compactMap { e in
            guard let name = e["name"] as? String else { return nil }
            let sizes = [("32", e["size_x86_32"] as? Int ?? 0), ("64", e["size_x86_64"] as? Int ?? 0)]
            return (name, sizes.filter { $0.1 > 0 })
        }
    }

    /// A buffer one byte short of every structure, in each ABI it exists in: `abi decode` refuses it
    /// with the structure's size, and `abi translate` refuses it as a partial entry.
    @Test func oneByteShortOfEveryStructure() throws {
        let structures = try Self.structures()
        #expect(structures.count > 100, "abi list lists \(structures.count) structures")
        for (name, sizes) in structures {
            for (abi, size) in sizes {
                let hex = String(repeating: "a5", count: size - 1)
                let r = try Binary.run(["abi", "decode", name, "--abi", abi, hex])
                #expect(r.status == 65, "\(name) \(abi)")
                #expect(r.stderr == "xen-detect: \(name): expected \(size) bytes, got \(size - 1)\n", "\(name) \(abi)")
                #expect(r.stdout.isEmpty)
            }
            guard sizes.count == 2, let compatSize = sizes.first(where: { $0.abi == "32" })?.size, compatSize > 1 else { continue }
            let t = try Binary.run(["abi", "translate", name, "--from", "32", "--to", "64",
                                    String(repeating: "00", count: compatSize - 1)])
            // Structures without a translation (one ABI only, or a compat member without a native
            // counterpart) refuse the name (64) before looking at the bytes; all others refuse the
            // partial entry (65).
            let translatable = (try? CompatCatalog.translator(name)) != nil
            #expect(t.status == (translatable ? 65 : 64), "\(name): \(t.stderr)")
            if !translatable { #expect(t.stderr.hasPrefix("xen-detect: \(name) cannot be translated: "), "\(name)") }
            #expect(t.stdout.isEmpty && t.stderr.hasPrefix("xen-detect: \(name)") && t.stderr.filter { $0 == "\n" }.count == 1,
                    "\(name): \(t.stderr)")
        }
    }

    /// True when this process is root and can drop to uid 65534 with setpriv.
    static let canDropPrivileges: Bool =
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    @Test(arguments: rows.filter { !$0.nonXenHostOnly })
    func row(_ row: Row) throws {
        try check(row)
    }

    /// The rows that say what a host that is not a Xen guest answers. On a Xen guest (as Debian's
    /// xen-detect or /sys/hypervisor tell) they mean nothing: the whole test is skipped, which the
    /// summary counts and scripts/test.sh refuses in CI.
    @Test(.enabled(if: try !Machine.isXenGuest(), "this machine is a Xen guest: the non-Xen-host rows do not apply"),
          arguments: rows.filter(\.nonXenHostOnly))
    func nonXenHostRow(_ row: Row) throws {
        try check(row)
    }

    func check(_ row: Row) throws {
        if let needs = row.needs {
            try #require(FileManager.default.fileExists(atPath: needs),
                         "row \(row.id) needs \(needs): scripts/setup.sh provides it (modprobe cpuid)")
        }
        if row.user == .nobody {
            try #require(Self.canDropPrivileges, "row \(row.id) runs as nobody: needs root and /usr/bin/setpriv")
        }
        let file = try Self.prepare(row)
        let arguments = row.arguments.map { $0.replacingOccurrences(of: "{FILE}", with: file) }
        let result: Binary.Result
        switch row.user {
        case .root:
            result = try Binary.run(arguments)
        case .nobody:
            result = try Binary.run(["--reuid=65534", "--regid=65534", "--clear-groups", Binary.url.path] + arguments,
                                    executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
        }
        let expectedError = row.error.map { "xen-detect: " + $0.replacingOccurrences(of: "{FILE}", with: file) + "\n" } ?? ""
        #expect(result.stderr == expectedError)
        #expect(result.status == row.status)
        if row.error != nil {
            #expect(result.stdout.isEmpty, "an error came with output on stdout")
        } else {
            #expect(result.stdout == row.stdout)
        }
    }

    /// Writes the row's input to /tmp/xd-bad-input/<id> and returns that path.
    static func prepare(_ row: Row) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // nobody must reach the files it is allowed to read.
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        let path = directory + "/" + row.id
        try? fm.removeItem(atPath: path)
        switch row.input {
        case .none: break
        case .text(let text): try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        case .bytes(let bytes): try Data(bytes).write(to: URL(fileURLWithPath: path))
        case .size(let size):
            let line = Array("# padding to make the file large\n".utf8)
            var data = Data(capacity: size)
            while data.count + line.count <= size { data.append(contentsOf: line) }
            data.append(contentsOf: [UInt8](repeating: 0x23, count: size - data.count))
            try data.write(to: URL(fileURLWithPath: path))
        case .directory: try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        case .rootOnly(let text):
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        if case .text = row.input { try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        return path
    }

    // MARK: - The documented table

    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/reliability.md")

    /// The table's markdown rows, as docs/reliability.md must hold them.
    static var markdown: [String] {
        rows.map { row in
            let command = (["xen-detect"] + row.arguments).joined(separator: " ").replacingOccurrences(of: "{FILE}", with: "FILE")
            let user = row.user == .nobody ? " (as nobody)" : ""
            let message = row.error.map { "`xen-detect: " + $0.replacingOccurrences(of: "{FILE}", with: "FILE") + "`" }
                ?? "stdout: `" + row.stdout.trimmingCharacters(in: .newlines) + "`"
            return "| `\(row.id)` | \(row.what) | `\(command)`\(user) | \(message) | \(row.status) |"
        }
    }

    @Test func docsListEveryRowWithItsErrorAndStatus() throws {
        let text = try String(contentsOf: Self.docs, encoding: .utf8)
        let begin = "<!-- bad-input-table:begin -->", end = "<!-- bad-input-table:end -->"
        let expected = Self.markdown
        if ProcessInfo.processInfo.environment["XD_WRITE_DOCS"] == "1",
           let b = text.range(of: begin), let e = text.range(of: end) {
            let table = ["| row | input | command | stderr (or stdout) | status |", "|---|---|---|---|---:|"] + expected
            let updated = text.replacingCharacters(in: b.upperBound..<e.lowerBound, with: "\n" + table.joined(separator: "\n") + "\n")
            try updated.write(to: Self.docs, atomically: true, encoding: .utf8)
            return
        }
        let documented = Set(text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("| `") })
        for line in expected where !documented.contains(line) {
            Issue.record("docs/reliability.md lacks or differs on: \(line) (XD_WRITE_DOCS=1 rewrites the table)")
        }
    }
}
