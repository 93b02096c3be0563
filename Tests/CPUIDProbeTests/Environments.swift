import CPUIDProbe
import XenSystem
import XenSystemTesting

/// CPUID tables for environments, built from the facts of public/arch-x86/cpuid.h and the values
/// seen in Xen 4.17 under QEMU (issue 4): used where a recorded fixture does not exist yet.
enum Tables {
    static let leaf1Hypervisor = CPUIDRegisters(eax: 0x663, ebx: 0, ecx: 0x8000_0000, edx: 0)

    /// Xen's six leaves at `base`, as a PVH/HVM guest sees them.
    static func xen(base: UInt32 = 0x4000_0000, msr: UInt32 = 0x4000_0000, features1: UInt32 = 0,
                    hvmFeatures: UInt32 = 0x18, domid: UInt32 = 0) -> [TableCPUID.Key: CPUIDRegisters] {
        [
            key(base): signatureRegisters("XenVMMXenVMM", eax: base + 5),
            key(base + 1): CPUIDRegisters(eax: 0x0004_0011, ebx: 0, ecx: 0, edx: 0),
            key(base + 2): CPUIDRegisters(eax: 1, ebx: msr, ecx: features1, edx: 0),
            key(base + 3): CPUIDRegisters(eax: 0, ebx: 0, ecx: 1_000_000, edx: 0),
            key(base + 4): CPUIDRegisters(eax: hvmFeatures, ebx: 0, ecx: domid, edx: 0),
            key(base + 5): CPUIDRegisters(eax: 0, ebx: 44, ecx: 0, edx: 0),
        ]
    }

    static let tcg: [TableCPUID.Key: CPUIDRegisters] = [
        key(1): leaf1Hypervisor,
        key(0x4000_0000): signatureRegisters("TCGTCGTCGTCG", eax: 0x4000_0001),
    ]

    static func hvm(_ extra: [TableCPUID.Key: CPUIDRegisters] = [:]) -> TableCPUID {
        TableCPUID(entries: xen().merging([key(1): leaf1Hypervisor]) { a, _ in a }.merging(extra) { _, b in b })
    }
}

/// A source that must not be used: counts what it is asked.
final class UntouchedSource: CPUIDSource {
    var asked = 0
    var name: String { "untouched" }
    func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters {
        asked += 1
        return .zero
    }
}

/// The forced-emulation source outside PV: always faults.
struct FaultingSource: CPUIDSource {
    var name: String { "pv" }
    func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters { throw .notPVContext }
}

extension RecordingSystem {
    /// /sys/hypervisor as Linux 6.1 publishes it in a Xen guest.
    static func xenSysfs(guestType: String?, major: String? = "4", minor: String? = "17", extra: String? = ".7",
                         capabilities: String? = "control_d\n") -> RecordingSystem {
        let s = RecordingSystem()
        s.directories.insert("/sys/hypervisor")
        s.addFile("/sys/hypervisor/type", "xen\n")
        if let guestType { s.addFile("/sys/hypervisor/guest_type", guestType + "\n") }
        if let major { s.addFile("/sys/hypervisor/version/major", major + "\n") }
        if let minor { s.addFile("/sys/hypervisor/version/minor", minor + "\n") }
        if let extra { s.addFile("/sys/hypervisor/version/extra", extra + "\n") }
        if let capabilities { s.addFile("/proc/xen/capabilities", capabilities) }
        return s
    }
}
