import CXenShim

/// The four registers one CPUID execution returns.
public struct CPUIDRegisters: Hashable, Sendable {
    /// EAX after CPUID (at a hypervisor base leaf, 0x4000_0000 + 0x100 * n: its largest leaf).
    public var eax: UInt32
    /// EBX after CPUID (at a hypervisor base leaf: signature bytes 0-3, "XenV" for Xen).
    public var ebx: UInt32
    /// ECX after CPUID (at a hypervisor base leaf: signature bytes 4-7, "MMXe").
    public var ecx: UInt32
    /// EDX after CPUID (at a hypervisor base leaf: signature bytes 8-11, "nVMM").
    public var edx: UInt32
    /// The four registers as CPUID (or a recording of it) returned them.
    public init(eax: UInt32, ebx: UInt32, ecx: UInt32, edx: UInt32) {
        self.eax = eax; self.ebx = ebx; self.ecx = ecx; self.edx = edx
    }
    /// All four registers zero: what a table of recorded leaves answers for a leaf it lacks.
    public static let zero = CPUIDRegisters(eax: 0, ebx: 0, ecx: 0, edx: 0)
}

/// The CPUID instruction on the processor this code runs on.
public enum Processor {
    /// Plain CPUID (traps to the hypervisor in any guest).
    public static func cpuid(leaf: UInt32, subleaf: UInt32) -> CPUIDRegisters {
        var r = xd_cpuid_regs()
        unsafe xd_cpuid(leaf, subleaf, &r)
        return CPUIDRegisters(eax: r.eax, ebx: r.ebx, ecx: r.ecx, edx: r.edx)
    }

    /// CPUID behind Xen's forced-emulation prefix (public/arch-x86/xen.h XEN_CPUID):
    /// nil when it faulted, which it does everywhere but in a Xen PV guest.
    public static func forcedEmulationCPUID(leaf: UInt32, subleaf: UInt32) -> CPUIDRegisters? {
        var r = xd_cpuid_regs()
        guard unsafe xd_cpuid_forced(leaf, subleaf, &r) == 0 else { return nil }
        return CPUIDRegisters(eax: r.eax, ebx: r.ebx, ecx: r.ecx, edx: r.edx)
    }
}
