import Foundation
import Testing
import XenInterface
import XenSystem
import CPUIDProbe

/// Debian's libxen-dev headers present, and a C compiler to read them with.
private var headersPresent: Bool {
    FileManager.default.fileExists(atPath: "/usr/include/xen/version.h")
        && FileManager.default.fileExists(atPath: "/usr/include/xen/sys/privcmd.h")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/gcc")
}

/// Every constant XenInterface defines by hand (and privcmd's ioctl, XenSystem's), against its header in libxen-dev (Xen 4.17), compiled
/// with gcc -m64 at the latest interface version (as Xen's own tools build; without it xen.h
/// maps __HYPERVISOR_sched_op to the pre-3.0.1 sched_op_compat): the C expression and the
/// value this package uses. Without libxen-dev or gcc the test fails, as the ABI layout proofs do:
/// scripts/setup.sh installs both, and a proof that cannot run has proven nothing.
@Suite struct XenConstantsTests {
    static var pairs: [(String, Int64)] {
        var p: [(String, Int64)] = []
        // The 4.20-only sub-ops are proven against 4.20's headers (LayoutProofTests*.constantsMatchHeadersOn420).
        for op in XenVersionOp.allCases where op.since == .baseline { p.append(("XENVER_\(op.name)", Int64(op.number))) }
        p += [
            ("__HYPERVISOR_memory_op", Int64(HypercallNumber.memory_op.rawValue)),
            ("__HYPERVISOR_xen_version", Int64(HypercallNumber.xen_version.rawValue)),
            ("__HYPERVISOR_iret", Int64(HypercallNumber.iret.rawValue)),
            ("__HYPERVISOR_sched_op", Int64(HypercallNumber.sched_op.rawValue)),
            ("XENMEM_maximum_ram_page", Int64(MemoryOp.maximum_ram_page.number)),
            ("XENMEM_current_reservation", Int64(MemoryOp.current_reservation.number)),
            ("XENMEM_maximum_reservation", Int64(MemoryOp.maximum_reservation.number)),
            ("XENMEM_maximum_gpfn", Int64(MemoryOp.maximum_gpfn.number)),
            ("SCHEDOP_yield", Int64(SchedOp.yield.number)),
            ("DOMID_SELF", Int64(DOMID_SELF)),
            ("XENFEAT_NR_SUBMAPS", Int64(XENFEAT_NR_SUBMAPS)),
            ("XEN_EXTRAVERSION_LEN", Int64(XenArrayTypedef.XEN_EXTRAVERSION_LEN)),
            ("XEN_CAPABILITIES_INFO_LEN", Int64(XenArrayTypedef.XEN_CAPABILITIES_INFO_LEN)),
            ("XEN_CHANGESET_INFO_LEN", Int64(XenArrayTypedef.XEN_CHANGESET_INFO_LEN)),
            ("sizeof(xen_commandline_t)", Int64(XenArrayTypedef.xen_commandline_t)),
            ("sizeof(xen_domain_handle_t)", Int64(XenArrayTypedef.xen_domain_handle_t)),
            ("XEN_CPUID_FIRST_LEAF", Int64(hypervisorLeafFirst)),
            ("IOCTL_PRIVCMD_HYPERCALL", Int64(Privcmd.IOCTL_PRIVCMD_HYPERCALL)),
            ("sizeof(privcmd_hypercall_t)", Int64(8 * (1 + Privcmd.hypercallArgumentCount))),
        ]
        for (name, errno) in XenErrno.all { p.append(("XEN_\(name)", Int64(errno.rawValue))) }
        return p
    }

    @Test func constantsEqualTheHeaders() throws {
        try #require(headersPresent, "needs libxen-dev (/usr/include/xen) and gcc: scripts/setup.sh installs them")
        let pairs = Self.pairs
        var source = """
            #include <stdio.h>
            #include <stddef.h>
            #include <stdint.h>
            #include <sys/ioctl.h>
            #include <xen/xen.h>
            #include <xen/version.h>
            #include <xen/features.h>
            #include <xen/memory.h>
            #include <xen/sched.h>
            #include <xen/errno.h>
            #include <xen/arch-x86/cpuid.h>
            #include <xen/sys/privcmd.h>
            int main(void) {

            """
        for (expression, _) in pairs { source += "    printf(\"%lld\\n\", (long long)(\(expression)));\n" }
        source += "    return 0;\n}\n"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xenhdr-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = dir.appendingPathComponent("h.c"), exe = dir.appendingPathComponent("h")
        try source.write(to: c, atomically: true, encoding: .utf8)
        #expect(try run("/usr/bin/gcc", ["-m64", "-D__XEN_INTERFACE_VERSION__=__XEN_LATEST_INTERFACE_VERSION__", "-o", exe.path, c.path]).status == 0)
        let out = try run(exe.path, [])
        let values = out.stdout.split(separator: "\n").map { Int64($0) }
        try #require(values.count == pairs.count)
        for (i, (expression, ours)) in pairs.enumerated() {
            #expect(values[i] == ours, "\(expression)")
        }
    }

    private func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
