import Foundation
import Testing

/// The drop-in against Debian's /usr/bin/xen-detect (xen-utils-common), flag for flag.
@Suite struct DropInTests {
    static let reference = URL(fileURLWithPath: "/usr/bin/xen-detect")

    static let flagSets: [[String]] = [
        [], ["-q"], ["-P"], ["-H"], ["-N"], ["--quiet"], ["--pv"], ["--hvm"], ["--none"],
        ["-qP"], ["-Pq"], ["-q", "-N"], ["-h"], ["--help"], ["--bogus"], ["-x"], ["--"], ["-q", "extra"],
        ["--qu"], ["--h"], ["-P", "-N"],
        // The parse stops at the first bad option, as Xen's loop does: one getopt message, then the usage.
        ["-x", "-y"], ["-q", "-x", "--bogus"], ["-h", "-x"], ["-Pz"], ["--bogus", "-h"],
    ]

    @Test(arguments: flagSets)
    func sameOutputAndStatusAsXensTool(flags: [String]) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.reference.path),
                     "Debian's xen-detect is missing: scripts/setup.sh installs xen-utils-common")
        // getopt prefixes its messages with argv[0]: run both under the same name.
        let dir = NSTemporaryDirectory() + "xd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/ours", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/theirs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/ours/xen-detect", withDestinationPath: Binary.url.path)
        try FileManager.default.createSymbolicLink(atPath: dir + "/theirs/xen-detect", withDestinationPath: Self.reference.path)
        let ours = try Binary.run(flags, executable: URL(fileURLWithPath: dir + "/ours/xen-detect"))
        let theirs = try Binary.run(flags, executable: URL(fileURLWithPath: dir + "/theirs/xen-detect"))
        #expect(ours.stdout == theirs.stdout)
        #expect(ours.status == theirs.status)
        #expect(ours.stderr.replacingOccurrences(of: "/ours/", with: "/") == theirs.stderr.replacingOccurrences(of: "/theirs/", with: "/"))
    }

    /// The report of the live machine against an independent reading of it (Machine: Debian's
    /// cpuid tool, /proc/cpuinfo, Debian's xen-detect), so it holds on bare metal, a KVM or
    /// Hyper-V guest or a Xen guest alike, and fails when the report misreads the machine.
    @Test func jsonReportOfThisMachine() throws {
        let r = try Binary.run(["--json"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let leaves = try Machine.rawLeaves()
        let ranges = Machine.ranges(leaves)

        // The hypervisor bit: CPUID.1:ECX[31] as the cpuid tool read it, and the kernel's flag (but
        // in a PV guest, whose kernel reads leaf 1 through Xen while plain CPUID may reach the
        // hardware below).
        let xenContext = try Machine.xenContext()
        let bit = try #require(Machine.hypervisorBit(leaves) as Bool?, "cpuid -r printed no leaf 1")
        if xenContext != "PV" { #expect(try Machine.cpuinfoHypervisorFlag() == bit) }
        #expect(json["hypervisorBit"] as? Bool == bit)

        // The stack plain CPUID shows, range by range (in PV, Xen's forced-emulation view comes first).
        let stack = try #require(json["hypervisors"] as? [[String: Any]])
        let plain = stack.filter { $0["view"] as? String == "cpuid" }.map {
            Machine.Range(leafBase: UInt32($0["leafBase"] as? Int ?? -1), maxLeaf: UInt32($0["maxLeaf"] as? Int ?? -1),
                          signature: $0["signature"] as? String ?? "")
        }
        #expect(plain == ranges)

        // Xen, and its context, as Xen's own tool finds them.
        let xen = try #require(json["xen"] as? [String: Any])
        #expect(xen["detected"] as? Bool == (try Machine.isXenGuest()))
        #expect(xen["context"] as? String == xenContext)
        if xenContext == nil { #expect(xen["context"] is NSNull) }

        // KVM's feature leaf is base+1 EAX of the KVM range (Linux Documentation/virt/kvm/x86/cpuid.rst).
        if let kvm = ranges.first(where: { $0.signature == "KVMKVMKVM" && $0.maxLeaf > $0.leafBase }) {
            let features = leaves[Machine.Key(leaf: kvm.leafBase + 1, subleaf: 0)]?.eax
            #expect((json["kvm"] as? [String: Any])?["features"] as? Int == features.map(Int.init))
        } else {
            #expect(json["kvm"] is NSNull)
        }

        // The cost: leaf 1, each range's base and the first unused boundary, at most one vendor leaf
        // per range, and Xen's own leaves (base+1 up to its max leaf, the TSC leaf's two more
        // sub-leaves); in PV the forced-emulation view's base and leaves again. Far below the 256
        // bases of an exhaustive scan, and never less than the scan itself.
        let scanned = bit ? 1 + ranges.count + (ranges.count < 256 ? 1 : 0) : 1
        let xenLeaves = (xen["maxLeaf"] as? Int).flatMap { max in (xen["leafBase"] as? Int).map { max - $0 + 2 } } ?? 0
        let pvView = xen["view"] as? String == "forcedEmulation" ? 1 + xenLeaves : 0
        let executions = try #require(json["cpuidExecutions"] as? Int)
        #expect(executions >= scanned)
        #expect(executions <= scanned + ranges.count + xenLeaves + pvView, "ranges \(ranges)")
    }

    @Test func jsonFromARecordedDumpKeepsTheExpectedStatus() throws {
        let dump = Binary.fixtures.appendingPathComponent("kvm-epyc-host.cpuid").path
        let r = try Binary.run(["--json", "--source", "dump:" + dump, "-N"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("\"source\": \"dump:\(dump)\""))
        #expect(try Binary.run(["--source=dump:" + dump, "-H"]).status == 1)
    }
}

/// Bad input of every kind: one line on stderr, a distinct status, never a crash.
@Suite struct BadInputTests {
    @Test func missingDump() throws {
        let r = try Binary.run(["--json", "--source", "dump:/nonexistent/dump"])
        #expect(r.status == 66)
        #expect(r.stderr == "xen-detect: open /nonexistent/dump: No such file or directory\n")
        #expect(r.stdout.isEmpty)
    }

    @Test func garbledDump() throws {
        let path = try Binary.temporaryFile("CPU 0:\n   0x40000000 0x00: eax=0x40000001 ebx=0x4b4d\n")
        let r = try Binary.run(["--source", "dump:" + path])
        #expect(r.status == 65)
        #expect(r.stderr == "xen-detect: dump line 2: expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got 4 fields\n")
    }

    @Test func binaryGarbageDump() throws {
        let path = NSTemporaryDirectory() + "xd-garbage-\(UUID().uuidString)"
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: path))
        let r = try Binary.run(["leaves", "--source", "dump:" + path])
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("xen-detect: dump line 1: "))
        #expect(r.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test func unknownSource() throws {
        let r = try Binary.run(["leaves", "--source", "disk"])
        #expect(r.status == 64)
        #expect(r.stderr == "xen-detect: invalid source 'disk': expected native, pv, devcpu[:N] or dump:FILE\n")
    }

    @Test func missingCPUDevice() throws {
        let r = try Binary.run(["leaves", "--source", "devcpu:4095"])
        #expect(r.status == 66)
        #expect(r.stderr == "xen-detect: open /dev/cpu/4095/cpuid: No such file or directory\n")
    }

    /// Meaningful only outside a Xen PV guest (Xen's own xen-detect says which): a skip there.
    @Test(.enabled(if: try Machine.xenContext() != "PV", "this machine is a Xen PV guest: forced emulation works here"))
    func pvSourceOutsidePV() throws {
        let r = try Binary.run(["leaves", "--source", "pv"])
        #expect(r.status == 69)
        #expect(r.stderr == "xen-detect: forced-emulation CPUID faulted: not running in a Xen PV context\n")
    }

    @Test func unknownSubcommandOptionIsOneLine() throws {
        let r = try Binary.run(["leaves", "--frobnicate"])
        #expect(r.status == 64)
        #expect(r.stderr.filter { $0 == "\n" }.count == 1)
        #expect(r.stderr.hasPrefix("xen-detect: "))
    }
}

@Suite struct LeavesTests {
    /// `leaves` lists what Debian's cpuid tool reads here, and reads back through a dump.
    @Test func leavesRoundTripThroughADump() throws {
        let native = try Binary.run(["leaves"])
        #expect(native.status == 0)
        #expect(native.stdout.hasPrefix("CPU:\n   0x00000001 0x00: "))
        let theirs = try Machine.rawLeaves()
        let ours = try Machine.parse(dump: native.stdout)
        // Every listed leaf equals the tool's, but for leaf 1's initial APIC id (EBX[31:24]: the
        // processes may run on different CPUs) and Xen's TSC leaf (its values move between reads).
        let xenTSC = Set(Machine.ranges(theirs).filter { $0.signature == "XenVMMXenVMM" }.map { $0.leafBase + 3 })
        for (key, registers) in ours where !xenTSC.contains(key.leaf) {
            var expected = theirs[key]
            if key.leaf == 1, let e = expected {
                expected = Machine.Registers(eax: e.eax, ebx: e.ebx & 0x00ff_ffff | registers.ebx & 0xff00_0000, ecx: e.ecx, edx: e.edx)
            }
            #expect(expected == registers, "leaf \(String(key.leaf, radix: 16)) sub \(key.subleaf)")
        }
        // And it lists every range the tool found, each with all its leaves.
        for range in Machine.ranges(theirs) {
            for leaf in range.leafBase...range.maxLeaf {
                #expect(ours[Machine.Key(leaf: leaf, subleaf: 0)] != nil, "leaf \(String(leaf, radix: 16)) missing")
            }
        }

        let path = try Binary.temporaryFile(native.stdout)
        let again = try Binary.run(["leaves", "--source", "dump:" + path])
        #expect(again.stdout == native.stdout)
        let a = try Binary.run(["--json", "--source", "dump:" + path])
        #expect(a.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
        let signatures = (json["hypervisors"] as? [[String: Any]])?.compactMap { $0["signature"] as? String }
        #expect(signatures == Machine.ranges(theirs).map(\.signature))
    }

    /// The kernel's cpuid driver is a prerequisite (scripts/setup.sh loads it): without it the
    /// test fails rather than passing having compared nothing.
    @Test func devcpuAgreesWithNative() throws {
        try #require(FileManager.default.isReadableFile(atPath: "/dev/cpu/0/cpuid"),
                     "no readable /dev/cpu/0/cpuid: scripts/setup.sh loads the cpuid driver (modprobe cpuid) as root")
        // The process may run on another CPU than 0; hypervisor leaves are the same on every vCPU.
        let native = try Binary.run(["leaves"]).stdout.split(separator: "\n").filter { !$0.contains("0x00000001 0x00") }
        let dev = try Binary.run(["leaves", "--source", "devcpu:0"]).stdout.split(separator: "\n").filter { !$0.contains("0x00000001 0x00") }
        #expect(native == dev)
    }
}

@Suite struct SubcommandHelpTests {
    @Test(arguments: [["leaves", "--help"], ["report", "-h"], ["abi", "translate", "--help"], ["hypercall", "--help"]])
    func helpGoesToStdout(arguments: [String]) throws {
        let r = try Binary.run(arguments)
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE:") || r.stdout.contains("Usage:"))
        #expect(r.stderr.isEmpty)
    }
}
