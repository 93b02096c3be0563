import XenInterface
import CPUIDProbe
import XenSystem

// The hypercall page Xen writes: 4096 bytes filled with int3 (0xcc), then one 32-byte entry
// per hypercall number, entry i transferring hypercall i. The bytes of each flavor are the
// ones Xen's writers emit (xen.git RELEASE-4.17.7):
//   init_hypercall_page            xen/arch/x86/domain.c    memset(page, 0xcc, PAGE_SIZE), then the flavor
//   vmx_init_hypercall_page        xen/arch/x86/hvm/vmx/vmx.c
//   svm_init_hypercall_page        xen/arch/x86/hvm/svm/svm.c
//   pv_ring3_init_hypercall_page   xen/arch/x86/pv/hypercall.c (64-bit PV, guest kernel in ring 3)
//   pv_ring1_init_hypercall_page   xen/arch/x86/pv/hypercall.c (32-bit PV, guest kernel in ring 1)

/// Which hypercall page Xen wrote: how each entry enters Xen.
public enum HypercallStubFlavor: String, CaseIterable, Sendable {
    /// HVM/PVH on Intel: `mov $i,%eax; vmcall; ret`.
    case vmx
    /// HVM/PVH on AMD: `mov $i,%eax; vmmcall; ret`.
    case svm
    /// 64-bit PV: `push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret`.
    case pv64
    /// 32-bit PV: `mov $i,%eax; int $0x82; ret`.
    case pv32

    /// True for the flavors of an HVM or PVH guest.
    public var isHVM: Bool { self == .vmx || self == .svm }
}

/// The byte sequences of hypercall-page entries. An ordinary entry is `prefix`, the hypercall
/// number as a little-endian imm32, then `suffix`; the `__HYPERVISOR_iret` entry has its own
/// fixed sequence. Everything after the sequence up to 32 bytes is the page's 0xcc fill.
public enum HypercallStub {
    /// Each entry's size: xen/arch/x86/... `for ( i = 0; i < (PAGE_SIZE / 32); i++, p += 32 )`.
    public static let entrySize = 32
    /// Entries per page.
    public static let entryCount = XEN_PAGE_SIZE / entrySize
    /// domain.c init_hypercall_page: the page is memset to 0xcc (int3) before the entries are written.
    public static let fill: UInt8 = 0xcc

    // Instruction bytes (Intel SDM / AMD APM encodings, as the Xen writers spell them).
    static let movImm32ToEAX: UInt8 = 0xb8     // mov $imm32, %eax
    static let vmcall: [UInt8] = [0x0f, 0x01, 0xc1]
    static let vmmcall: [UInt8] = [0x0f, 0x01, 0xd9]
    static let ret: UInt8 = 0xc3
    static let ud2: [UInt8] = [0x0f, 0x0b]
    static let pushRCX: UInt8 = 0x51
    static let pushR11: [UInt8] = [0x41, 0x53]
    static let pushRAX: UInt8 = 0x50           // push %rax, and push %eax in 32-bit code
    static let syscall: [UInt8] = [0x0f, 0x05]
    static let popR11: [UInt8] = [0x41, 0x5b]
    static let popRCX: UInt8 = 0x59
    static let int82: [UInt8] = [0xcd, HYPERCALL_VECTOR]  // int $HYPERCALL_VECTOR

    /// The bytes before the imm32 of an ordinary entry.
    public static func prefix(_ flavor: HypercallStubFlavor) -> [UInt8] {
        switch flavor {
        case .vmx, .svm, .pv32: return [movImm32ToEAX]
        case .pv64: return [pushRCX] + pushR11 + [movImm32ToEAX]
        }
    }

    /// The bytes after the imm32 of an ordinary entry.
    public static func suffix(_ flavor: HypercallStubFlavor) -> [UInt8] {
        switch flavor {
        case .vmx: return vmcall + [ret]
        case .svm: return vmmcall + [ret]
        case .pv64: return syscall + popR11 + [popRCX, ret]
        case .pv32: return int82 + [ret]
        }
    }

    /// The `__HYPERVISOR_iret` entry: ud2 in HVM ("HYPERVISOR_iret isn't supported"); in PV a
    /// sequence guests jump to (it does not return): push the registers, load the number, enter.
    public static func iretSequence(_ flavor: HypercallStubFlavor) -> [UInt8] {
        let number = LittleEndian.bytes(HypercallNumber.iret.rawValue)
        switch flavor {
        case .vmx, .svm: return ud2
        case .pv64: return [pushRCX] + pushR11 + [pushRAX, movImm32ToEAX] + number + syscall
        case .pv32: return [pushRAX, movImm32ToEAX] + number + int82
        }
    }

    /// The code of entry `index` without its fill.
    public static func code(_ flavor: HypercallStubFlavor, index: Int) -> [UInt8] {
        if index == Int(HypercallNumber.iret.rawValue) { return iretSequence(flavor) }
        return prefix(flavor) + LittleEndian.bytes(UInt32(truncatingIfNeeded: index)) + suffix(flavor)
    }

    /// Entry `index` as Xen writes it: its code, then 0xcc up to 32 bytes.
    public static func entry(_ flavor: HypercallStubFlavor, index: Int) -> [UInt8] {
        let bytes = code(flavor, index: index)
        return bytes + [UInt8](repeating: fill, count: entrySize - bytes.count)
    }

    /// The whole page Xen writes for `flavor`.
    public static func expectedPage(_ flavor: HypercallStubFlavor) -> [UInt8] {
        var page: [UInt8] = []
        page.reserveCapacity(XEN_PAGE_SIZE)
        for i in 0..<entryCount { page += entry(flavor, index: i) }
        return page
    }
}

extension HypercallStubFlavor {
    /// The flavor Xen writes for a guest: HVM/PVH take the CPU vendor's instruction (Xen's
    /// hvm_funcs are vmx on Intel-like CPUs, svm on AMD-like ones); a 64-bit PV kernel takes pv64.
    /// nil when the vendor is unknown or the context is.
    public static func expected(cpuVendor: String, context: XenGuestContext?) -> HypercallStubFlavor? {
        switch context {
        case .pv: return .pv64
        case .hvm, .pvh:
            switch cpuVendor {
            case "GenuineIntel", "CentaurHauls", "  Shanghai  ": return .vmx
            case "AuthenticAMD", "HygonGenuine": return .svm
            default: return nil
            }
        case nil: return nil
        }
    }
}
