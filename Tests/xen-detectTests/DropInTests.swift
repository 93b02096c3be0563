import Foundation
import Testing

/// The drop-in against Debian's /usr/bin/xen-detect (xen-utils-common), flag for flag.
@Suite struct DropInTests {
    static let reference = URL(fileURLWithPath: "/usr/bin/xen-detect")

    static let flagSets: [[String]] = [
        [], ["-q"], ["-P"], ["-H"], ["-N"], ["--quiet"], ["--pv"], ["--hvm"], ["--none"],
        ["-qP"], ["-Pq"], ["-q", "-N"], ["-h"], ["--help"], ["--bogus"], ["-x"], ["--"], ["extra"],
        ["--qu"], ["--h"], ["-P", "-N"],
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

    @Test func jsonReportOfThisMachine() throws {
        let r = try Binary.run(["--json"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let xen = json["xen"] as! [String: Any]
        #expect(xen["detected"] as? Bool == false)
        #expect(xen["context"] is NSNull)
        let stack = json["hypervisors"] as! [[String: Any]]
        #expect(stack.first?["name"] as? String == "kvm")
        #expect(stack.first?["leafBase"] as? Int == 0x4000_0000)
        #expect((json["cpuidExecutions"] as? Int ?? 99) <= 4)
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

    @Test func pvSourceOutsidePV() throws {
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
    @Test func leavesRoundTripThroughADump() throws {
        let native = try Binary.run(["leaves"])
        #expect(native.status == 0)
        #expect(native.stdout.hasPrefix("CPU:\n   0x00000001 0x00: "))
        let path = try Binary.temporaryFile(native.stdout)
        let again = try Binary.run(["leaves", "--source", "dump:" + path])
        #expect(again.stdout == native.stdout)
        let a = try Binary.run(["--json", "--source", "dump:" + path])
        #expect(a.status == 0)
        #expect(a.stdout.contains("\"name\": \"kvm\""))
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
