import CPUIDProbe
import HypercallPage
@testable import HypercallPageInstall
import Rendering
import XenInterface
import XenSystem
import XenSystemTesting
import Foundation
import Testing

/// Issue 8, item 5: the hypercall MSR is written only where it must be. With the system-call layer
/// replaced by the recording fake (RecordingHypervisorSystem), every refusal of
/// `hypercall-page install` makes no system call at all (so no pwrite to any msr device, no open
/// for writing, no privcmd hypercall, no mapping), and the accepted path makes exactly one pwrite:
/// the 8 bytes of `gfn << 12` at offset = the MSR that CPUID's leaf base+2 EBX names, on the chosen
/// CPU's /dev/cpu/N/msr. HypercallPageInstallerTests checks each refusal by name; this file checks
/// every combination of the conditions, the failures after the device is open, and targets built
/// from the dumps recorded in real Xen.
@Suite struct MSRWriteProofTests {
    static let msrBase: UInt32 = 0x4000_0000

    /// A fake with CPUs 0 and 1, their MSR devices, and "Xen" answering the write with the svm page.
    static func fake() -> RecordingHypervisorSystem {
        let fake = RecordingHypervisorSystem()
        fake.devices.insert("/dev/cpu/0/msr")
        fake.devices.insert("/dev/cpu/1/msr")
        fake.devices.insert("/dev/xen/hypercall")
        fake.hypercallMSR = UInt64(msrBase)
        fake.xenPage = HypercallStub.expectedPage(.svm)
        return fake
    }

    /// The only write the install may make, for a page at `gfn`.
    static func theWrite(cpu: Int, msr: UInt32, gfn: UInt64) -> RecordingHypervisorSystem.Call {
        let value = gfn << 12
        return .pwrite("/dev/cpu/\(cpu)/msr", (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) },
                       offset: UInt64(msr))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var xenDetected: Bool
        var context: XenGuestContext?
        var cpuidMSR: UInt32
        var requestedMSR: UInt32?
        var pageIndex: UInt64
        var writeEnabled: Bool
        var euid: UInt32
        var cpu: Int

        /// Every condition the issue lists holds: Xen, not PV (and a known context), the MSR CPUID
        /// names, page index 0, root, a CPU that exists; plus the explicit consent.
        var mayWrite: Bool {
            xenDetected && (context == .hvm || context == .pvh) && cpuidMSR != 0
                && (requestedMSR == nil || requestedMSR == cpuidMSR) && pageIndex == 0 && writeEnabled
                && euid == 0 && (cpu == 0 || cpu == 1)
        }

