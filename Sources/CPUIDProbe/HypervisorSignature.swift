import XenSystem

/// The first CPUID leaf of the hypervisor range (public/arch-x86/cpuid.h XEN_CPUID_FIRST_LEAF;
/// the range every hypervisor uses, by convention).
public let hypervisorLeafFirst: UInt32 = 0x4000_0000
/// The last base a hypervisor range can start at: bases are 0x100 apart up to 0x4000FF00
/// (tools/misc/xen-detect.c scans `base < 0x40010000`).
public let hypervisorLeafLastBase: UInt32 = 0x4000_FF00
/// Distance between hypervisor range bases.
public let hypervisorLeafStride: UInt32 = 0x100
/// CPUID.1:ECX bit 31: "a hypervisor is present" (reserved for hypervisors, Intel SDM / AMD APM).
public let cpuidLeaf1HypervisorBit: UInt32 = 1 << 31

/// The 12 bytes a hypervisor returns in EBX, ECX, EDX of its range's first leaf.
///
/// Kept as the three registers, so that a scan of 256 bases (and the vendor lookup at each)
/// allocates nothing; `bytes` gives the 12 bytes in the order the registers spell them.
public struct HypervisorSignature: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0–3 of the signature, little-endian (Xen: XEN_CPUID_SIGNATURE_EBX, "XenV").
    public let ebx: UInt32
    /// Bytes 4–7 (Xen: XEN_CPUID_SIGNATURE_ECX, "MMXe").
    public let ecx: UInt32
    /// Bytes 8–11 (Xen: XEN_CPUID_SIGNATURE_EDX, "nVMM").
    public let edx: UInt32

    /// The signature in these three registers, as CPUID returned them.
    public init(ebx: UInt32, ecx: UInt32, edx: UInt32) {
        self.ebx = ebx
        self.ecx = ecx
        self.edx = edx
    }

    /// The signature spelled by `text`, NUL-padded to 12 bytes; nil when it is longer.
    public init?(text: String) {
        var words: (UInt32, UInt32, UInt32) = (0, 0, 0)
        var index = 0
        for byte in text.utf8 {
            guard index < 12 else { return nil }
            let shifted = UInt32(byte) << (UInt32(index % 4) * 8)
            switch index / 4 {
            case 0: words.0 |= shifted
            case 1: words.1 |= shifted
            default: words.2 |= shifted
            }
            index += 1
        }
        self.init(ebx: words.0, ecx: words.1, edx: words.2)
    }

    /// The 12 bytes: EBX, ECX, EDX, each little-endian.
    public var bytes: [UInt8] {
        [ebx, ecx, edx].flatMap { r in (0..<4).map { UInt8(truncatingIfNeeded: r >> ($0 * 8)) } }
    }

    /// The signature as printable text: NULs dropped from the end, other non-printables as `\xNN`.
    public var description: String {
        var end = bytes.count
        while end > 0 && bytes[end - 1] == 0 { end -= 1 }
        var s = ""
        for byte in bytes[0..<end] {
            if byte >= 0x20 && byte < 0x7f { s.unicodeScalars.append(Unicode.Scalar(byte)) }
            else { s += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16) }
        }
        return s
    }

    /// All three registers are zero: no signature at all (no vendor is looked up for it).
    public var isAllZero: Bool { ebx == 0 && ecx == 0 && edx == 0 }

    /// Xen's "XenVMMXenVMM" (public/arch-x86/cpuid.h XEN_CPUID_SIGNATURE_EBX/ECX/EDX).
    public static let xen = HypervisorSignature(ebx: 0x566e_6558, ecx: 0x6558_4d4d, edx: 0x4d4d_566e)
}

/// A hypervisor the signature identifies, with the names systemd-detect-virt uses
/// (src/basic/virt.c) and, for those it lacks, the Linux kernel's (arch/x86/kernel/cpu/).
public enum HypervisorVendor: String, Sendable, CaseIterable {
    /// Xen, "XenVMMXenVMM" (public/arch-x86/cpuid.h).
    case xen
    /// Linux KVM, "KVMKVMKVM" (Linux include/uapi/asm/kvm_para.h), or "Linux KVM Hv" with Hyper-V enlightenments.
    case kvm
    /// QEMU's TCG without KVM, "TCGTCGTCGTCG".
    case qemu
    /// VMware, "VMwareVMware".
    case vmware
    /// Hyper-V, "Microsoft Hv" (Hyper-V TLFS); Xen's Viridian emulation answers it too.
    case microsoft
    /// FreeBSD bhyve, "bhyve bhyve ".
    case bhyve
    /// QNX hypervisor, "QNXQVMBSQG".
    case qnx
    /// Project ACRN, "ACRNACRNACRN".
    case acrn
    /// The SRE hypervisor, "SRESRESRESRE" (systemd's `sre`).
    case sre
    /// Apple's Virtualization framework, "Apple VZ".
    case apple
    /// VirtualBox, "VBoxVBoxVBox" (systemd's name for it is "oracle").
    case oracle
    /// Parallels, "prl hyperv  " or its byte-swapped form.
    case parallels
    /// Jailhouse, "Jailhouse" (Linux arch/x86/include/asm/jailhouse_para.h).
    case jailhouse
    /// NetBSD NVMM, "___ NVMM ___".
    case nvmm
    /// Intel HAXM, "HAXMHAXMHAXM".
    case haxm

    /// Every signature known for each vendor, padded with NULs to 12 bytes.
    public static let table: [(signature: String, vendor: HypervisorVendor)] = [
        ("XenVMMXenVMM", .xen),        // public/arch-x86/cpuid.h
        ("KVMKVMKVM", .kvm),           // linux include/uapi/asm/kvm_para.h KVM_SIGNATURE
        ("Linux KVM Hv", .kvm),        // KVM with Hyper-V enlightenments (systemd virt.c)
        ("TCGTCGTCGTCG", .qemu),       // QEMU without KVM (target/i386/cpu.c)
        ("VMwareVMware", .vmware),
        ("Microsoft Hv", .microsoft),  // Hyper-V TLFS; also Xen's Viridian
        ("bhyve bhyve ", .bhyve),
        ("QNXQVMBSQG", .qnx),
        ("ACRNACRNACRN", .acrn),
        ("SRESRESRESRE", .sre),
        ("Apple VZ", .apple),
        ("VBoxVBoxVBox", .oracle),     // VirtualBox (systemd calls it oracle)
        (" lrpepyh  vr", .parallels),  // Parallels, byte-swapped "prl hyperv"
        ("prl hyperv  ", .parallels),
        ("Jailhouse", .jailhouse),     // linux arch/x86/include/asm/jailhouse_para.h
        ("___ NVMM ___", .nvmm),       // NetBSD NVMM
        ("HAXMHAXMHAXM", .haxm),       // Intel HAXM
    ]

    /// The table as registers. A linear search of 17 three-word compares is cheaper than hashing,
    /// and an exhaustive scan asks 256 times, mostly for all-zero (unused) bases.
    private static let signatures: [(signature: HypervisorSignature, vendor: HypervisorVendor)] =
        table.compactMap { entry in HypervisorSignature(text: entry.signature).map { ($0, entry.vendor) } }

    /// The vendor whose signature this is (any entry of `table`); nil for all zeros or an unknown one.
    public init?(signature: HypervisorSignature) {
        guard !signature.isAllZero,
              let entry = HypervisorVendor.signatures.first(where: { $0.signature == signature }) else { return nil }
        self = entry.vendor
    }
}
