import CPUIDProbe
import Fleet
import Testing
import XenSystem

/// The vocabularies of every recorded environment, computed from its one decision. Expected values
/// are the peers' documented rules applied to what the stage booted (docs/tested-environments.md).
@Suite struct VocabulariesTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        let environment: String
        let context: XenGuestContext?
        let domain: XenDomainRole?
        let stack: [String]
        let systemd: String
        let facterVirtual: String?
        let facterContext: String?
        let privileged: Bool?
        let ansibleRole: String?
        let techGuest: [String]?
        let techHost: [String]?
        var testDescription: String { environment }
    }

    /// Live: recorded plain CPUID, the recorded forced-emulation view (PV) and recorded sysfs.
    /// The same rows on Xen 4.17 and 4.20: what the rules read (guest_type, control_d, the CPUID
    /// signatures and their leaf order) is the same on both releases' recordings.
    static let live: [Expected] = ["4.17", "4.20"].flatMap { release in [
        // systemd: dom0 is no VM; plain CPUID at 0x40000000 names the layer below (QEMU's TCG).
        Expected(environment: "xen-\(release)-pv-dom0", context: .pv, domain: .dom0, stack: ["xen", "qemu"], systemd: "qemu",
                 facterVirtual: "xen0", facterContext: "pv", privileged: true, ansibleRole: "host",
                 techGuest: ["kvm"], techHost: ["xen"]),
        // PVH dom0: no layer below is visible (plain CPUID is Xen's own), so "none"; systemd prints "xen".
        Expected(environment: "xen-\(release)-pvh-dom0", context: .pvh, domain: .dom0, stack: ["xen"], systemd: "none",
                 facterVirtual: "xen0", facterContext: "pvh", privileged: true, ansibleRole: "host",
                 techGuest: [], techHost: ["xen"]),
        Expected(environment: "xen-\(release)-pvh-domu", context: .pvh, domain: .domU, stack: ["xen"], systemd: "xen",
                 facterVirtual: "xenu", facterContext: "pvh", privileged: false, ansibleRole: "guest",
                 techGuest: ["xen"], techHost: []),
        Expected(environment: "xen-\(release)-pv-domu", context: .pv, domain: .domU, stack: ["xen", "qemu"], systemd: "xen",
                 facterVirtual: "xenu", facterContext: "pv", privileged: false, ansibleRole: "guest",
                 techGuest: ["xen", "kvm"], techHost: []),
        Expected(environment: "xen-\(release)-hvm-domu", context: .hvm, domain: .domU, stack: ["xen"], systemd: "xen",
                 facterVirtual: "xenhvm", facterContext: "hvm", privileged: false, ansibleRole: "guest",
                 techGuest: ["xen"], techHost: []),
        // Viridian: Hyper-V's interface is Xen's own (not a layer below).
        Expected(environment: "xen-\(release)-hvm-viridian-domu", context: .hvm, domain: .domU, stack: ["microsoft", "xen"],
                 systemd: "xen", facterVirtual: "xenhvm", facterContext: "hvm", privileged: false, ansibleRole: "guest",
                 techGuest: ["xen"], techHost: []),
    ] + ["hvm-pvio-domu", "hvm-emulated-domu"].map { io in
        // The I/O domUs: HVM domUs with a disk, PV or emulated (docs/domu.md); the rules read no
        // device, so they are hvm-domu's row.
        Expected(environment: "xen-\(release)-\(io)", context: .hvm, domain: .domU, stack: ["xen"], systemd: "xen",
                 facterVirtual: "xenhvm", facterContext: "hvm", privileged: false, ansibleRole: "guest",
                 techGuest: ["xen"], techHost: [])
    } }

    @Test(arguments: live)
    func liveEnvironment(_ e: Expected) throws {
        let report = try Recorded.live(e.environment)
        try check(report, e)
    }

    /// Offline (`--source dump:FILE`): no sysfs, so CPUID alone tells. HVM and PVH are both "HVM";
    /// the domain comes from the CPUID domain id (HVM/PVH only); a PV dump has none.
    static let offline: [Expected] = [
        Expected(environment: "xen-4.17-pv-dom0.leaves.pv.txt", context: .pv, domain: nil, stack: ["xen"], systemd: "xen",
                 facterVirtual: nil, facterContext: "pv", privileged: nil, ansibleRole: nil, techGuest: nil, techHost: nil),
        Expected(environment: "xen-4.17-pvh-domu.cpuid", context: .hvm, domain: .domU, stack: ["xen"], systemd: "xen",
                 facterVirtual: "xenhvm", facterContext: "hvm", privileged: false, ansibleRole: "guest",
                 techGuest: ["xen"], techHost: []),
        Expected(environment: "xen-4.17-pvh-dom0.cpuid", context: .hvm, domain: .dom0, stack: ["xen"], systemd: "none",
                 facterVirtual: "xen0", facterContext: "hvm", privileged: true, ansibleRole: "host",
                 techGuest: [], techHost: ["xen"]),
        Expected(environment: "xen-4.17-hvm-viridian-domu.cpuid", context: .hvm, domain: .domU, stack: ["microsoft", "xen"],
                 systemd: "xen", facterVirtual: "xenhvm", facterContext: "hvm", privileged: false, ansibleRole: "guest",
                 techGuest: ["xen"], techHost: []),
        // Not Xen: the PV dom0's plain CPUID shows QEMU's TCG only.
        Expected(environment: "xen-4.17-pv-dom0.cpuid", context: nil, domain: nil, stack: ["qemu"], systemd: "qemu",
                 facterVirtual: nil, facterContext: nil, privileged: nil, ansibleRole: "guest", techGuest: ["kvm"], techHost: []),
        Expected(environment: "kvm-epyc-host.cpuid", context: nil, domain: nil, stack: ["kvm"], systemd: "kvm",
                 facterVirtual: nil, facterContext: nil, privileged: nil, ansibleRole: "guest", techGuest: ["kvm"], techHost: []),
    ]

    @Test(arguments: offline)
    func offlineDump(_ e: Expected) throws {
        try check(try Recorded.offline(e.environment), e)
    }

    func check(_ report: ProbeReport, _ e: Expected) throws {
        #expect(report.context == e.context)
        #expect(report.domain == e.domain)
        #expect(report.hypervisors.map(\.name) == e.stack)
        let v = report.vocabularies
        #expect(v.systemd == e.systemd)
        #expect(v.facterVirtual == e.facterVirtual)
        #expect(v.facterXen?.context == e.facterContext)
        #expect(v.facterXen?.privileged == e.privileged)
        #expect(v.ansibleType == (report.xenDetected ? "xen" : "kvm"))
        #expect(v.ansibleRole == e.ansibleRole)
        #expect(v.ansibleTechGuest == e.techGuest)
        #expect(v.ansibleTechHost == e.techHost)
    }

    /// No hypervisor at all: systemd "none", Ansible "NA".
    @Test func noHypervisor() throws {
        let table = TableCPUID(entries: [TableCPUID.Key(leaf: 1, subleaf: 0): CPUIDRegisters(eax: 0x663, ebx: 0, ecx: 0, edx: 0)])
        let v = try ProbeReport.probe(source: table as any CPUIDSource, pv: nil, system: nil).vocabularies
        #expect(v.systemd == "none")
        #expect(v.ansibleType == "NA" && v.ansibleRole == "NA")
        #expect(v.ansibleTechGuest == [] && v.facterVirtual == nil && v.facterXen == nil)
    }

    @Test(arguments: [(HypervisorVendor.qemu, "kvm"), (.microsoft, "VirtualPC"), (.vmware, "VMware"), (.oracle, "virtualbox"),
                      (.xen, "xen"), (.acrn, "acrn")])
    func ansibleNames(vendor: HypervisorVendor, name: String) {
        #expect(Vocabularies.ansibleName(vendor) == name)
    }
}
