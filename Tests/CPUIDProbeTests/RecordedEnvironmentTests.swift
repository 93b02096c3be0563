import CPUIDProbe
import Foundation
import Testing
import XenSystem
import XenSystemTesting

/// The probe on the dumps recorded inside real Xen 4.17 under QEMU (scripts/xen-stage/run.sh --record),
/// each decoded field checked against what the guest showed.
@Suite struct RecordedEnvironmentTests {
    /// /sys/hypervisor and /proc/xen as recorded (`path=value`; sysfs appends the newline).
    static func system(_ name: String) throws -> RecordingSystem {
        let s = RecordingSystem()
        for line in try Fixture.text(name).split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let path = String(line[..<eq]), value = String(line[line.index(after: eq)...])
            if path.hasPrefix("/sys/hypervisor") { s.directories.insert("/sys/hypervisor") }
            s.addFile(path, value + "\n")
        }
        return s
    }

    @Test func pvhDom0() throws {
        let source = try Fixture.source("xen-4.17-pvh-dom0.cpuid")
        let r = try ProbeReport.probe(source: source, pv: FaultingSource(), system: try Self.system("xen-4.17-pvh-dom0.sysfs.txt"))
        #expect(r.context == .pvh && r.contextSource == "sysfs" && r.domain == .dom0)
        let xen = try #require(r.xen)
        #expect(xen.range.leafBase == 0x4000_0000 && xen.range.maxLeaf == 0x4000_0005)
        #expect(xen.version == XenVersion(major: 4, minor: 17))
        #expect(xen.hypercall.hypercallPages == 1 && xen.hypercall.msrBase == 0x4000_0000)
        #expect(xen.hypercall.features1.isEmpty)
        #expect(xen.hvm?.features == [.iommuMappings, .vcpuIDPresent, .domIDPresent, .upcallVector])
        #expect(xen.hvm?.vcpuID == 0 && xen.hvm?.domainID == 0)
        #expect(xen.tsc?.flags == [.emulated] && xen.tsc?.mode == .default)
        #expect(xen.tsc?.guestKHz == 0x25_5070 && xen.tsc?.hostKHz == 0x25_5070)  // this boot's TSC (re-recorded)
        #expect(xen.pv?.machineAddressWidth == 0)
        #expect(r.hypervisors.map(\.name) == ["xen"])
        #expect(r.xenView == .cpuid)
    }

    @Test func pvhDom0Offline() throws {
        // Offline, CPUID alone cannot tell PVH from HVM: it says HVM, as Xen's tool does without sysfs.
        let source = try Fixture.source("xen-4.17-pvh-dom0.cpuid")
        let r = try ProbeReport.probe(source: source, pv: nil, system: nil)
        #expect(r.context == .hvm && r.contextSource == "cpuid" && r.domain == nil)
        let v = try DropInDetection.detect(system: RecordingSystem(), plain: source, pv: FaultingSource())
        #expect(v.line == "Running in HVM context on Xen V4.17.")
    }

    @Test func pvDom0() throws {
        // Plain CPUID shows QEMU's TCG; Xen answers only the forced-emulation CPUID.
        let plain = try Fixture.source("xen-4.17-pv-dom0.cpuid")
        let pv = try Fixture.source("xen-4.17-pv-dom0.leaves.pv.txt")
        let r = try ProbeReport.probe(source: plain, pv: pv, system: try Self.system("xen-4.17-pv-dom0.sysfs.txt"))
        #expect(r.context == .pv && r.domain == .dom0 && r.xenView == .forcedEmulation)
        #expect(r.hypervisors.map(\.name) == ["xen", "qemu"])
        #expect(r.hypervisors.map(\.signature.description) == ["XenVMMXenVMM", "TCGTCGTCGTCG"])
        let xen = try #require(r.xen)
        #expect(xen.hypercall.features1 == .mmuPTUpdatePreserveAD)
        #expect(xen.pv?.machineAddressWidth == 31)
        #expect(xen.hvm?.features == [])
        let drop = try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: pv)
        #expect(drop.line == "Running in PV context on Xen V4.17.")
    }

    @Test func pvDom0ThroughTheKernelsCPUIDDriver() throws {
        // /dev/cpu goes through the PV kernel, which Xen answers: Xen's leaves with the PV-only feature.
        let r = try ProbeReport.probe(source: try Fixture.source("xen-4.17-pv-dom0.devcpu.cpuid"), pv: nil, system: nil)
        #expect(r.context == .pv && r.xen?.version == XenVersion(major: 4, minor: 17))
        let plain = try Fixture.source("xen-4.17-pv-dom0.devcpu.cpuid")
        // Un-escaped view with PRESERVE_AD is not HVM; with no PV view either, xen-detect says "Not running".
        #expect(try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: FaultingSource()).outcome == .none)
    }

    @Test func plainLinuxOnQEMU() throws {
        let source = CountingCPUID(try Fixture.source("qemu-tcg-linux.cpuid"))
        let r = try ProbeReport.probe(source: source, pv: FaultingSource(), system: try Self.system("qemu-tcg-linux.sysfs.txt"))
        #expect(!r.xenDetected && r.hypervisors.map(\.name) == ["qemu"] && r.domain == nil)
        #expect(r.cpuidExecutions == 3)
    }

    @Test(arguments: ["xen-4.17-pvh-dom0", "xen-4.17-pv-dom0", "qemu-tcg-linux"])
    func ourLeavesAgreeWithDebiansCPUIDDump(environment: String) throws {
        // Every leaf our binary listed in the guest equals the one `cpuid -r` recorded there, but for
        // the TSC leaf (its values move between reads) and leaf 1's APIC id byte.
        let ours = try CPUIDDump(parsing: try Fixture.text("\(environment).leaves.native.txt")).cpus[0].leaves
        let theirs = try Fixture.source("\(environment).cpuid")
        #expect(ours.count >= 2)
        for (k, r) in ours where k.leaf != 0x4000_0003 && k.leaf != 1 {
            #expect(try theirs.cpuid(leaf: k.leaf, subleaf: k.subleaf) == r, "leaf \(k.leaf) sub \(k.subleaf)")
        }
    }
}
