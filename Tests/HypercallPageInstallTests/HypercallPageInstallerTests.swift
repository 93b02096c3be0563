import CPUIDProbe
import HypercallPage
@testable import HypercallPageInstall
import Rendering
import XenInterface
import XenSystem
import XenSystemTesting
import Foundation
import Testing

/// A PVH guest on AMD as the real stage sees it: Xen leaves at 0x40000000, MSR base 0x40000000.
private let pvhTarget = InstallTarget(xenDetected: true, context: .pvh, leafBase: 0x40000000,
                                      hypercallMSR: 0x40000000, expectedFlavor: .svm)

/// A fake with the MSR device of CPU 0 and "Xen" writing the svm page on the MSR write.
private func xenFake() -> RecordingHypervisorSystem {
    let fake = RecordingHypervisorSystem()
    fake.devices.insert("/dev/cpu/0/msr")
    fake.devices.insert("/dev/cpu/1/msr")
    fake.devices.insert("/dev/xen/hypercall")
    fake.xenPage = HypercallStub.expectedPage(.svm)
    return fake
}

struct HypercallPageInstallerTests {
    /// Each refusal: its kind, and not a single write (nor an open) of any MSR device.
    @Test(arguments: [
        ("no Xen", InstallTarget(xenDetected: false, context: nil, leafBase: 0, hypercallMSR: 0, expectedFlavor: nil),
         InstallRequest(writeEnabled: true), FailureKind.unavailable),
        ("PV", InstallTarget(xenDetected: true, context: .pv, leafBase: 0x40000000, hypercallMSR: 0x40000000, expectedFlavor: .pv64),
         InstallRequest(writeEnabled: true), .refused),
        ("unknown context", InstallTarget(xenDetected: true, context: nil, leafBase: 0x40000000, hypercallMSR: 0x40000000, expectedFlavor: nil),
         InstallRequest(writeEnabled: true), .unavailable),
        ("no MSR base", InstallTarget(xenDetected: true, context: .hvm, leafBase: 0x40000000, hypercallMSR: 0, expectedFlavor: .vmx),
         InstallRequest(writeEnabled: true), .unavailable),
        ("other MSR", pvhTarget, InstallRequest(msr: 0x40000200, writeEnabled: true), .refused),
        ("MSR one above", pvhTarget, InstallRequest(msr: 0x40000001, writeEnabled: true), .refused),
        ("page index 1", pvhTarget, InstallRequest(pageIndex: 1, writeEnabled: true), .refused),
        ("not enabled", pvhTarget, InstallRequest(writeEnabled: false), .refused),
        ("unknown CPU", pvhTarget, InstallRequest(cpu: 7, writeEnabled: true), .refused),
        ("negative CPU", pvhTarget, InstallRequest(cpu: -1, writeEnabled: true), .refused),
    ])
    func refusalWritesNothing(_ name: String, _ target: InstallTarget, _ request: InstallRequest, _ kind: FailureKind) {
        let fake = xenFake()
        let installer = HypercallPageInstaller(system: fake)
        #expect(throws: HypercallPageError.self, "\(name)") { try installer.install(target, request) }
        do { _ = try installer.install(target, request) } catch { #expect(error.kind == kind, "\(name)") }
        #expect(fake.pwrites.isEmpty, "\(name)")
        #expect(fake.msrOpens.isEmpty, "\(name)")
    }

    @Test func notRootIsAPermissionErrorAndWritesNothing() {
        let fake = xenFake()
        fake.euid = 1000
        do {
            _ = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
            Issue.record("installed without root")
        } catch { #expect(error.kind == .permission) }
        #expect(fake.pwrites.isEmpty)
        #expect(fake.msrOpens.isEmpty)
    }

    @Test func missingMSRDeviceIsMissingAndWritesNothing() {
        let fake = xenFake()
        fake.devices.remove("/dev/cpu/0/msr")
        do {
            _ = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
            Issue.record("installed without an MSR device")
        } catch {
            #expect(error.kind == .missing)
            #expect(error.description.contains("msr"))
        }
        #expect(fake.pwrites.isEmpty)
    }

    @Test func hiddenFramesArePermissionAndWriteNothing() {
        let fake = xenFake()
        fake.hideFrames = true
        do {
            _ = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
            Issue.record("installed without a frame")
        } catch { #expect(error.kind == .permission) }
        #expect(fake.pwrites.isEmpty)
    }

    /// The accepted path: exactly one pwrite, 8 bytes of gfn << 12 at offset = the MSR, on the
    /// chosen CPU's device; the frame is the one pagemap gives for the locked page.
    @Test(arguments: [0, 1])
    func installWritesGfnShiftedToTheNamedMSR(cpu: Int) throws {
        let fake = xenFake()
        fake.nextFrame = 0xabcde
        let installer = HypercallPageInstaller(system: fake)
        let page = try installer.install(pvhTarget, InstallRequest(cpu: cpu, writeEnabled: true))
        let expectedValue: UInt64 = 0xabcde << 12
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: expectedValue >> (8 * UInt64($0))) }
        #expect(fake.pwrites == [.pwrite("/dev/cpu/\(cpu)/msr", bytes, offset: 0x40000000)])
        #expect(page.gfn == 0xabcde)
        #expect(page.msrValue == expectedValue)
        #expect(page.msr == 0x40000000)
        // The page is a hypercall buffer page (its frame cannot move), never an anonymous one.
        #expect(fake.calls.contains(.mapDevice("/dev/xen/hypercall", 4096)))
        #expect(!fake.calls.contains(.mapLocked(4096)))
        // The pagemap entry of that page is read twice: before the write and after it.
        let pagemapRead = RecordingHypervisorSystem.Call.pread("/proc/self/pagemap", count: 8,
                                                               offset: page.region.address / 4096 * 8)
        let order = fake.calls.filter { $0 == pagemapRead || { if case .pwrite = $0 { true } else { false } }($0) }
        #expect(order.count == 3 && order[0] == pagemapRead && order[2] == pagemapRead, "\(order)")
        #expect(page.report.flavor == .svm)
        #expect(page.verified)
    }

    @Test func explicitMSREqualToCPUIDsIsAccepted() throws {
        let fake = xenFake()
        let page = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(msr: 0x40000000, writeEnabled: true))
        #expect(page.verified)
        #expect(fake.pwrites.count == 1)
    }

