import Foundation
import CPUIDProbe
import HypercallPage
@testable import HypercallPageInstall
import Rendering
import XenInterface
import XenSystem
import XenSystemTesting
import Testing

/// The install target as the CPUID probe fills it, from leaf tables shaped like the real Xen
/// 4.17 guests of the stage (Xen leaves 0x40000000..0x40000005, MSR base 0x40000000).
struct InstallTargetTests {
    typealias Key = TableCPUID.Key

    static func xenLeaves(base: UInt32, msr: UInt32, features1: UInt32 = 0) -> [Key: CPUIDRegisters] {
        [
            Key(leaf: base, subleaf: 0): CPUIDRegisters(eax: base + 5, ebx: 0x566e6558, ecx: 0x65584d4d, edx: 0x4d4d566e),
            Key(leaf: base + 1, subleaf: 0): CPUIDRegisters(eax: 0x0004_0011, ebx: 0, ecx: 0, edx: 0),
            Key(leaf: base + 2, subleaf: 0): CPUIDRegisters(eax: 1, ebx: msr, ecx: features1, edx: 0),
        ]
    }

    /// Leaf 1 with the hypervisor-present bit (ECX bit 31), as any guest sees it.
    static let leaf1 = [Key(leaf: 1, subleaf: 0): CPUIDRegisters(eax: 0, ebx: 0, ecx: 1 << 31, edx: 0)]

    @Test func hvmLeavesGiveTheMSRAndTheVendorsFlavor() throws {
        let table = TableCPUID(entries: Self.leaf1.merging(Self.xenLeaves(base: 0x40000000, msr: 0x40000000)) { a, _ in a })
        let report = try ProbeReport.probe(source: table, pv: nil, system: nil)
        let target = InstallTarget(report: report, cpuVendor: "AuthenticAMD")
        #expect(target == InstallTarget(xenDetected: true, context: .hvm, leafBase: 0x40000000,
                                        hypercallMSR: 0x40000000, expectedFlavor: .svm))
    }

    /// The Viridian domU as recorded in real Xen (Debian's cpuid -r): Xen's leaves moved to
    /// 0x40000100 name the MSR 0x40000200 (docs/domu.md), and the flavor the target expects from the
    /// recorded vendor is the one of the page Xen wrote in that guest (its recorded page).
    @Test func viridianShiftedLeavesNameTheirMSR() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CPUIDProbeTests/Fixtures")
        let dump = try CPUIDDump(parsing: try String(contentsOf: fixtures.appendingPathComponent("xen-4.17-hvm-viridian-domu.cpuid"),
                                                     encoding: .utf8))
        let table = try #require(dump.source(name: "viridian"))
        let report = try ProbeReport.probe(source: table, pv: nil, system: nil)
        let leaf0 = try table.cpuid(leaf: 0, subleaf: 0)
        let vendor = HypervisorSignature(ebx: leaf0.ebx, ecx: leaf0.edx, edx: leaf0.ecx).description  // EBX, EDX, ECX
        let target = InstallTarget(report: report, cpuVendor: vendor)
        #expect(target.xenDetected && target.context == .hvm)
        #expect(target.leafBase == 0x40000100)
        #expect(target.hypercallMSR == 0x40000200)
        let page = try String(contentsOf: fixtures.appendingPathComponent("xen-4.17-hvm-viridian-domu.hypercall-page.hex"), encoding: .utf8)
        let written = HypercallPageDecoder.decode(try #require(HypercallPageDecoder.pageBytes(fromFile: Array(page.utf8))))
        #expect(target.expectedFlavor != nil && target.expectedFlavor == written.flavor)
    }

    @Test func pvViewGivesAPVTargetTheInstallerRefuses() throws {
        let plain = TableCPUID(entries: Self.leaf1)
        let pv = TableCPUID(name: "pv", entries: Self.xenLeaves(base: 0x40000000, msr: 0x40000000, features1: 1))
        let report = try ProbeReport.probe(source: plain, pv: pv, system: nil)
        let target = InstallTarget(report: report, cpuVendor: "AuthenticAMD")
        #expect(target.context == .pv)
        #expect(target.expectedFlavor == .pv64)
        let fake = RecordingHypervisorSystem()
        fake.devices.insert("/dev/cpu/0/msr")
        do {
            _ = try HypercallPageInstaller(system: fake).install(target, InstallRequest(writeEnabled: true))
            Issue.record("installed in PV")
        } catch { #expect(error.kind == .refused) }
        #expect(fake.pwrites.isEmpty)
    }

    @Test func noXenGivesAnUndetectedTarget() throws {
        let report = try ProbeReport.probe(source: TableCPUID(entries: Self.leaf1), pv: nil, system: nil)
        let target = InstallTarget(report: report, cpuVendor: "AuthenticAMD")
        #expect(!target.xenDetected)
        #expect(target.hypercallMSR == 0)
        #expect(target.context == nil)
    }
}
