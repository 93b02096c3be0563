import CPUIDProbe
import HypercallPage
import HypercallPageInstall
import Testing
import XenSystem
import XenSystemTesting

/// Installing the hypercall page through the recording fake: every refusal comes before anything
/// is opened, so a refused install has made no system call at all, and above all no MSR write.
@Suite struct HypercallPageInstallTests {
    /// What detection found in the recorded Viridian domU (DetectionTests): Xen at 0x40000100,
    /// its hypercall MSR at 0x40000200, an AMD CPU.
    static func target() throws -> InstallTarget {
        let source = try Fixture.source("xen-4.17-hvm-viridian-domu.cpuid")
        let report = try ProbeReport.probe(source: source, pv: nil, system: nil)
        return InstallTarget(report: report, cpuVendor: try Fixture.cpuVendor(source))
    }

    @Test func targetFromTheRecordedDump() throws {
        let target = try Self.target()
        #expect(target.xenDetected && target.context == .hvm)
        #expect(target.leafBase == 0x4000_0100 && target.hypercallMSR == 0x4000_0200)
        #expect(target.expectedFlavor == .svm)  // Xen writes vmmcall stubs on AMD
    }

    /// Without the consent (the CLI's --yes-write-msr); with 0x40000000, the MSR a driver that
    /// assumes Xen's range is first would write (here it belongs to Hyper-V's range); and both.
    @Test(arguments: [
        (msr: nil, writeEnabled: false, says: "--yes-write-msr"),
        (msr: 0x4000_0000, writeEnabled: true, says: "is not the hypercall MSR CPUID names (0x40000200)"),
        (msr: 0x4000_0000, writeEnabled: false, says: "is not the hypercall MSR CPUID names (0x40000200)"),
    ] as [(msr: UInt32?, writeEnabled: Bool, says: String)])
    func refusedWritingNothing(msr: UInt32?, writeEnabled: Bool, says: String) throws {
        let fake = RecordingHypervisorSystem()
        fake.xenPage = HypercallStub.expectedPage(.svm)  // what "Xen" would write, were the MSR written
        let installer = HypercallPageInstaller(system: fake)
        let target = try Self.target()
        let request = InstallRequest(msr: msr, writeEnabled: writeEnabled)

        do {
            let page = try installer.install(target, request)
            page.release()
            Issue.record("installed although refused: \(page.msr)")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.description.contains(says))
            #expect(error.errno == nil)  // a refusal, not a failed system call
        }
        #expect(fake.pwrites.isEmpty)
        #expect(fake.msrOpens.isEmpty)
        #expect(fake.calls.isEmpty)  // not even the buffer device was opened
    }
}
