import XenSystem

// Xen's CPUID leaves, decoded per public/arch-x86/cpuid.h (Xen 4.17). Each decoder is a pure
// function of the registers; `XenLeaves.read` fetches the leaves the range's max leaf covers.

/// Leaf base+1: the Xen version.
public struct XenVersion: Equatable, Sendable, Comparable, CustomStringConvertible {
    /// EAX[31:16], the major version (4 for Xen 4.17).
    public let major: UInt16
    /// EAX[15:0], the minor version (17 for Xen 4.17).
    public let minor: UInt16
    /// The version `major`.`minor`.
    public init(major: UInt16, minor: UInt16) { self.major = major; self.minor = minor }
    /// EAX[31:16] major, EAX[15:0] minor.
    public init(eax: UInt32) { self.init(major: UInt16(eax >> 16), minor: UInt16(eax & 0xffff)) }
    /// "major.minor", as in "4.17".
    public var description: String { "\(major).\(minor)" }
    /// Major first, then minor: 4.9 < 4.17.
    public static func < (a: XenVersion, b: XenVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
}

/// Leaf base+2 ECX, "Features 1".
public struct XenFeatures1: OptionSet, Sendable, Hashable {
    /// ECX as read; Xen sets unused bits to zero.
    public let rawValue: UInt32
    /// The flags in `rawValue`, undefined bits kept.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD: the host supports MMU_PT_UPDATE_PRESERVE_AD
    /// for this guest. PV-only, so it tells a PV guest on CPUID-faulting hardware from an HVM one.
    public static let mmuPTUpdatePreserveAD = XenFeatures1(rawValue: 1 << 0)
}

/// Leaf base+2: hypercall transfer pages and the MSR base.
public struct XenHypercallLeaf: Equatable, Sendable {
    /// EAX: number of hypercall transfer pages (always at least one).
    public let hypercallPages: UInt32
    /// EBX: base of Xen's MSRs; writing a page's address to it installs the hypercall page.
    public let msrBase: UInt32
    /// ECX: "Features 1".
    public let features1: XenFeatures1
    /// EDX: "Features 2" (no bits defined in 4.17).
    public let features2: UInt32
    /// Decodes leaf base+2's registers.
    public init(_ r: CPUIDRegisters) {
        hypercallPages = r.eax
        msrBase = r.ebx
        features1 = XenFeatures1(rawValue: r.ecx)
        features2 = r.edx
    }
}

/// Leaf base+3: TSC, sub-leaves 0–2.
public struct XenTSCLeaf: Equatable, Sendable {
    /// Sub-leaf 0 EAX bits.
    public struct Flags: OptionSet, Sendable, Hashable {
        /// Sub-leaf 0 EAX as read.
        public let rawValue: UInt32
        /// The flags in `rawValue`, undefined bits kept.
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Bit 0: the guest's TSC is emulated.
        public static let emulated = Flags(rawValue: 1 << 0)
        /// Bit 1: the host TSC is known to be reliable.
        public static let hostReliable = Flags(rawValue: 1 << 1)
        /// Bit 2: the RDTSCP instruction is available.
        public static let rdtscp = Flags(rawValue: 1 << 2)
    }
    /// Sub-leaf 0 EBX: tsc_mode.
    public enum Mode: UInt32, Sendable {
        /// 0: emulate the TSC only when necessary.
        case `default` = 0
        /// 1: always emulate.
        case alwaysEmulate = 1
        /// 2: never emulate.
        case neverEmulate = 2
        /// 3: never emulate, with TSC_AUX support.
        case neverEmulateWithTSCAux = 3
    }
    /// Sub-leaf 0 EAX.
    public let flags: Flags
    /// nil when EBX holds a value public/arch-x86/cpuid.h does not define.
    public let mode: Mode?
    /// Sub-leaf 0 EBX as read, defined or not.
    public let rawMode: UInt32
    /// Sub-leaf 0 ECX: guest TSC frequency in kHz.
    public let guestKHz: UInt32
    /// Sub-leaf 0 EDX: guest TSC incarnation (migration count).
    public let incarnation: UInt32
    /// Sub-leaf 1 EAX/EBX: TSC offset.
    public let offset: UInt64
    /// Sub-leaf 1 ECX: the multiplier of the tsc→ns conversion.
    public let mul: UInt32
    /// Sub-leaf 1 EDX: the shift of the tsc→ns conversion, read as signed.
    public let shift: Int32
    /// Sub-leaf 2 EAX: host TSC frequency in kHz.
    public let hostKHz: UInt32

