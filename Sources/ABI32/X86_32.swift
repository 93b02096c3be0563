import XenInterface

/// The x86_32 (i386 PAE) guest ABI: gcc -m32 (System V i386) rules, as public/arch-x86/xen-x86_32.h uses them.
public struct X86_32: DataModel {
    /// The model; it has no parameters.
    public init() {}
    /// `.x86_32`.
    public var architecture: Architecture { .x86_32 }

    /// 1, 2, 4 or 8 bytes: `long`, `unsigned long`, `xen_ulong_t`, `xen_pfn_t`, pointers and guest
    /// handles are 4 bytes (ILP32).
    public func size(of scalar: ScalarType) -> Int {
        switch scalar {
        case .char, .uint8, .int8: return 1
        case .uint16, .int16: return 2
        // unsigned long, xen_ulong_t and xen_pfn_t are unsigned long (public/arch-x86/xen.h);
        // guest handles hold one pointer (`typedef struct { type *p; }`): all 4 bytes on i386.
        case .uint32, .int32, .int, .unsignedInt, .long, .unsignedLong, .xenUlong, .xenPfn, .guestHandle, .pointer:
            return 4
        case .uint64, .int64, .uint64Aligned: return 8
        }
    }

    /// The size, except 4 for `uint64_t` and `int64_t` (8 for `uint64_aligned_t`).
    public func alignment(of scalar: ScalarType) -> Int {
        switch scalar {
        // The i386 System V ABI aligns 8-byte integers to 4 inside structures; uint64_aligned_t
        // forces 8 (__attribute__((aligned(8))), public/arch-x86/xen-x86_32.h).
        case .uint64, .int64: return 4
        default: return size(of: scalar)
        }
    }
}

extension StructDescription {
    /// The x86_32 layout: the offsets and sizes gcc -m32 gives the structure.
    public var layout32: StructLayout { layout(X86_32()) }
}