    /// The target built from the CPUID recorded in the HVM domU with Viridian (real Xen 4.17):
    /// Xen's leaves sit at 0x40000100, so the MSR is 0x40000200, and the write goes there.
    @Test func viridianShiftedMSRIsUsed() throws {
        let text = try String(contentsOf: MSRWriteProofTests.fixtures.appendingPathComponent("xen-4.17-hvm-viridian-domu.cpuid"),
                              encoding: .utf8)
        let source = try #require(try CPUIDDump(parsing: text).source(name: "viridian"))
        let report = try ProbeReport.probe(source: source, pv: nil, system: nil)
        let target = InstallTarget(report: report, cpuVendor: "AuthenticAMD")
        #expect(target.leafBase == 0x40000100 && target.hypercallMSR == 0x40000200)
        let fake = xenFake()
        fake.hypercallMSR = 0x40000200
        let page = try HypercallPageInstaller(system: fake).install(target, InstallRequest(writeEnabled: true))
        #expect(page.msr == 0x40000200)
        #expect(page.verified)
        guard case .pwrite(_, _, let offset)? = fake.pwrites.first else { Issue.record("no write"); return }
        #expect(offset == 0x40000200)
    }

    @Test func pageXenDidNotWriteStillHoldsTheCanaryAndDoesNotVerify() throws {
        let fake = xenFake()
        fake.xenPage = nil
        let page = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
        #expect(page.bytes == HypercallPageInstaller.canary)
        #expect(!page.xenWrote)
        #expect(!page.verified)
        #expect(page.report.flavor == nil)
        #expect(page.lines(call: nil).contains { $0.contains("still the canary") })
    }

    /// The canary is no hypercall page of any flavor, and a page Xen wrote is no canary.
    @Test func canaryIsNoHypercallPage() {
        #expect(!HypercallPageDecoder.decode(HypercallPageInstaller.canary).isWellFormed)
        for flavor in HypercallStubFlavor.allCases {
            #expect(HypercallStub.expectedPage(flavor) != HypercallPageInstaller.canary)
        }
    }

