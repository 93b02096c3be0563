import XenSystem

/// KVM's feature leaf, base+1 (Linux include/uapi/asm/kvm_para.h, KVM_CPUID_FEATURES).
public struct KVMFeatureLeaf: Equatable, Sendable {
    /// EAX: KVM_FEATURE_* bits.
    public let features: UInt32
    /// EDX: KVM_HINTS_* bits.
    public let hints: UInt32
    /// Decodes the registers of leaf base+1 of a "KVMKVMKVM" range.
    public init(_ r: CPUIDRegisters) { features = r.eax; hints = r.edx }

    /// Bit numbers of KVM_FEATURE_* (arch/x86/include/uapi/asm/kvm_para.h).
    public static let featureNames: [(bit: UInt32, name: String)] = [
        (0, "clocksource"), (1, "nop_io_delay"), (2, "mmu_op"), (3, "clocksource2"),
        (4, "async_pf"), (5, "steal_time"), (6, "pv_eoi"), (7, "pv_unhalt"),
        (9, "pv_tlb_flush"), (10, "async_pf_vmexit"), (11, "pv_send_ipi"), (12, "poll_control"),
        (13, "pv_sched_yield"), (14, "async_pf_int"), (15, "msi_ext_dest_id"), (16, "hc_map_gpa_range"),
        (17, "migration_control"), (24, "clocksource_stable_bit"),
    ]

    /// The names of the set bits of `features` that `featureNames` knows, in bit order.
    public var featureList: [String] {
        KVMFeatureLeaf.featureNames.filter { features & (1 << $0.bit) != 0 }.map(\.name)
    }
}

/// Hyper-V's interface leaf, base+1 (Hyper-V TLFS): EAX "Hv#1" for the Microsoft interface.
public struct HyperVInterfaceLeaf: Equatable, Sendable {
    /// EAX: the interface signature, `hv1` for the Microsoft hypervisor interface.
    public let interfaceID: UInt32
    /// Decodes the registers of leaf base+1 of a "Microsoft Hv" range.
    public init(_ r: CPUIDRegisters) { interfaceID = r.eax }
    /// "Hv#1" read as a little-endian 32-bit value.
    public static let hv1: UInt32 = 0x3123_7648
    /// The four characters of EAX.
    public var text: String { HypervisorSignature(ebx: interfaceID, ecx: 0, edx: 0).description }
}
