import CPUIDProbe
import Testing

/// Detection from a recorded dump, offline (no sysfs, no forced-emulation probe): Fixtures/
/// xen-4.17-hvm-viridian-domu.cpuid is Debian's `cpuid -r` in an HVM domU with Viridian
/// (Hyper-V enlightenments) on Xen 4.17, copied from the xen-detect package's
/// Tests/CPUIDProbeTests/Fixtures. Hyper-V's leaves come first; Xen's are one range up.
@Suite struct DetectionTests {
    @Test func xenBehindViridian() throws {
        let source = try Fixture.source("xen-4.17-hvm-viridian-domu.cpuid")
        let report = try ProbeReport.probe(source: source, pv: nil, system: nil)

        #expect(report.xenDetected)
        #expect(report.decision.line == "Running in HVM context on Xen V4.17.")
        // CPUID alone cannot tell PVH from HVM; this guest is HVM.
        #expect(report.context == .hvm && report.contextSource == "cpuid")
        #expect(report.hypervisors.map(\.name) == ["microsoft", "xen"])
        #expect(report.hyperV?.interfaceID == HyperVInterfaceLeaf.hv1)  // "Hv#1"

        let xen = try #require(report.xen)
        #expect(xen.range.leafBase == 0x4000_0100 && xen.range.maxLeaf == 0x4000_0105)
        #expect(xen.version == XenVersion(major: 4, minor: 17))
        // Leaf base+2: one hypercall page, installed through MSR 0x40000200 (not 0x40000000).
        #expect(xen.hypercall.hypercallPages == 1 && xen.hypercall.msrBase == 0x4000_0200)
        // Leaf base+4 flags the domain id, 1: a domU.
        #expect(xen.hvm?.domainID == 1 && report.domain == .domU && report.domainSource == .domainID)
    }

    @Test func recordedOnAnAMDMachine() throws {
        #expect(try Fixture.cpuVendor(Fixture.source("xen-4.17-hvm-viridian-domu.cpuid")) == "AuthenticAMD")
    }
}
