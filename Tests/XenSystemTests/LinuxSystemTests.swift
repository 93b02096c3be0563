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

    /// The independent truth for "does the escaped CPUID complete here": only in a Xen PV guest,
    /// which the kernel names in /sys/hypervisor/guest_type (drivers/xen/sys-hypervisor.c).
    static var isXenPVGuest: Bool {
        (try? String(contentsOfFile: "/sys/hypervisor/guest_type", encoding: .utf8)) == "PV\n"
    }

    @Test func forcedEmulationFromManyThreadsAtOnceKeepsTheCallersSIGILLDisposition() {
        // A handler of the caller's own: the probe must put back exactly this one.
        let callers: @convention(c) (Int32) -> Void = { _ in }
        var previous = sigaction()
        var mine = sigaction()
        mine.__sigaction_handler.sa_handler = callers
        sigemptyset(&mine.sa_mask)
        #expect(sigaction(SIGILL, &mine, &previous) == 0)
        defer { sigaction(SIGILL, &previous, nil) }

        // Many threads probing at once, each many times. With one process-wide jump buffer a
        // thread's SIGILL could jump onto another thread's stack (a crash); with an unserialised
        // handler window a thread could save another's handler as the caller's and leave it set.
        let threads = 16, probes = 300
        let expected: CPUIDRegisters?? = Self.isXenPVGuest ? .some(nil) : .none
        final class Tally: @unchecked Sendable {  // guarded by lock
            let lock = NSLock()
            var wrong = 0, done = 0
        }
        let tally = Tally()
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            let t = Thread {
                var mismatches = 0
                for _ in 0..<probes {
                    let r = Processor.forcedEmulationCPUID(leaf: 0x4000_0000, subleaf: 0)
                    // Outside PV it must fault (nil); inside PV it must complete (non-nil).
                    if (r == nil) != (expected == .none) { mismatches += 1 }
                }
                tally.lock.lock(); tally.wrong += mismatches; tally.done += 1; tally.lock.unlock()
                finished.signal()
            }
            t.stackSize = 1 << 20
            t.start()
        }
        for _ in 0..<threads { finished.wait() }
        #expect(tally.done == threads)
        #expect(tally.wrong == 0, "probes that disagreed with /sys/hypervisor/guest_type")

        var now = sigaction()
        #expect(sigaction(SIGILL, nil, &now) == 0)
        let installed = unsafeBitCast(now.__sigaction_handler.sa_handler, to: UInt.self)
        #expect(installed == unsafeBitCast(callers, to: UInt.self), "SIGILL disposition not restored")
    }
}
