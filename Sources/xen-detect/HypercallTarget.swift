import HypercallPage
import XenSystem

/// Fills the installer's `InstallTarget` from CPUID. Interim glue until CPUIDProbe's Xen
/// detection lands in main; then this file maps that detection instead.
enum HypercallTarget {
    /// public/arch-x86/cpuid.h: "XenVMMXenVMM" in EBX, ECX, EDX of the base leaf.
    static let signature: (UInt32, UInt32, UInt32) = (0x566e6558, 0x65584d4d, 0x4d4d566e)
    /// tools/misc/xen-detect.c scans base leaves 0x40000000 ... 0x4000ff00 in steps of 0x100.
    static let leafStep: UInt32 = 0x100
    static let leafLimit: UInt32 = 0x40010000
    /// Leaf base + 2: EAX hypercall pages, EBX the MSR base (public/arch-x86/cpuid.h).
    static let msrLeafOffset: UInt32 = 2

    static func find(_ cpuid: (UInt32) -> CPUIDRegisters?) -> UInt32? {
        var leaf = XEN_CPUID_FIRST_LEAF
        while leaf < leafLimit {
            if let r = cpuid(leaf), (r.ebx, r.ecx, r.edx) == signature, r.eax >= leaf + msrLeafOffset { return leaf }
            leaf += leafStep
        }
        return nil
    }

    /// CPUID leaf 0's vendor string.
    static func vendor() -> String {
        let r = Processor.cpuid(leaf: 0, subleaf: 0)
        let bytes = [r.ebx, r.edx, r.ecx].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func detect(system: any SystemCalls) -> InstallTarget {
        var context: GuestContext? = nil
        var base = find { Processor.cpuid(leaf: $0, subleaf: 0) }
        var read: (UInt32) -> CPUIDRegisters? = { Processor.cpuid(leaf: $0, subleaf: 0) }
        if base != nil {
            // HVM or PVH: the kernel says which (drivers/xen/sys-hypervisor.c guest_type).
            context = system.readLine("/sys/hypervisor/guest_type") == "PVH" ? .pvh : .hvm
        } else if let pvBase = find({ Processor.forcedEmulationCPUID(leaf: $0, subleaf: 0) }) {
            // Xen's leaves behind the forced-emulation prefix only: a PV guest.
            base = pvBase
            context = .pv
            read = { Processor.forcedEmulationCPUID(leaf: $0, subleaf: 0) }
        }
        guard let base else {
            return InstallTarget(xenDetected: false, context: nil, leafBase: 0, hypercallMSR: 0, expectedFlavor: nil)
        }
        let msr = read(base + msrLeafOffset)?.ebx ?? 0
        return InstallTarget(xenDetected: true, context: context, leafBase: base, hypercallMSR: msr,
                             expectedFlavor: HypercallStubFlavor.expected(cpuVendor: vendor(), context: context))
    }
}