    /// A page that moved to another frame while the MSR was written: a loud failure (Xen wrote
    /// into a frame this process no longer owns), and nothing executed.
    @Test func frameThatMovedDuringTheWriteFailsLoudlyAndNothingRuns() {
        let fake = xenFake()
        fake.moveFramesOnMSRWrite = true
        do {
            _ = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
            Issue.record("installed although the frame moved")
        } catch {
            #expect(error.kind == .system)
            #expect(error.description.contains("moved from frame 0x"))
            #expect(error.description.contains("nothing was executed"))
        }
        #expect(fake.pwrites.count == 1)
        #expect(!fake.calls.contains { if case .callEntry = $0 { true } else { false } })
        #expect(fake.unmapCount == 1, "the page is released")
    }

    /// The kernel's page flags, where it publishes them, are the second word: a frame on the LRU
    /// (migratable) is refused before the write; one off the LRU is reported so.
    @Test(arguments: [(1 << 5 | 1 << 12, false), (1 << 10 | 1 << 11, true)] as [(UInt64, Bool)])
    func frameOnTheLRUIsRefusedBeforeTheWrite(flags: UInt64, installs: Bool) throws {
        let fake = xenFake()
        fake.kpageflags = flags
        do {
            let page = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
            #expect(installs)
            #expect(page.frameOnLRU == false)
            #expect(fake.calls.contains(.pread("/proc/kpageflags", count: 8, offset: page.gfn * 8)))
        } catch {
            #expect(!installs, "\(error)")
            #expect(error.kind == .refused)
            #expect(error.description.contains("LRU"))
            #expect(fake.pwrites.isEmpty)
        }
    }

