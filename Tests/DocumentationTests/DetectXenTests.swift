import CPUIDProbe
import Foundation
import Testing
import XenSystem

/// The code of "Detect Xen and the hypervisor stack from your program" (CPUIDProbe.docc),
/// run on this machine and on the dumps recorded inside real Xen.
@Suite struct DetectXenArticleTests {
    @Test func liveProbeOnThisMachine() throws {
        let report = try ProbeReport.probe(source: NativeCPUID(), pv: ForcedEmulationCPUID(), system: LinuxSystem())
        if report.xenDetected {
            print("Xen \(report.version?.description ?? "?"), \(report.context?.rawValue ?? "?") guest")
        }
        for hypervisor in report.hypervisors {
            print(hypervisor.name, hypervisor.signature, "at 0x" + String(hypervisor.leafBase, radix: 16))
        }

        // The lean decision and the report render one decision, whatever this machine is.
        let line = try DropInDetection.detect(system: LinuxSystem(), plain: NativeCPUID(), pv: ForcedEmulationCPUID()).line
        print(line)  // "Not running on Xen." or, e.g., "Running in PVH context on Xen V4.17."
        #expect(line == report.decision.line)
        #expect(report.xenDetected == (report.decision.outcome != .none))
        #expect(report.cpuidExecutions > 0 || report.decision.decidedBy == .sysfs)
    }

    @Test func offlineFromARecordedDump() throws {
        let path = PackageFiles.fixture("xen-4.17-hvm-viridian-domu.cpuid")
        let dump = try CPUIDDump(parsing: try String(contentsOfFile: path, encoding: .utf8))
        let source = dump.source(name: "xen-4.17-hvm-viridian-domu")!
        let report = try ProbeReport.probe(source: source, pv: nil, system: nil)
        print(report.decision.line)                  // Running in HVM context on Xen V4.17.
        print(report.hypervisors.map(\.name))        // ["microsoft", "xen"]
        print(report.xen!.range.leafBase == 0x4000_0100)  // true: Viridian's leaves come first

        #expect(report.decision.line == "Running in HVM context on Xen V4.17.")
        #expect(report.hypervisors.map(\.name) == ["microsoft", "xen"])
        #expect(report.xen?.range.leafBase == 0x4000_0100)
        #expect(report.context == .hvm && report.contextSource == "cpuid")
    }

    @Test func pvStackFromTwoViews() throws {
        let plainPath = PackageFiles.fixture("xen-4.17-pv-dom0.cpuid")
        let pvPath = PackageFiles.fixture("xen-4.17-pv-dom0.leaves.pv.txt")
        let plain = try CPUIDDump(parsing: try String(contentsOfFile: plainPath, encoding: .utf8)).source(name: "plain")!
        let pv = try CPUIDDump(parsing: try String(contentsOfFile: pvPath, encoding: .utf8)).source(name: "pv")!
        let report = try ProbeReport.probe(source: plain, pv: pv, system: nil)
        print(report.hypervisors.map(\.name))        // ["xen", "qemu"]: Xen, then the layer below
        print(report.xenView == .forcedEmulation)    // true: only forced emulation shows Xen

        #expect(report.hypervisors.map(\.name) == ["xen", "qemu"])
        #expect(report.xenView == .forcedEmulation)
        #expect(report.context == .pv)
    }
}