    /// Decodes the registers of sub-leaves 0, 1 and 2.
    public init(sub0: CPUIDRegisters, sub1: CPUIDRegisters, sub2: CPUIDRegisters) {
        flags = Flags(rawValue: sub0.eax)
        rawMode = sub0.ebx
        mode = Mode(rawValue: sub0.ebx)
        guestKHz = sub0.ecx
        incarnation = sub0.edx
        offset = UInt64(sub1.eax) | UInt64(sub1.ebx) << 32
        mul = sub1.ecx
        shift = Int32(bitPattern: sub1.edx)
        hostKHz = sub2.eax
    }
}

/// Leaf base+4: HVM-specific features, with vcpu id and domain id when flagged present.
public struct XenHVMLeaf: Equatable, Sendable {
    /// Sub-leaf 0 EAX: the XEN_HVM_CPUID_* bits.
    public struct Features: OptionSet, Sendable, Hashable {
        /// EAX as read.
        public let rawValue: UInt32
        /// The flags in `rawValue`, undefined bits kept.
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// XEN_HVM_CPUID_APIC_ACCESS_VIRT: APIC register accesses are virtualised.
        public static let apicAccessVirt = Features(rawValue: 1 << 0)
        /// XEN_HVM_CPUID_X2APIC_VIRT: x2APIC accesses are virtualised.
        public static let x2apicVirt = Features(rawValue: 1 << 1)
        /// XEN_HVM_CPUID_IOMMU_MAPPINGS: memory mapped from other domains has valid IOMMU entries.
        public static let iommuMappings = Features(rawValue: 1 << 2)
        /// XEN_HVM_CPUID_VCPU_ID_PRESENT: EBX holds the vcpu id.
        public static let vcpuIDPresent = Features(rawValue: 1 << 3)
        /// XEN_HVM_CPUID_DOMID_PRESENT: ECX holds the domain id.
        public static let domIDPresent = Features(rawValue: 1 << 4)
        /// XEN_HVM_CPUID_EXT_DEST_ID: 15-bit destination ids in IO-APIC RTEs and MSI addresses.
        public static let extDestID = Features(rawValue: 1 << 5)
        /// XEN_HVM_CPUID_UPCALL_VECTOR: per-vCPU upcall vectors work with physical IRQs.
        public static let upcallVector = Features(rawValue: 1 << 6)

        /// Each flag with its name in `--json`'s `xen.hvm.flags` and the text report, in bit order.
        public static let names: [(Features, String)] = [
            (.apicAccessVirt, "apicAccessVirt"), (.x2apicVirt, "x2apicVirt"),
            (.iommuMappings, "iommuMappings"), (.vcpuIDPresent, "vcpuIdPresent"),
            (.domIDPresent, "domidPresent"), (.extDestID, "extDestId"), (.upcallVector, "upcallVector"),
        ]
    }
    /// EAX: the features Xen offers, and whether EBX and ECX hold the ids below.
    public let features: Features
    /// EBX, this vCPU's id; nil unless `vcpuIDPresent`.
    public let vcpuID: UInt32?
    /// ECX, this domain's id (0 for dom0); nil unless `domIDPresent`.
    public let domainID: UInt32?
    /// Decodes leaf base+4's sub-leaf 0.
    public init(_ r: CPUIDRegisters) {
        features = Features(rawValue: r.eax)
        vcpuID = features.contains(.vcpuIDPresent) ? r.ebx : nil
        domainID = features.contains(.domIDPresent) ? r.ecx : nil
    }
}

/// Leaf base+5: PV-specific parameters.
public struct XenPVLeaf: Equatable, Sendable {
    /// EAX: the highest sub-leaf.
    public let maxSubleaf: UInt32
    /// EBX[7:0] (XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK): machine address width in bits.
    public let machineAddressWidth: UInt8
    /// Decodes leaf base+5's sub-leaf 0.
    public init(_ r: CPUIDRegisters) {
        maxSubleaf = r.eax
        machineAddressWidth = UInt8(r.ebx & 0xff)
    }
}

/// All of Xen's leaves that its range reports.
public struct XenLeaves: Equatable, Sendable {
    /// Xen's range: its base and max leaf.
    public let range: HypervisorRange
    /// Leaf base+1.
    public let version: XenVersion
    /// Leaf base+2.
    public let hypercall: XenHypercallLeaf
    /// Leaf base+3; nil when the max leaf stops below it.
    public let tsc: XenTSCLeaf?
    /// Leaf base+4; nil when the max leaf stops below it.
    public let hvm: XenHVMLeaf?
    /// Leaf base+5; nil when the max leaf stops below it.
    public let pv: XenPVLeaf?

    /// Offsets from the base (public/arch-x86/cpuid.h: "Leaf 2" is base+1, and so on).
    /// `versionLeaf` is "Leaf 2", the version.
    public static let versionLeaf: UInt32 = 1
    /// "Leaf 3": hypercall pages, MSR base, features.
    public static let hypercallLeaf: UInt32 = 2
    /// "Leaf 4": TSC, sub-leaves 0–2.
    public static let tscLeaf: UInt32 = 3
    /// "Leaf 5": HVM-specific features.
    public static let hvmLeaf: UInt32 = 4
    /// "Leaf 6": PV-specific parameters.
    public static let pvLeaf: UInt32 = 5

    /// Reads base+1 and base+2 always (Xen guarantees them), and base+3..base+5 as far as the
    /// range's max leaf reaches.
    public static func read(_ source: any CPUIDSource, range: HypervisorRange) throws(CPUIDSourceError) -> XenLeaves {
        let base = range.leafBase
        func has(_ offset: UInt32) -> Bool { range.maxLeaf >= base &+ offset }
        let version = XenVersion(eax: try source.cpuid(leaf: base + versionLeaf, subleaf: 0).eax)
        let hypercall = XenHypercallLeaf(try source.cpuid(leaf: base + hypercallLeaf, subleaf: 0))
        var tsc: XenTSCLeaf? = nil
        if has(tscLeaf) {
            tsc = XenTSCLeaf(sub0: try source.cpuid(leaf: base + tscLeaf, subleaf: 0),
                             sub1: try source.cpuid(leaf: base + tscLeaf, subleaf: 1),
                             sub2: try source.cpuid(leaf: base + tscLeaf, subleaf: 2))
        }
        let hvm = has(hvmLeaf) ? XenHVMLeaf(try source.cpuid(leaf: base + hvmLeaf, subleaf: 0)) : nil
        let pv = has(pvLeaf) ? XenPVLeaf(try source.cpuid(leaf: base + pvLeaf, subleaf: 0)) : nil
        return XenLeaves(range: range, version: version, hypercall: hypercall, tsc: tsc, hvm: hvm, pv: pv)
    }
}
