import CPUIDProbe
import Foundation
import Testing
import XenInterface
import XenSystem
import XenSystemTesting

/// The probe on the dumps recorded inside real Xen 4.17 and 4.20 under QEMU (scripts/xen-stage/run.sh --record),
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

    /// The two releases the stage boots, with the minor version the dom0s' recordings carry.
    static let releases: [(name: String, minor: UInt16)] = [("4.17", 17), ("4.20", 20)]

    @Test(arguments: ["4.17", "4.20"])
    func pvhDom0(release: String) throws {
        let name = "xen-\(release)-pvh-dom0"
        let source = try Fixture.source(name + ".cpuid")
        let r = try ProbeReport.probe(source: source, pv: FaultingSource(), system: try Self.system(name + ".sysfs.txt"))
        #expect(r.context == .pvh && r.contextSource == "sysfs" && r.domain == .dom0)
        let xen = try #require(r.xen)
        #expect(xen.range.leafBase == 0x4000_0000 && xen.range.maxLeaf == 0x4000_0005)
        #expect(xen.version == XenVersion(major: 4, minor: try #require(Self.releases.first { $0.name == release }).minor))
        #expect(xen.hypercall.hypercallPages == 1 && xen.hypercall.msrBase == 0x4000_0000)
        #expect(xen.hypercall.features1.isEmpty)
        #expect(xen.hvm?.features == [.iommuMappings, .vcpuIDPresent, .domIDPresent, .upcallVector])
        #expect(xen.hvm?.vcpuID == 0 && xen.hvm?.domainID == 0)
        #expect(xen.tsc?.flags == [.emulated] && xen.tsc?.mode == .default)
        if release == "4.17" {
            #expect(xen.tsc?.guestKHz == 0x25_5070 && xen.tsc?.hostKHz == 0x25_5070)  // this boot's TSC (re-recorded)
        } else {
            // This boot's TSC: the guest's rate is the host's (TSC mode default, emulated).
            #expect(xen.tsc.map { $0.guestKHz > 0 && $0.guestKHz == $0.hostKHz } == true)
        }
        #expect(xen.pv?.machineAddressWidth == 0)
        #expect(r.hypervisors.map(\.name) == ["xen"])
        #expect(r.xenView == .cpuid)
    }

    @Test(arguments: ["4.17", "4.20"])
    func pvhDom0Offline(release: String) throws {
        // Offline, CPUID alone cannot tell PVH from HVM: it says HVM, as Xen's tool does without sysfs.
        let source = try Fixture.source("xen-\(release)-pvh-dom0.cpuid")
        let r = try ProbeReport.probe(source: source, pv: nil, system: nil)
        #expect(r.context == .hvm && r.contextSource == "cpuid")
        // The recording's leaf base+4 carries domain id 0, which only dom0 has.
        #expect(r.xen?.hvm?.domainID == 0 && r.domain == .dom0 && r.domainSource == .domainID)
        let v = try DropInDetection.detect(system: RecordingSystem(), plain: source, pv: FaultingSource())
        #expect(v.line == "Running in HVM context on Xen V\(release).")
    }

    @Test(arguments: ["4.17", "4.20"])
    func pvDom0(release: String) throws {
        // Plain CPUID shows QEMU's TCG; Xen answers only the forced-emulation CPUID.
        let name = "xen-\(release)-pv-dom0"
        let plain = try Fixture.source(name + ".cpuid")
        let pv = try Fixture.source(name + ".leaves.pv.txt")
        let r = try ProbeReport.probe(source: plain, pv: pv, system: try Self.system(name + ".sysfs.txt"))
        #expect(r.context == .pv && r.domain == .dom0 && r.xenView == .forcedEmulation)
        #expect(r.hypervisors.map(\.name) == ["xen", "qemu"])
        #expect(r.hypervisors.map(\.signature.description) == ["XenVMMXenVMM", "TCGTCGTCGTCG"])
        let xen = try #require(r.xen)
        #expect(xen.hypercall.features1 == .mmuPTUpdatePreserveAD)
        #expect(xen.pv?.machineAddressWidth == 31)
        #expect(xen.hvm?.features == [])
        let drop = try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: pv)
        #expect(drop.line == "Running in PV context on Xen V\(release).")
    }

    @Test(arguments: ["4.17", "4.20"])
    func pvDom0ThroughTheKernelsCPUIDDriver(release: String) throws {
        // /dev/cpu goes through the PV kernel, which Xen answers: Xen's leaves with the PV-only feature.
        let plain = try Fixture.source("xen-\(release)-pv-dom0.devcpu.cpuid")
        let r = try ProbeReport.probe(source: plain, pv: nil, system: nil)
        let minor = try #require(Self.releases.first { $0.name == release }).minor
        #expect(r.context == .pv && r.xen?.version == XenVersion(major: 4, minor: minor))
        // Un-escaped view with PRESERVE_AD is not HVM; with no PV view either, xen-detect says "Not running".
        #expect(try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: FaultingSource()).outcome == .none)
    }

    /// The XENFEAT bits the dom0s' kernels published (/sys/hypervisor/properties/features), named
    /// by release: Xen 4.20's xen/common/kernel.c sets runstate_phys_area, vcpu_time_phys_area and
    /// dm_msix_all_writes (18-20, public/features.h of 4.20) for x86 guests, 4.17 none of them;
    /// read with 4.17's names, 4.20's bits are unknown, by number.
    @Test(arguments: ["xen-4.17-pvh-dom0", "xen-4.17-pv-dom0", "xen-4.20-pvh-dom0", "xen-4.20-pv-dom0"])
    func featureBitsByRelease(environment: String) throws {
        let sysfs = try Self.values(environment + ".sysfs.txt")
        let submap = try #require(sysfs["/sys/hypervisor/properties/features"].flatMap { UInt32($0, radix: 16) })
        let minor = try #require(sysfs["/sys/hypervisor/version/minor"].flatMap { UInt32($0) })
        let running = XenRelease(major: 4, minor: minor)
        let bits = XenFeatureBit.set(in: [submap], release: running)
        #expect(bits.allSatisfy { $0.name != nil })
        #expect(bits.contains { $0.name == "dom0" })
        let newer = bits.filter { $0.since != nil }
        if running == .xen4_20 {
            #expect(newer.map(\.name) == ["runstate_phys_area", "vcpu_time_phys_area", "dm_msix_all_writes"])
            #expect(newer.allSatisfy { $0.since == .xen4_20 })
            let as417 = XenFeatureBit.set(in: [submap], release: .xen4_17)
            #expect(as417.filter { $0.name == nil }.map(\.number) == [18, 19, 20])
        } else {
            #expect(newer.isEmpty)
        }
    }

    /// This project's development machine (README): a KVM guest on AMD EPYC, recorded with
    /// Debian's cpuid; each field against the recorded registers.
    @Test func kvmGuestOnEPYC() throws {
        let table = try Fixture.source("kvm-epyc-host.cpuid")
        let source = CountingCPUID(table)
        let r = try ProbeReport.probe(source: source, pv: FaultingSource(), system: RecordingSystem())
        let leaf0 = try table.cpuid(leaf: 0, subleaf: 0)
        #expect(HypervisorSignature(ebx: leaf0.ebx, ecx: leaf0.edx, edx: leaf0.ecx).description == "AuthenticAMD")
        #expect(!r.xenDetected && r.xen == nil && r.context == nil && r.domain == nil)
        #expect(r.scan.hypervisorBit == true)
        let base = try table.cpuid(leaf: 0x4000_0000, subleaf: 0)
        #expect(r.hypervisors.map(\.name) == ["kvm"])
        #expect(r.hypervisors.first?.signature.description == "KVMKVMKVM")
        #expect(r.hypervisors.first?.maxLeaf == base.eax)
        // KVM's feature leaf (Linux Documentation/virt/kvm/x86/cpuid.rst): base+1 EAX, EDX the hints.
        let features = try table.cpuid(leaf: 0x4000_0001, subleaf: 0)
        #expect(r.kvm == KVMFeatureLeaf(features))
        #expect(r.hyperV == nil)
        // Leaf 1, KVM's base, the unused 0x40000100 and KVM's feature leaf; the PV probe faults.
        #expect(r.cpuidExecutions == 4 && r.forcedEmulationFaults == 1)
    }

    @Test func plainLinuxOnQEMU() throws {
        let source = CountingCPUID(try Fixture.source("qemu-tcg-linux.cpuid"))
        let r = try ProbeReport.probe(source: source, pv: FaultingSource(), system: try Self.system("qemu-tcg-linux.sysfs.txt"))
        #expect(!r.xenDetected && r.hypervisors.map(\.name) == ["qemu"] && r.domain == nil)
        #expect(r.cpuidExecutions == 3)
    }

    static let environments = ["xen-4.17-pvh-dom0", "xen-4.17-pv-dom0", "xen-4.20-pvh-dom0", "xen-4.20-pv-dom0",
                               "qemu-tcg-linux"] + domUs.map(\.environment)

    /// Xen's TSC leaf (base+3) in a recorded dump, whichever base Xen's signature is at.
    static func xenTSCLeaf(_ dump: TableCPUID) throws -> UInt32? {
        for base in stride(from: UInt32(0x4000_0000), through: 0x4000_0200, by: 0x100) {
            let r = try dump.cpuid(leaf: base, subleaf: 0)
            if HypervisorSignature(ebx: r.ebx, ecx: r.ecx, edx: r.edx).description == "XenVMMXenVMM" { return base + 3 }
        }
        return nil
    }

    /// `ours` (a listing our binary printed in the guest) against `theirs` (Debian's `cpuid -r`
    /// there), leaf for leaf, but for Xen's TSC leaf (its values move between reads) and leaf 1
    /// (the APIC id byte; the two ran on any vCPU).
    static func agree(ours: String, theirs: String) throws {
        let listed = try CPUIDDump(parsing: try Fixture.text(ours)).cpus[0].leaves
        let recorded = try Fixture.source(theirs)
        #expect(listed.count >= 2, "\(ours)")
        let tsc = try xenTSCLeaf(recorded)
        for (k, r) in listed where k.leaf != tsc && k.leaf != 1 {
            #expect(try recorded.cpuid(leaf: k.leaf, subleaf: k.subleaf) == r, "\(ours): leaf \(k.leaf) sub \(k.subleaf)")
        }
    }

    @Test(arguments: environments)
    func ourLeavesAgreeWithDebiansCPUIDDump(environment: String) throws {
        try Self.agree(ours: "\(environment).leaves.native.txt", theirs: "\(environment).cpuid")
    }

    /// Through the kernel's cpuid driver, the same: our `--source devcpu` against Debian's `cpuid -k`.
    @Test(arguments: environments)
    func ourDevcpuLeavesAgreeWithDebiansDevcpuDump(environment: String) throws {
        try Self.agree(ours: "\(environment).leaves.devcpu.txt", theirs: "\(environment).devcpu.cpuid")
    }

    // MARK: - The four domUs (docs/domu.md): created with xl inside a PV dom0, vcpus = 1

    struct Layer: Equatable, Sendable, CustomStringConvertible {
        let name: String
        let leafBase: UInt32
        var description: String { "\(name)@0x\(String(leafBase, radix: 16))" }
    }

    /// A domU and what it truly is, from docs/domu.md: the xl config's type, the stack in leaf
    /// order, Xen's base and MSR base (0x40000100 and 0x40000200 with Viridian).
    struct DomU: Sendable, CustomTestStringConvertible {
        let environment: String
        let context: XenGuestContext
        let stack: [Layer]
        let xenBase: UInt32
        let msrBase: UInt32
        var testDescription: String { environment }
    }

    /// The four domUs of each release (Xen 4.17: Debian 12; Xen 4.20: Debian 13's, created by its
    /// own xl): the same layouts in both.
    static let domUs: [DomU] = ["4.17", "4.20"].flatMap { release in [
        DomU(environment: "xen-\(release)-pvh-domu", context: .pvh, stack: [Layer(name: "xen", leafBase: 0x4000_0000)],
             xenBase: 0x4000_0000, msrBase: 0x4000_0000),
        DomU(environment: "xen-\(release)-pv-domu", context: .pv,
             stack: [Layer(name: "xen", leafBase: 0x4000_0000), Layer(name: "qemu", leafBase: 0x4000_0000)],
             xenBase: 0x4000_0000, msrBase: 0x4000_0000),
        DomU(environment: "xen-\(release)-hvm-domu", context: .hvm, stack: [Layer(name: "xen", leafBase: 0x4000_0000)],
             xenBase: 0x4000_0000, msrBase: 0x4000_0000),
        DomU(environment: "xen-\(release)-hvm-viridian-domu", context: .hvm,
             stack: [Layer(name: "microsoft", leafBase: 0x4000_0000), Layer(name: "xen", leafBase: 0x4000_0100)],
             xenBase: 0x4000_0100, msrBase: 0x4000_0200),
    ] }

    /// `key=value` lines (peers.txt, sysfs.txt) as recorded.
    static func values(_ name: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for line in try Fixture.text(name).split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            result[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return result
    }

    /// The views a domU's probe reads: plain CPUID as Debian's cpuid recorded it, and in PV the
    /// forced-emulation view our `leaves --source pv` listed (checked against Debian's dump
    /// through the kernel below).
    static func sources(_ d: DomU) throws -> (plain: TableCPUID, pv: any CPUIDSource) {
        let plain = try Fixture.source(d.environment + ".cpuid")
        let pv: any CPUIDSource = d.context == .pv ? try Fixture.source(d.environment + ".leaves.pv.txt") : FaultingSource()
        return (plain, pv)
    }

    @Test(arguments: domUs)
    func domU(_ d: DomU) throws {
        let sysfs = try Self.values(d.environment + ".sysfs.txt")
        let (plain, pv) = try Self.sources(d)
        let r = try ProbeReport.probe(source: plain, pv: pv, system: try Self.system(d.environment + ".sysfs.txt"))

        // The xl config's type, as the guest's kernel published it; a domU (no control_d).
        #expect(sysfs["/sys/hypervisor/guest_type"] == d.context.rawValue)
        #expect(r.context == d.context && r.contextSource == "sysfs")
        #expect(sysfs["/proc/xen/capabilities"]?.contains("control_d") == false)
        #expect(r.domain == .domU)
        #expect(r.xenView == (d.context == .pv ? .forcedEmulation : .cpuid))

        // The stack in leaf order, and Xen's range at its base.
        #expect(r.hypervisors.map { Layer(name: $0.name, leafBase: $0.leafBase) } == d.stack)
        let xen = try #require(r.xen)
        #expect(xen.range.leafBase == d.xenBase && xen.range.maxLeaf == d.xenBase + 5)

        // The version the kernel read from Xen.
        let major = try #require(sysfs["/sys/hypervisor/version/major"].flatMap { UInt16($0) })
        let minor = try #require(sysfs["/sys/hypervisor/version/minor"].flatMap { UInt16($0) })
        #expect(xen.version == XenVersion(major: major, minor: minor))
        #expect(r.version == XenVersion(major: major, minor: minor))

        // Xen's leaves against Debian's cpuid in the guest: plain CPUID in HVM/PVH, the kernel's
        // /dev/cpu (which Xen answers) in PV.
        let raw = d.context == .pv ? try Fixture.source(d.environment + ".devcpu.cpuid") : plain
        let leaf2 = try raw.cpuid(leaf: d.xenBase + 2, subleaf: 0)
        #expect(xen.hypercall.msrBase == d.msrBase && leaf2.ebx == d.msrBase)
        #expect(xen.hypercall.hypercallPages == leaf2.eax && leaf2.eax >= 1)
        // The PV-only feature (public/arch-x86/cpuid.h XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD), only in PV.
        #expect(xen.hypercall.features1.contains(.mmuPTUpdatePreserveAD) == (d.context == .pv))
        #expect(xen.hypercall.features1.rawValue == leaf2.ecx)
        let leaf4 = try raw.cpuid(leaf: d.xenBase + 4, subleaf: 0)
        if d.context == .pv {
            // No HVM leaf content in PV: no vCPU or domain id (docs/domu.md: domainId null in PV).
            #expect(xen.hvm?.domainID == nil && xen.hvm?.vcpuID == nil)
            let leaf5 = try raw.cpuid(leaf: d.xenBase + 5, subleaf: 0)
            #expect(xen.pv.map { UInt32($0.machineAddressWidth) } == leaf5.ebx & 0xff)
        } else {
            // A domU's id, flagged present, and not 0; its one vCPU is vCPU 0.
            #expect(xen.hvm?.features.isSuperset(of: [.vcpuIDPresent, .domIDPresent]) == true)
            #expect(xen.hvm?.domainID == leaf4.ecx && leaf4.ecx != 0)
            #expect(xen.hvm?.vcpuID == 0)
        }

        // Hyper-V's interface leaf exactly with Viridian (base+1 EAX "Hv#1").
        if d.stack.first?.name == "microsoft" {
            #expect(r.hyperV?.text == "Hv#1")
            #expect(r.hyperV?.interfaceID == (try plain.cpuid(leaf: 0x4000_0001, subleaf: 0)).eax)
        } else {
            #expect(r.hyperV == nil)
        }
        #expect(r.kvm == nil)
    }

    /// The drop-in's line is what Xen's own xen-detect printed in that guest (peers.txt), in the
    /// two dom0s and the four domUs.
    @Test(arguments: ["xen-4.17-pvh-dom0", "xen-4.17-pv-dom0", "xen-4.20-pvh-dom0", "xen-4.20-pv-dom0"] + domUs.map(\.environment))
    func dropInSaysWhatXensToolSaid(environment: String) throws {
        let peers = try Self.values(environment + ".peers.txt")
        let sysfs = try Self.values(environment + ".sysfs.txt")
        let theirs = try #require(peers["xen-detect"])
        let guestType = try #require(sysfs["/sys/hypervisor/guest_type"])
        #expect(theirs.contains(" \(guestType) context"))
        let plain = try Fixture.source(environment + ".cpuid")
        let pv: any CPUIDSource = guestType == "PV" ? try Fixture.source(environment + ".leaves.pv.txt") : FaultingSource()
        let v = try DropInDetection.detect(system: try Self.system(environment + ".sysfs.txt"), plain: plain, pv: pv)
        #expect(v.line == theirs)
        // Offline (no sysfs), CPUID alone cannot tell PVH from HVM: Xen's tool then says HVM.
        let offline = try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: pv)
        #expect(offline.line == theirs.replacingOccurrences(of: "PVH context", with: "HVM context"))
    }

    /// In PV, our forced-emulation listing is Xen's view: the hypervisor leaves Debian's cpuid read
    /// through the kernel's /dev/cpu (which Xen answers for a PV kernel), but for the TSC leaf.
    @Test func pvDomUForcedEmulationViewIsXensView() throws {
        try Self.agree(ours: "xen-4.17-pv-domu.leaves.pv.txt", theirs: "xen-4.17-pv-domu.devcpu.cpuid")
    }
}
