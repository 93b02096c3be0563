import XenInterface

/// The x86_64 guest ABI: gcc -m64 (System V x86-64) rules, natural alignment throughout.
public struct X86_64: DataModel {
    /// The model; it has no parameters.
    public init() {}
    /// `.x86_64`.
    public var architecture: Architecture { .x86_64 }

    /// 1, 2, 4 or 8 bytes: `long`, `unsigned long`, `xen_ulong_t`, `xen_pfn_t`, pointers and guest
    /// handles are 8 bytes (LP64).
    public func size(of scalar: ScalarType) -> Int {
        switch scalar {
        case .char, .uint8, .int8: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .int, .unsignedInt: return 4
        // unsigned long, xen_ulong_t, xen_pfn_t, pointers and guest handles are 8 bytes (LP64).
        case .uint64, .int64, .uint64Aligned, .long, .unsignedLong, .xenUlong, .xenPfn, .guestHandle, .pointer:
            return 8
        }
    }

    /// The size: every scalar is naturally aligned.
    public func alignment(of scalar: ScalarType) -> Int { size(of: scalar) }
}

extension StructDescription {
    /// The x86_64 layout: the offsets and sizes gcc -m64 gives the structure.
    public var layout64: StructLayout { layout(X86_64()) }
}
