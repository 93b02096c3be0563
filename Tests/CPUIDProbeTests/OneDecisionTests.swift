import CPUIDProbe
import Testing
import XenSystem
import XenSystemTesting

/// The drop-in's lean decision (`DropInDetection.detect`) and the report's (`ProbeReport.probe`)
/// are one: for every combination of what sysfs holds and what plain and forced-emulation CPUID
/// show, they give the same line, outcome and deciding step, and the report's context and
/// `xen.detected` are renderings of it. Before, the report decided on its own and disagreed, e.g.
/// with /sys/hypervisor present but no `type` file (the drop-in: not Xen, no CPUID; the report
/// went on to CPUID and found Xen).
@Suite struct OneDecisionTests {
    enum Sysfs: CaseIterable, Sendable {
        case absent, emptyDirectory, otherHypervisor, xenWithoutGuestType, pv, hvm, pvh, unknownGuestType
        func system() -> RecordingSystem {
            switch self {
            case .absent: return RecordingSystem()
            case .emptyDirectory:
                let s = RecordingSystem()
                s.directories.insert("/sys/hypervisor")
                return s
            case .otherHypervisor:
                let s = RecordingSystem()
                s.directories.insert("/sys/hypervisor")
                s.addFile("/sys/hypervisor/type", "kvm\n")
                return s
            case .xenWithoutGuestType: return RecordingSystem.xenSysfs(guestType: nil)
            case .pv: return RecordingSystem.xenSysfs(guestType: "PV")
            case .hvm: return RecordingSystem.xenSysfs(guestType: "HVM")
            case .pvh: return RecordingSystem.xenSysfs(guestType: "PVH")
            case .unknownGuestType: return RecordingSystem.xenSysfs(guestType: "Foo")
            }
        }
    }

    enum Plain: CaseIterable, Sendable {
        case noHypervisor, tcg, xenHVM, xenWithPVOnlyFeature, xenViridian, xenVersionZero
        func source() -> TableCPUID {
            switch self {
            case .noHypervisor: return TableCPUID(entries: [TableCPUID.Key(leaf: 1, subleaf: 0): .zero])
            case .tcg: return TableCPUID(entries: Tables.tcg)
            case .xenHVM: return Tables.hvm(Tables.xen())
            case .xenWithPVOnlyFeature: return Tables.hvm(Tables.xen(features1: 1, hvmFeatures: 0))
            case .xenViridian: return Tables.hvm(Tables.xen(base: 0x4000_0100, msr: 0x4000_0200))
            case .xenVersionZero:
                var t = Tables.xen()
                t[TableCPUID.Key(leaf: 0x4000_0001, subleaf: 0)] = .zero
                return Tables.hvm(t)
            }
        }
    }

    enum Forced: CaseIterable, Sendable {
        case faults, xen
        func source() -> any CPUIDSource {
            switch self {
            case .faults: return FaultingSource()
            case .xen: return TableCPUID(entries: Tables.xen(hvmFeatures: 0))
            }
        }
    }

    static let cases: [(Sysfs, Plain, Forced)] = Sysfs.allCases.flatMap { s in
        Plain.allCases.flatMap { p in Forced.allCases.map { (s, p, $0) } }
    }

    @Test(arguments: cases)
    func dropInAndReportRenderOneDecision(_ sysfs: Sysfs, _ plain: Plain, _ forced: Forced) throws {
        let lean = try DropInDetection.detect(system: sysfs.system(), plain: plain.source(), pv: forced.source())
        let report = try ProbeReport.probe(source: plain.source(), pv: forced.source(), system: sysfs.system())
        #expect(report.decision == lean)
        #expect(report.xenDetected == (lean.outcome != .none))
        #expect(report.context == lean.context)
        if lean.outcome == .none { #expect(report.contextSource == nil) }
        else { #expect(report.contextSource == (lean.decidedBy == .sysfs ? "sysfs" : "cpuid")) }
        // The JSON says the same.
        guard case .object(let top) = report.json, case .object(let xen)? = top.first(where: { $0.0 == "xen" })?.1 else {
            Issue.record("no xen object"); return
        }
        #expect(xen.first(where: { $0.0 == "detected" })?.1 == .bool(lean.outcome != .none))
        #expect(xen.first(where: { $0.0 == "decidedBy" })?.1 == .string(lean.decidedBy.rawValue))
    }

    /// Spot checks of what the one decision is, against Xen's tool (tools/misc/xen-detect.c).
    @Test func theDecisionItself() throws {
        func decide(_ s: Sysfs, _ p: Plain, _ f: Forced) throws -> DropInDetection {
            try DropInDetection.detect(system: s.system(), plain: p.source(), pv: f.source())
        }
        // /sys/hypervisor without type: not Xen, whatever CPUID would say.
        #expect(try decide(.emptyDirectory, .xenHVM, .xen).line == "Not running on Xen.")
        #expect(try decide(.emptyDirectory, .xenHVM, .xen).decidedBy == .sysfs)
        // guest_type unreadable: CPUID decides.
        #expect(try decide(.xenWithoutGuestType, .xenHVM, .faults).line == "Running in HVM context on Xen V4.17.")
        // An unknown guest_type is printed as it is, with HVM's exit status.
        let foo = try decide(.unknownGuestType, .noHypervisor, .faults)
        #expect(foo.line == "Running in Foo context on Xen V4.17." && foo.outcome == .hvm && foo.context == nil)
        // CPUID faulting in PV: plain shows the PV-only feature, forced emulation decides.
        #expect(try decide(.absent, .xenWithPVOnlyFeature, .xen).decidedBy == .forcedEmulation)
        #expect(try decide(.absent, .xenWithPVOnlyFeature, .xen).outcome == .pv)
        // A zero version is no Xen at that step.
        #expect(try decide(.absent, .xenVersionZero, .faults).outcome == .none)
        #expect(try decide(.absent, .xenViridian, .faults).line == "Running in HVM context on Xen V4.17.")
    }

    /// The report names the scan it made, not the one asked for: the PV view scans one base.
    @Test func reportCarriesTheScanItMade() throws {
        let r = try ProbeReport.probe(source: TableCPUID(entries: Tables.xen()), pv: nil, system: nil, mode: .firstBaseOnly)
        guard case .object(let top) = r.json else { Issue.record("not an object"); return }
        #expect(top.first(where: { $0.0 == "scan" })?.1 == .string("firstBaseOnly"))
        #expect(r.scanMode == .firstBaseOnly)
    }
}
