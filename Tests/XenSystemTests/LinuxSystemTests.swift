import Foundation
import Testing
import XenSystem

@Suite struct LinuxSystemTests {
    @Test func missingDeviceCarriesErrnoAndKind() {
        let system = LinuxSystem()
        do {
            _ = try system.open("/dev/cpu/999999/cpuid", .readOnly)
            Issue.record("open succeeded")
        } catch {
            #expect(error.errno == .noSuchFile)
            #expect(error.kind == .missing)
            #expect(error.description == "open /dev/cpu/999999/cpuid: No such file or directory")
        }
    }

    @Test func readWholeFileRefusesMoreThanTheLimit() throws {
        let path = NSTemporaryDirectory() + "xd-\(getpid()).txt"
        try String(repeating: "x", count: 70000).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try LinuxSystem().readWholeFile(path, limit: 70000).count == 70000)
        #expect(throws: SystemError.self) { try LinuxSystem().readWholeFile(path, limit: 69999) }
    }

    @Test func readSmallFileAndDirectories() {
        let s = LinuxSystem()
        #expect(s.isDirectory("/proc"))
        #expect(!s.isDirectory("/proc/self/status"))
        #expect(s.readLine("/proc/sys/kernel/ostype") == "Linux")
        #expect(s.readSmallFile("/nonexistent/file") == nil)
    }

    @Test func nativeCPUIDMatchesTheKernelsView() throws {
        // Leaf 0's vendor string is the same whoever executes CPUID.
        let r = Processor.cpuid(leaf: 0, subleaf: 0)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        var b: [UInt8] = []
        for w in [r.ebx, r.edx, r.ecx] { for i in 0..<4 { b.append(UInt8(truncatingIfNeeded: w >> (8 * i))) } }
        #expect(cpuinfo.contains("vendor_id\t: " + String(decoding: b, as: UTF8.self)))
    }

    @Test func forcedEmulationFaultsOutsideXenPVAndSignalHandlingIsRestored() {
        // This machine is not a Xen PV guest: the escaped CPUID raises SIGILL, which is recovered.
        #expect(Processor.forcedEmulationCPUID(leaf: 0x4000_0000, subleaf: 0) == nil)
        #expect(Processor.forcedEmulationCPUID(leaf: 0x4000_0000, subleaf: 0) == nil)
    }
}