        var testDescription: String {
            "xen=\(xenDetected) context=\(context?.rawValue ?? "nil") cpuidMSR=\(cpuidMSR) msr=\(requestedMSR.map(String.init) ?? "nil") index=\(pageIndex) write=\(writeEnabled) euid=\(euid) cpu=\(cpu)"
        }
    }

    /// The product of every condition's values (3840 installs).
    static let cases: [Case] = {
        var all: [Case] = []
        for xen in [true, false] {
            for context in [nil, XenGuestContext.pv, .hvm, .pvh] {
                for cpuidMSR in [msrBase, 0] {
                    for requested in [nil, msrBase, msrBase + 1, 0x4000_0200] as [UInt32?] {
                        // 0x1000 and beyond would spill into the frame number if not refused.
                        for index in [0, 1, 0xfff, 0x1000, UInt64.max] as [UInt64] {
                            for write in [true, false] {
                                for euid in [0, 1000] as [UInt32] {
                                    for cpu in [0, 5, -1] {
                                        all.append(Case(xenDetected: xen, context: context, cpuidMSR: cpuidMSR,
                                                        requestedMSR: requested, pageIndex: index, writeEnabled: write,
                                                        euid: euid, cpu: cpu))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return all
    }()

    @Test func everyCombinationWritesOnceWhenAllowedAndNeverOtherwise() {
        var accepted = 0
        for c in Self.cases {
            let fake = Self.fake()
            fake.euid = c.euid
            fake.nextFrame = 0x1_2345
            let target = InstallTarget(xenDetected: c.xenDetected, context: c.context, leafBase: Self.msrBase,
                                       hypercallMSR: c.cpuidMSR, expectedFlavor: .svm)
            let request = InstallRequest(cpu: c.cpu, msr: c.requestedMSR, pageIndex: c.pageIndex, writeEnabled: c.writeEnabled)
            let installer = HypercallPageInstaller(system: fake)
            do {
                let page = try installer.install(target, request)
                #expect(c.mayWrite, "installed although a condition fails: \(c.testDescription)")
                #expect(fake.pwrites == [Self.theWrite(cpu: c.cpu, msr: c.cpuidMSR, gfn: page.gfn)], "\(c.testDescription)")
                #expect(page.gfn == 0x1_2345)
                // The write is the only change made to anything outside this process.
                #expect(!fake.calls.contains { call in
                    switch call {
                    case .hypercall, .callEntry, .mapLocked, .protect: return true
                    case .mapDevice(let path, _): return path != "/dev/xen/hypercall"
                    case .open(let path, .readWrite): return path != "/dev/cpu/\(c.cpu)/msr" && path != "/dev/xen/hypercall"
                    default: return false
                    }
                }, "\(c.testDescription)")
                accepted += 1
            } catch {
                #expect(!c.mayWrite, "refused although every condition holds: \(c.testDescription): \(error)")
                // A refusal happens before any system call: nothing opened, mapped, read or written.
                #expect(fake.calls.isEmpty, "\(c.testDescription): \(fake.calls)")
                #expect(!error.description.contains("\n"))
            }
        }
        // hvm and pvh, MSR from CPUID or given equal, CPU 0: the only accepted cases.
        #expect(accepted == 2 * 2)
    }

    /// A fake whose MSR write fails (or writes short): the install stops after one attempt.
    final class FailingWrite: HypervisorCalls, @unchecked Sendable {
        let base: RecordingHypervisorSystem
        let result: Result<Int, SystemError>
        init(_ base: RecordingHypervisorSystem, _ result: Result<Int, SystemError>) { self.base = base; self.result = result }
        var pageSize: Int { base.pageSize }
        func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor { try base.open(path, mode) }
        func close(_ fd: FileDescriptor) { base.close(fd) }
        func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8] {
            try base.pread(fd, count: count, offset: offset)
        }
        func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int {
            base.xenPage = nil  // the write did not take: Xen writes nothing
            _ = try base.pwrite(fd, bytes, offset: offset)
            return try result.get()
        }
        func readSmallFile(_ path: String) -> [UInt8]? { base.readSmallFile(path) }
        func isDirectory(_ path: String) -> Bool { base.isDirectory(path) }
        func effectiveUserID() -> UInt32 { base.effectiveUserID() }
        func mapLockedAnonymous(length: Int) throws(SystemError) -> MappedRegion { try base.mapLockedAnonymous(length: length) }
        func mapDevice(_ fd: FileDescriptor, path: String, length: Int) throws(SystemError) -> MappedRegion {
            try base.mapDevice(fd, path: path, length: length)
        }
        func load(_ region: MappedRegion, offset: Int, count: Int) -> [UInt8]? { base.load(region, offset: offset, count: count) }
        func store(_ region: MappedRegion, offset: Int, _ bytes: [UInt8]) -> Bool { base.store(region, offset: offset, bytes) }
        func privcmdHypercall(_ fd: FileDescriptor, op: UInt64, arguments: [UInt64]) -> Int64 {
            base.privcmdHypercall(fd, op: op, arguments: arguments)
        }
    }

    static let pvh = InstallTarget(xenDetected: true, context: .pvh, leafBase: msrBase, hypercallMSR: msrBase,
                                   expectedFlavor: .svm)

    @Test(arguments: [
        ("EIO", Result<Int, SystemError>.failure(SystemError("pwrite", "/dev/cpu/0/msr", .ioError)), FailureKind.system),
        ("EPERM", .failure(SystemError("pwrite", "/dev/cpu/0/msr", .notPermitted)), .permission),
        ("short", .success(4), .system),
    ])
    func aFailedWriteIsOneAttemptAndUnmapsThePage(_ name: String, _ result: Result<Int, SystemError>, _ kind: FailureKind) {
        let fake = Self.fake()
        let system = FailingWrite(fake, result)
        do {
            _ = try HypercallPageInstaller(system: system).install(Self.pvh, InstallRequest(writeEnabled: true))
            Issue.record("\(name): install succeeded")
        } catch {
            #expect(error.kind == kind, "\(name)")
        }
        #expect(fake.pwrites.count == 1, "\(name): no retry")
        let mapped = fake.calls.compactMap { if case .mapDevice = $0 { return true } else { return nil } }.count
        #expect(mapped == 1 && fake.unmapCount == 1, "\(name): the buffer page is released")
    }

    @Test(arguments: [
        ("/dev/cpu/0/msr", Errno.permissionDenied, FailureKind.permission),
        ("/dev/cpu/0/msr", .noSuchDevice, .missing),
        ("/proc/self/pagemap", .permissionDenied, .permission),
        ("/proc/self/pagemap", .noSuchFile, .missing),
        ("/dev/xen/hypercall", .permissionDenied, .permission),
        ("/dev/xen/hypercall", .noSuchFile, .refused),
    ])
    func aFailedOpenWritesNothing(_ path: String, _ errno: Errno, _ kind: FailureKind) {
        let fake = Self.fake()
        fake.openErrors[path] = errno
        do {
            _ = try HypercallPageInstaller(system: fake).install(Self.pvh, InstallRequest(writeEnabled: true))
            Issue.record("installed although \(path) failed to open")
        } catch {
            #expect(error.kind == kind)
        }
        #expect(fake.pwrites.isEmpty)
    }

    // MARK: Targets from the CPUID dumps recorded in real Xen 4.17 (Tests/CPUIDProbeTests/Fixtures)

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CPUIDProbeTests/Fixtures")

    static func table(_ name: String) throws -> TableCPUID {
        let text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
        return try #require(try CPUIDDump(parsing: text).source(name: name))
    }

    /// (plain CPUID dump, forced-emulation dump or nil, may the install write?)
    @Test(arguments: [
        ("xen-4.17-pvh-dom0.cpuid", nil, true),
        ("xen-4.17-pvh-domu.cpuid", nil, true),
        ("xen-4.17-hvm-domu.cpuid", nil, true),
        ("xen-4.17-hvm-viridian-domu.cpuid", nil, true),
        ("xen-4.17-pv-dom0.cpuid", "xen-4.17-pv-dom0.leaves.pv.txt", false),
        ("xen-4.17-pv-domu.cpuid", "xen-4.17-pv-domu.leaves.pv.txt", false),
        ("qemu-tcg-linux.cpuid", nil, false),
        ("kvm-epyc-host.cpuid", nil, false),
    ] as [(String, String?, Bool)])
    func recordedEnvironments(_ plain: String, _ pv: String?, _ mayWrite: Bool) throws {
        let report = try ProbeReport.probe(source: try Self.table(plain), pv: try pv.map(Self.table), system: nil)
        let target = InstallTarget(report: report, cpuVendor: "AuthenticAMD")
        let fake = Self.fake()
        fake.hypercallMSR = UInt64(target.hypercallMSR)
        do {
            let page = try HypercallPageInstaller(system: fake).install(target, InstallRequest(writeEnabled: true))
            #expect(mayWrite, "\(plain): installed")
            // The MSR is the one the recording's leaf base+2 EBX names.
            let named = try Self.table(plain).cpuid(leaf: report.xen!.range.leafBase + 2, subleaf: 0).ebx
            #expect(fake.pwrites == [Self.theWrite(cpu: 0, msr: named, gfn: page.gfn)])
        } catch {
            #expect(!mayWrite, "\(plain): \(error)")
            #expect(fake.calls.isEmpty, "\(plain): \(fake.calls)")
        }
    }
}