    /// Without /dev/xen/hypercall no page's frame is guaranteed to stay put: refused, nothing
    /// written and not even the MSR device opened.
    @Test func noHypercallBufferDeviceIsRefusedWritingNothing() {
        let fake = xenFake()
        fake.devices.remove("/dev/xen/hypercall")
        do {
            _ = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
            Issue.record("installed into a page that can move")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.description.contains("/dev/xen/hypercall"))
            #expect(error.errno == .noSuchFile)
        }
        #expect(fake.pwrites.isEmpty)
        #expect(fake.msrOpens.isEmpty)
        #expect(!fake.calls.contains(.mapLocked(4096)))
    }

    /// pagemap counts this process's pages; the MSR takes a 4 KiB frame: refused unless equal.
    @Test(arguments: [16384, 65536, 2048])
    func pageSizeOtherThanXensIsRefusedWritingNothing(pageSize: Int) {
        let fake = xenFake()
        fake.pageSize = pageSize
        do {
            _ = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
            Issue.record("installed with page size \(pageSize)")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.description.contains("\(pageSize)"))
        }
        #expect(fake.calls.isEmpty)
    }

    /// EPERM as root is the kernel's policy, named as such, not "needs root".
    @Test(arguments: [
        ("none [integrity] confidentiality\n", nil, FailureKind.unavailable, "locked down (integrity)"),
        ("none integrity [confidentiality]\n", nil, .unavailable, "locked down (confidentiality)"),
        ("[none] integrity confidentiality\n", "off\n", .unavailable, "msr.allow_writes=off"),
        ("[none] integrity confidentiality\n", "default\n", .permission, "Operation not permitted"),
        (nil, nil, .permission, "lockdown"),
    ] as [(String?, String?, FailureKind, String)])
    func lockdownIsNamed(_ lockdown: String?, _ allowWrites: String?, _ kind: FailureKind, _ words: String) {
        let base = xenFake()
        if let lockdown { base.files["/sys/kernel/security/lockdown"] = Array(lockdown.utf8) }
        if let allowWrites { base.files["/sys/module/msr/parameters/allow_writes"] = Array(allowWrites.utf8) }
        let system = MSRWriteProofTests.FailingWrite(base, .failure(SystemError("pwrite", "/dev/cpu/0/msr", .notPermitted)))
        do {
            _ = try HypercallPageInstaller(system: system).install(pvhTarget, InstallRequest(writeEnabled: true))
            Issue.record("installed although the write failed")
        } catch {
            #expect(error.kind == kind)
            #expect(error.errno == .notPermitted)
            #expect(error.description.contains(words), "\(error.description)")
            #expect(!error.description.contains("needs root"))
        }
    }

    @Test func taintIsReportedAfterTheWrite() throws {
        let fake = xenFake()
        fake.files["/proc/sys/kernel/tainted"] = Array("4\n".utf8)
        let page = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
        #expect(page.kernelTaint == 4)
        #expect(page.lines(call: nil).contains { $0.contains("CPU out of spec") })
    }

    @Test func pageOfAnotherFlavorDoesNotVerify() throws {
        let fake = xenFake()
        fake.xenPage = HypercallStub.expectedPage(.vmx)
        let page = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
        #expect(page.report.flavor == .vmx)
        #expect(!page.verified)
    }

    @Test func userModeCallRunsEntry17OfACopyOfTheVerifiedPage() throws {
        let fake = xenFake()
        fake.entryResult = -1
        let installer = HypercallPageInstaller(system: fake)
        let page = try installer.install(pvhTarget, InstallRequest(writeEnabled: true))
        let before = fake.calls.count
        let call = try installer.callFromUserMode(page, hypercall: .xen_version, arguments: [0, 0])
        #expect(call.rax == -1)
        #expect(call.errno == .EPERM)
        #expect(call.errno?.name == "EPERM")
        let tail = Array(fake.calls[before...])
        guard case .protect(let code, .readExecute)? = tail.dropFirst().first else { Issue.record("\(tail)"); return }
        #expect(tail == [.mapLocked(4096), .protect(code, .readExecute), .callEntry(code, offset: 17 * 32, [0, 0]),
                         .unmap(code)])
        #expect(code != page.region.address, "the buffer page itself is never made executable")
        #expect(fake.executed == [HypercallStub.expectedPage(.svm)], "what ran is the verified page, byte for byte")
    }

    @Test func unverifiedPageIsNeverExecuted() throws {
        let fake = xenFake()
        fake.xenPage = nil
        let installer = HypercallPageInstaller(system: fake)
        let page = try installer.install(pvhTarget, InstallRequest(writeEnabled: true))
        #expect(throws: HypercallPageError.self) {
            try installer.callFromUserMode(page, hypercall: .xen_version, arguments: [0, 0])
        }
        #expect(!fake.calls.contains { if case .callEntry = $0 { true } else { false } })
        #expect(!fake.calls.contains { if case .protect = $0 { true } else { false } })
    }

    @Test func iretEntryIsNeverCalled() throws {
        let fake = xenFake()
        let installer = HypercallPageInstaller(system: fake)
        let page = try installer.install(pvhTarget, InstallRequest(writeEnabled: true))
        #expect(throws: HypercallPageError.self) {
            try installer.callFromUserMode(page, hypercall: .iret, arguments: [])
        }
        #expect(!fake.calls.contains { if case .callEntry = $0 { true } else { false } })
    }

    @Test func releaseUnmapsThePageExactlyOnceWhateverCopyReleases() throws {
        let fake = xenFake()
        let installer = HypercallPageInstaller(system: fake)
        let page = try installer.install(pvhTarget, InstallRequest(writeEnabled: true))
        let copy = page
        installer.release(page)
        #expect(fake.calls.last == .unmap(page.region.address))
        copy.release()
        page.release()
        #expect(fake.unmapCount == 1)
        #expect(page.region.isReleased && copy.region.isReleased)
        // A released page is neither read nor executed.
        #expect(fake.load(page.region, offset: 0, count: 1) == nil)
        #expect(throws: HypercallPageError.self) {
            try installer.callFromUserMode(copy, hypercall: .xen_version, arguments: [0, 0])
        } 
    }

    @Test func pageGoingOutOfScopeIsUnmapped() throws {
        let fake = xenFake()
        do {
            let page = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
            #expect(!page.region.isReleased)
        }
        #expect(fake.unmapCount == 1)
    }
}
