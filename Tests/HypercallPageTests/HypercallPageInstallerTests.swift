import Testing
import XenSystem
@testable import HypercallPage

/// A PVH guest on AMD as the real stage sees it: Xen leaves at 0x40000000, MSR base 0x40000000.
private let pvhTarget = InstallTarget(xenDetected: true, context: .pvh, leafBase: 0x40000000,
                                      hypercallMSR: 0x40000000, expectedFlavor: .svm)

/// A fake with the MSR device of CPU 0 and "Xen" writing the svm page on the MSR write.
private func xenFake() -> RecordingHypervisorSystem {
    let fake = RecordingHypervisorSystem()
    fake.devices.insert("/dev/cpu/0/msr")
    fake.devices.insert("/dev/cpu/1/msr")
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
        #expect(fake.calls.contains(.mapLocked(4096)))
        // The pagemap entry read is the locked page's.
        #expect(fake.calls.contains(.pread("/proc/self/pagemap", count: 8, offset: page.region.address / 4096 * 8)))
        #expect(page.report.flavor == .svm)
        #expect(page.verified)
    }

    @Test func explicitMSREqualToCPUIDsIsAccepted() throws {
        let fake = xenFake()
        let page = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(msr: 0x40000000, writeEnabled: true))
        #expect(page.verified)
        #expect(fake.pwrites.count == 1)
    }

    @Test func viridianShiftedMSRIsUsed() throws {
        let fake = xenFake()
        fake.hypercallMSR = 0x40000200
        var target = pvhTarget
        target.leafBase = 0x40000100
        target.hypercallMSR = 0x40000200
        let page = try HypercallPageInstaller(system: fake).install(target, InstallRequest(writeEnabled: true))
        #expect(page.msr == 0x40000200)
        #expect(page.verified)
        guard case .pwrite(_, _, let offset)? = fake.pwrites.first else { Issue.record("no write"); return }
        #expect(offset == 0x40000200)
    }

    @Test func pageXenDidNotWriteDoesNotVerify() throws {
        let fake = xenFake()
        fake.xenPage = nil
        let page = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
        #expect(!page.verified)
        #expect(page.report.flavor == nil)
    }

    @Test func pageOfAnotherFlavorDoesNotVerify() throws {
        let fake = xenFake()
        fake.xenPage = HypercallStub.expectedPage(.vmx)
        let page = try HypercallPageInstaller(system: fake).install(pvhTarget, InstallRequest(writeEnabled: true))
        #expect(page.report.flavor == .vmx)
        #expect(!page.verified)
    }

    @Test func userModeCallMakesThePageExecutableAndCallsEntry17() throws {
        let fake = xenFake()
        fake.entryResult = -1
        let installer = HypercallPageInstaller(system: fake)
        let page = try installer.install(pvhTarget, InstallRequest(writeEnabled: true))
        let call = try installer.callFromUserMode(page, hypercall: .xen_version, arguments: [0, 0])
        #expect(call.rax == -1)
        #expect(call.errno == .EPERM)
        #expect(call.errno?.name == "EPERM")
        let tail = Array(fake.calls.suffix(2))
        #expect(tail == [.protect(page.region.address, .readExecute),
                         .callEntry(page.region.address, offset: 17 * 32, [0, 0])])
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

    @Test func releaseUnmapsThePage() throws {
        let fake = xenFake()
        let installer = HypercallPageInstaller(system: fake)
        let page = try installer.install(pvhTarget, InstallRequest(writeEnabled: true))
        installer.release(page)
        #expect(fake.calls.last == .unmap(page.region.address))
    }
}
