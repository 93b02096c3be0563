import CPUIDProbe
import Testing
import XenSystem
import XenSystemTesting

@Suite struct ProbeReportTests {
    @Test func thisMachine() throws {
        let r = try ProbeReport.probe(source: try Fixture.source("kvm-epyc-host.cpuid"), pv: FaultingSource(),
                                      system: RecordingSystem())
        #expect(!r.xenDetected && r.context == nil && r.domain == nil)
        #expect(r.hypervisors.map(\.name) == ["kvm"])
        #expect(r.kvm?.featureList.contains("clocksource2") == true)
        #expect(r.cpuidExecutions == 4 && r.forcedEmulationFaults == 1)
    }

    @Test func pvhDom0() throws {
        let r = try ProbeReport.probe(source: Tables.hvm(), pv: UntouchedSource(),
                                      system: RecordingSystem.xenSysfs(guestType: "PVH"))
        #expect(r.xenDetected && r.context == .pvh && r.contextSource == "sysfs")
        #expect(r.domain == .dom0)
        #expect(r.xen?.hypercall.msrBase == 0x4000_0000)
        #expect(r.xen?.pv?.machineAddressWidth == 44)
        #expect(r.xenView == .cpuid)
    }

    @Test func pvDom0ShowsBothLayers() throws {
        let r = try ProbeReport.probe(source: TableCPUID(entries: Tables.tcg), pv: TableCPUID(entries: Tables.xen()),
                                      system: RecordingSystem.xenSysfs(guestType: "PV"))
        #expect(r.context == .pv && r.xenView == .forcedEmulation)
        #expect(r.hypervisors.map(\.name) == ["xen", "qemu"])
        let json = r.json.rendered
        #expect(json.contains("\"signature\": \"TCGTCGTCGTCG\""))
    }

    @Test func hvmDomUWithDomainIDAndNoXenfs() throws {
        let s = RecordingSystem.xenSysfs(guestType: "HVM", capabilities: nil)
        s.addFile("/sys/hypervisor/properties/features", "00002705\n")
        let r = try ProbeReport.probe(source: Tables.hvm(Tables.xen(domid: 3)), pv: FaultingSource(), system: s)
        #expect(r.domain == .domU)
        #expect(r.xen?.hvm?.domainID == 3)
        s.files["/sys/hypervisor/properties/features"] = Array("00012b05\n".utf8)  // XENFEAT_dom0 set
        #expect(try ProbeReport.probe(source: Tables.hvm(), pv: FaultingSource(), system: s).domain == .dom0)
    }

    @Test func offlinePVDumpThroughTheKernelsView() throws {
        // /dev/cpu in a PV guest shows Xen's leaves with the PV-only feature: offline, that means PV.
        // Xen gives a PV guest an empty leaf base+4 (xen/arch/x86/cpuid.c, "HVM hypervisor leaf"),
        // so no domain id: the role stays unknown.
        let r = try ProbeReport.probe(source: Tables.hvm(Tables.xen(features1: 1, hvmFeatures: 0)), pv: nil, system: nil)
        #expect(r.context == .pv && r.contextSource == "cpuid" && r.decision.decidedBy == .cpuid)
        #expect(r.decision.line == "Running in PV context on Xen V4.17.")
        #expect(r.domain == nil && r.domainSource == nil)
    }

    /// Offline, the domain follows from the domain id where CPUID gives one (only dom0 has id 0),
    /// and the report says so; without the id flag (leaf base+4 EAX bit 4) it stays unknown.
    @Test(arguments: [(UInt32(0x18), UInt32(0), XenDomainRole?.some(.dom0)), (0x18, 7, .domU), (0x08, 0, nil)])
    func offlineDomainFollowsTheDomainID(_ hvmFeatures: UInt32, _ domid: UInt32, _ role: XenDomainRole?) throws {
        let r = try ProbeReport.probe(source: Tables.hvm(Tables.xen(hvmFeatures: hvmFeatures, domid: domid)), pv: nil, system: nil)
        #expect(r.domain == role)
        #expect(r.domainSource == (role == nil ? nil : .domainID))
        guard case .object(let top) = r.json, case .object(let xen)? = top.first(where: { $0.0 == "xen" })?.1 else {
            Issue.record("no xen object"); return
        }
        #expect(xen.first(where: { $0.0 == "domainSource" })?.1 == (role == nil ? .null : .string("domainID")))
    }

    /// Live, the kernel's word (capabilities, then XENFEAT_dom0) comes before the domain id.
    @Test func liveDomainPrefersTheKernelsWord() throws {
        let s = RecordingSystem.xenSysfs(guestType: "HVM", capabilities: "")
        let r = try ProbeReport.probe(source: Tables.hvm(Tables.xen(domid: 0)), pv: FaultingSource(), system: s)
        #expect(r.domain == .domU && r.domainSource == .capabilities)
    }

    @Test func jsonHasTheDocumentedKeys() throws {
        let r = try ProbeReport.probe(source: Tables.hvm(), pv: nil, system: RecordingSystem.xenSysfs(guestType: "PVH"))
        guard case .object(let top) = r.json else { Issue.record("not an object"); return }
        #expect(top.map(\.0).prefix(3) == ["xen", "hypervisors", "hypervisorBit"])
        guard case .object(let xen)? = top.first(where: { $0.0 == "xen" })?.1 else { Issue.record("no xen"); return }
        let keys = Set(xen.map(\.0))
        for k in ["detected", "context", "version", "leafBase", "msrBase", "hypercallPages", "features", "domain"] {
            #expect(keys.contains(k), "missing xen.\(k)")
        }
        #expect(xen.first(where: { $0.0 == "version" })?.1 == .object([("major", .int(4)), ("minor", .int(17))]))
        #expect(xen.first(where: { $0.0 == "leafBase" })?.1 == .int(0x4000_0000))
    }

    @Test func textReportOfPVDom0() throws {
        let r = try ProbeReport.probe(source: TableCPUID(entries: Tables.tcg), pv: TableCPUID(entries: Tables.xen()),
                                      system: RecordingSystem.xenSysfs(guestType: "PV"))
        let lines = r.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Xen 4.17.7: PV guest, dom0 (context from sysfs, domain from /proc/xen/capabilities)")
        #expect(lines.contains("  hypercall     1 page(s), MSR 0x40000000"))
        #expect(lines.contains("  0x40000000  xen        \"XenVMMXenVMM\"  max 0x40000005  (forced-emulation CPUID)"))
        #expect(lines.contains("  0x40000000  qemu       \"TCGTCGTCGTCG\"  max 0x40000001  (CPUID)"))
    }
}
