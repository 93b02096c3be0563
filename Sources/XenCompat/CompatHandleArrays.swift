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
    /// Whether the guest writes the array, Xen does, or either.
    public let direction: Direction
    /// What Xen (4.18 and later) does with a native element the 32-bit guest's element cannot
    /// hold, at the code that writes the array back, with its source.
    public let xen: XenNarrowing
    /// The same in Xen 4.17, where it differs (gnttab_setup_table's frame list was truncated).
    public let xen4_17: XenNarrowing
    /// Where Xen translates the array (xen/ source path).
    public var translatedBy: String { xen.file }

    /// What Xen `release` does with a native element too wide for the 32-bit guest's element.
    public func xenNarrowing(_ release: XenRelease) -> XenNarrowing {
        switch release {
        case .v4_17: return xen4_17
        case .v4_18: return xen
        }
    }

    /// `structure.handle`, the name the CLI takes.
    public var name: String { "\(structure).\(handle)" }

    /// A one-member structure of the element type: the element's translation plan (4 → 8 bytes
    /// and back), which runs a whole array as one flat batch.
    let translator: CompatTranslator

    init(_ structure: String, _ handle: String, count: String, element: ScalarType, _ direction: Direction,
         xen: XenNarrowing, xen4_17: XenNarrowing? = nil) {
        self.structure = structure
        self.handle = handle
        self.count = count
        self.element = element
        self.direction = direction
        self.xen = xen
        self.xen4_17 = xen4_17 ?? xen
        let description = StructDescription(element.rawValue, "arch-x86/xen.h", [Field("value", .scalar(element))])
        // A one-scalar structure always has a plan: both layouts hold the member.
        self.translator = try! CompatTranslator(description)
    }

    /// Bytes of one element in the 32-bit guest's layout (4 for compat_pfn_t, compat_ulong_t).
    public var compatElementSize: Int { translator.compat.size }
    /// Bytes of one element in the native layout (8 for xen_pfn_t, xen_ulong_t).
    public var nativeElementSize: Int { translator.native.size }

    /// The guest's 32-bit elements, widened to native ones (never fails on whole elements).
    public func toNative(_ bytes: [UInt8]) throws(ABIError) -> [UInt8] {
        try translator.toNative(batch: bytes, count: try elements(bytes, compatElementSize))
    }

    /// Native elements narrowed to the guest's 32-bit ones. Under `.strict` (this project's
    /// policy, the default) the first element that does not fit fails the whole array, naming its
    /// index and what Xen does in that case; nothing is truncated. Under `.xen(release)` an element
    /// keeps its low 32 bits where that Xen release assigns without a check, and is refused, as
    /// under `.strict`, where Xen checks (`xenNarrowing(release)`).
    public func toCompat(_ bytes: [UInt8], narrowing: NarrowingPolicy = .strict) throws(ABIError) -> [UInt8] {
        let count = try elements(bytes, nativeElementSize)
        var elementPolicy = NarrowingPolicy.strict
        if case let .xen(release) = narrowing, !xenNarrowing(release).refuses { elementPolicy = .xen(release) }
        do {
            return try translator.toCompat(batch: bytes, count: count, narrowing: elementPolicy)
        } catch {
            // The batch reports the value; find its index (error path only).
            for index in 0..<count {
                let start = index * nativeElementSize
                if (try? translator.toCompat(Array(bytes[start..<(start + nativeElementSize)]))) == nil {
                    var value: UInt64 = 0
                    for byte in bytes[start..<(start + nativeElementSize)].reversed() { value = value << 8 | UInt64(byte) }
                    let release = if case let .xen(release) = narrowing { release } else { XenRelease.latest }
                    throw .unrepresentableElement(array: name, index: index, value: value, xen: xenNarrowing(release))
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

/// The arrays behind guest handles whose elements differ between the ABIs, with what Xen does
/// when it writes a native element back that the guest's 32-bit element cannot hold (read in
/// xen.git RELEASE-4.17.0...4.17.7 and master c447b7308b13).
public enum CompatHandleArrays {
    /// compat_memory_op narrows each frame it copies back to a compat_pfn_t and BUG_ONs if that
    /// changed it. (A 32-bit PV guest's allocations are clamped below 2^32 frames:
    /// arch/x86/x86_64/mm.c, domain_clamp_alloc_bitsize.)
    private static let reservationFrames = XenNarrowing(.asserts, "common/compat/memory.c", "compat_memory_op")
    private static let onlyRead = XenNarrowing(.neverWritten, "common/compat/memory.c", "compat_memory_op")

    /// Every handle of the covered structures whose element differs between the ABIs.
    public static let all: [CompatHandleArray] = [
        // public/memory.h
        .init("xen_memory_reservation", "extent_start", count: "nr_extents", element: .xenPfn, .both,
              xen: reservationFrames),
        .init("xen_memory_exchange", "in.extent_start", count: "in.nr_extents", element: .xenPfn, .toXen,
              xen: onlyRead),
        .init("xen_memory_exchange", "out.extent_start", count: "out.nr_extents", element: .xenPfn, .both,
              xen: reservationFrames),
        // The frame of each compat M2P page is stored in a compat_pfn_t with no comparison.
        .init("xen_machphys_mfn_list", "extent_start", count: "max_extents", element: .xenPfn, .fromXen,
              xen: .init(.truncates, "arch/x86/x86_64/compat/mm.c", "compat_arch_memory_op")),
        .init("xen_add_to_physmap_batch", "idxs", count: "size", element: .xenUlong, .toXen, xen: onlyRead),
        .init("xen_add_to_physmap_batch", "gpfns", count: "size", element: .xenPfn, .toXen, xen: onlyRead),
        // Each frame is narrowed to a compat_pfn_t and compared; a difference is -ERANGE.
        .init("xen_mem_acquire_resource", "frame_list", count: "nr_frames", element: .xenPfn, .both,
              xen: .init(.fails(.ERANGE), "common/compat/memory.c", "compat_memory_op")),
        // public/grant_table.h. 4.17's XLAT_gnttab_setup_table_HNDL_frame_list hook assigned each
        // frame to an unsigned int unchecked; 4.18 compares (commit 1043dfb165).
        .init("gnttab_setup_table", "frame_list", count: "nr_frames", element: .xenPfn, .fromXen,
              xen: .init(.grantStatusAddressTooBig, "common/compat/grant_table.c", "compat_grant_table_op"),
              xen4_17: .init(.truncates, "common/compat/grant_table.c", "compat_grant_table_op")),
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
