import XenInterface

/// An array behind a guest handle whose elements are laid out differently in the two ABIs.
///
/// Translating a structure translates its handles as addresses; the arrays they point at are
/// copied by Xen's compat layer element by element, widening each 32-bit `compat_pfn_t` or
/// `compat_ulong_t` the guest wrote and narrowing each native value Xen writes back (the
/// `XLAT_*_HNDL_*` hooks of common/compat/memory.c and common/compat/grant_table.c). Arrays of
/// types both ABIs lay out alike (`int` errs, `evtchn_port_t` ports, `uint64_t` frame lists)
/// need no translation and are not listed; XenCompatTests prove both against the headers.
public struct CompatHandleArray: Sendable {
    /// Which way a 32-bit guest's array crosses the compat layer.
    public enum Direction: String, Sendable {
        /// The guest writes it, Xen reads it (widened on the way in).
        case toXen = "in"
        /// Xen writes it (narrowed on the way out).
        case fromXen = "out"
        /// Either, depending on the sub-op or the guest's paging mode.
        case both = "in/out"
    }

    /// The structure holding the handle (C tag).
    public let structure: String
    /// The handle's member path in that structure.
    public let handle: String
    /// The member giving the number of elements.
    public let count: String
    /// The element type (`XEN_GUEST_HANDLE(T)`'s T).
    public let element: ScalarType
    public let direction: Direction
    /// What Xen does with a native element the 32-bit guest's element cannot hold.
    public let xenOnOverflow: String
    /// Where Xen translates the array (xen/ source path).
    public let translatedBy: String

    /// `structure.handle`, the name the CLI takes.
    public var name: String { "\(structure).\(handle)" }

    /// A one-member structure of the element type: the element's translation plan (4 → 8 bytes
    /// and back), which runs a whole array as one flat batch.
    let translator: CompatTranslator

    init(_ structure: String, _ handle: String, count: String, element: ScalarType, _ direction: Direction,
         xen: String, in file: String) {
        self.structure = structure
        self.handle = handle
        self.count = count
        self.element = element
        self.direction = direction
        self.xenOnOverflow = xen
        self.translatedBy = file
        let description = StructDescription(element.rawValue, "arch-x86/xen.h", [Field("value", .scalar(element))])
        // A one-scalar structure always has a plan: both layouts hold the member.
        self.translator = try! CompatTranslator(description)
    }

    /// Bytes of one element in the 32-bit guest's and in the native layout.
    public var compatElementSize: Int { translator.compat.size }
    public var nativeElementSize: Int { translator.native.size }

    /// The guest's 32-bit elements, widened to native ones (never fails on whole elements).
    public func toNative(_ bytes: [UInt8]) throws(ABIError) -> [UInt8] {
        try translator.toNative(batch: bytes, count: try elements(bytes, compatElementSize))
    }

    /// Native elements narrowed to the guest's 32-bit ones. The first element that does not fit
    /// fails the whole array, naming its index and what Xen does in that case; nothing is truncated.
    public func toCompat(_ bytes: [UInt8]) throws(ABIError) -> [UInt8] {
        let count = try elements(bytes, nativeElementSize)
        do {
            return try translator.toCompat(batch: bytes, count: count)
        } catch {
            // The batch reports the value; find its index (error path only).
            for index in 0..<count {
                let start = index * nativeElementSize
                if (try? translator.toCompat(Array(bytes[start..<(start + nativeElementSize)]))) == nil {
                    var value: UInt64 = 0
                    for byte in bytes[start..<(start + nativeElementSize)].reversed() { value = value << 8 | UInt64(byte) }
                    throw .unrepresentableElement(array: name, index: index, value: value, xen: xenOnOverflow)
                }
            }
            throw error
        }
    }

    private func elements(_ bytes: [UInt8], _ size: Int) throws(ABIError) -> Int {
        guard bytes.count % size == 0 else {
            throw .wrongLength(structure: "\(name) (\(element.rawValue)[])", expected: (bytes.count / size + 1) * size,
                               got: bytes.count)
        }
        return bytes.count / size
    }
}

public enum CompatHandleArrays {
    private static let pfnBelow4G =
        "never: Xen gives a 32-bit guest only frames whose number fits 32 bits, and asserts it (BUG_ON)"

    /// Every handle of the covered structures whose element differs between the ABIs.
    public static let all: [CompatHandleArray] = [
        // public/memory.h
        .init("xen_memory_reservation", "extent_start", count: "nr_extents", element: .xenPfn, .both,
              xen: pfnBelow4G, in: "common/compat/memory.c"),
        .init("xen_memory_exchange", "in.extent_start", count: "in.nr_extents", element: .xenPfn, .toXen,
              xen: "never: Xen only reads this array", in: "common/compat/memory.c"),
        .init("xen_memory_exchange", "out.extent_start", count: "out.nr_extents", element: .xenPfn, .both,
              xen: pfnBelow4G, in: "common/compat/memory.c"),
        .init("xen_machphys_mfn_list", "extent_start", count: "max_extents", element: .xenPfn, .fromXen,
              xen: "never: the compat machine-to-phys table maps only frames below 2^32",
              in: "arch/x86/x86_64/compat/mm.c"),
        .init("xen_add_to_physmap_batch", "idxs", count: "size", element: .xenUlong, .toXen,
              xen: "never: Xen only reads this array", in: "common/compat/memory.c"),
        .init("xen_add_to_physmap_batch", "gpfns", count: "size", element: .xenPfn, .toXen,
              xen: "never: Xen only reads this array", in: "common/compat/memory.c"),
        .init("xen_mem_acquire_resource", "frame_list", count: "nr_frames", element: .xenPfn, .both,
              xen: "the hypercall fails with -ERANGE", in: "common/compat/memory.c"),
        // public/grant_table.h
        .init("gnttab_setup_table", "frame_list", count: "nr_frames", element: .xenPfn, .fromXen,
              xen: "the op's status becomes GNTST_address_too_big", in: "common/compat/grant_table.c"),
    ]

    /// Handles that point at one structure whose layout differs between the ABIs, rather than
    /// at an array of scalars: `CompatCatalog.translator(structure)` translates what they point
    /// at. Xen writes the compat layout itself there (arch/x86/domain.c, update_runstate_area).
    public static let structurePointers: [(handle: String, structure: String)] = [
        ("vcpu_register_runstate_memory_area.addr.h", "vcpu_runstate_info"),
    ]

    /// The array `structure.handle`, or an unknown-name error.
    public static func named(_ name: String) throws(ABIError) -> CompatHandleArray {
        guard let array = all.first(where: { $0.name == name }) else { throw .unknownName(name) }
        return array
    }
}
