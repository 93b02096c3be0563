import ABI32
import ABI64
import XenInterface

/// Translates one structure between a 32-bit guest's layout (compat, x86_32) and the native
/// x86_64 layout, as Xen's compat layer does for a 32-bit guest on a 64-bit hypervisor.
///
/// The plan is computed once from the one description: members are matched by dotted path;
/// each match becomes a move (zero-extend, or sign-extend for signed C types, on the way in;
/// a range check on the way out). Of members that overlap (union alternatives), the widest
/// native one carries the value. Padding is not carried. A native member the compat layout
/// lacks (r8...r15 of cpu_user_regs) must be zero on the way out.
///
/// Going back (native → compat) never truncates: a value that does not fit its 32-bit field
/// fails with `-ERANGE`, the error Xen's common/compat/memory.c uses for that case.
public struct CompatTranslator: Sendable {
    public let name: String
    public let compat: StructLayout
    public let native: StructLayout
    /// One per carried member, in compat offset order.
    public let moves: [Move]
    /// Native members with no compat counterpart (must be zero when translating back).
    public let nativeOnly: [LayoutField]

    /// Moving one member (or array of scalars) between the two layouts.
    public struct Move: Sendable, Equatable {
        public let path: String
        public let compatOffset: Int
        public let compatWidth: Int
        public let nativeOffset: Int
        public let nativeWidth: Int
        public let count: Int
        /// Sign-extend on the way in, check the signed range on the way out.
        public let isSigned: Bool
    }

    /// The error a native value that the compat field cannot hold produces (common/compat/memory.c).
    public static let unrepresentableErrno = XenErrno.ERANGE

    /// Members whose native value is a signed hypercall return although the header declares
    /// them unsigned: multicall_entry.result carries a `long` return value (common/multicall.c).
    static let signedResults: [String: Set<String>] = ["multicall_entry": ["result"]]

    /// Builds the plan for `description`; fails if a (non-padding) compat member has no native counterpart.
    public init(_ description: StructDescription) throws(ABIError) {
        guard description.architectures.count == 2 else {
            throw .badArgument("\(description.name) exists in one ABI only; nothing to translate")
        }
        let compat = description.layout32
        let native = description.layout64
        let nativeByPath = Dictionary(native.fields.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let signedResults = Self.signedResults[description.name] ?? []

        // Candidate pairs in compat field order; then accept widest-native-first without overlap.
        var candidates: [(order: Int, compat: LayoutField, native: LayoutField)] = []
        var unmatched: [String] = []
        for (order, field) in compat.fields.enumerated() {
            if let match = nativeByPath[field.path], match.elementCount == field.elementCount {
                candidates.append((order, field, match))
            } else if !Self.isPadding(field.path) {
                unmatched.append(field.path)
            }
        }
        var accepted: [(order: Int, compat: LayoutField, native: LayoutField)] = []
        for candidate in candidates.sorted(by: { ($0.native.size, -$0.order) > ($1.native.size, -$1.order) }) {
            let overlaps = accepted.contains {
                Self.overlap($0.native, candidate.native) || Self.overlap($0.compat, candidate.compat)
            }
            if !overlaps { accepted.append(candidate) }
        }
        // A compat member left out must lie inside an accepted one (a union alternative).
        for path in unmatched {
            guard let field = compat.field(path), accepted.contains(where: { Self.overlap($0.compat, field) }) else {
                throw .badArgument("\(description.name): compat member \(path) has no native counterpart")
            }
        }
        accepted.sort { $0.compat.offset < $1.compat.offset || ($0.compat.offset == $1.compat.offset && $0.order < $1.order) }
        self.name = description.name
        self.compat = compat
        self.native = native
        self.moves = accepted.map {
            Move(path: $0.compat.path, compatOffset: $0.compat.offset, compatWidth: $0.compat.elementSize,
                 nativeOffset: $0.native.offset, nativeWidth: $0.native.elementSize, count: $0.compat.elementCount,
                 isSigned: $0.compat.scalar.isSigned || signedResults.contains($0.compat.path))
        }
        self.nativeOnly = native.fields.filter { field in
            !Self.isPadding(field.path) && !accepted.contains { Self.overlap($0.native, field) }
        }
    }

    static func overlap(_ a: LayoutField, _ b: LayoutField) -> Bool {
        a.offset < b.offset + b.size && b.offset < a.offset + a.size
    }

    /// Padding members (`pad`, `_pad3`, `pad1`, `_rsvd`, `__spacer`) carry nothing.
    static func isPadding(_ path: String) -> Bool {
        let last = path.split(separator: ".").last.map(String.init) ?? path
        let bare = last.split(separator: "[").first.map(String.init) ?? last
        let trimmed = bare.drop { $0 == "_" }
        return trimmed.hasPrefix("pad") || trimmed == "rsvd" || trimmed == "spacer" || trimmed == "unused"
    }

    /// True when both layouts are byte-for-byte the same (what xlat.lst's `?` lines check).
    public var isLayoutIdentical: Bool {
        compat.size == native.size && compat.fields.count == native.fields.count
            && zip(compat.fields, native.fields).allSatisfy { $0.path == $1.path && $0.offset == $1.offset && $0.size == $1.size }
    }

    // MARK: One structure

    /// Compat (32-bit guest) bytes → native bytes.
    public func toNative(_ bytes: [UInt8]) throws(ABIError) -> [UInt8] {
        guard bytes.count == compat.size else {
            throw .wrongLength(structure: name, expected: compat.size, got: bytes.count)
        }
        return try toNative(batch: bytes, count: 1)
    }

    /// Native bytes → compat bytes; fails with -ERANGE rather than truncating.
    public func toCompat(_ bytes: [UInt8]) throws(ABIError) -> [UInt8] {
        guard bytes.count == native.size else {
            throw .wrongLength(structure: name, expected: native.size, got: bytes.count)
        }
        return try toCompat(batch: bytes, count: 1)
    }

    // MARK: Arrays (multicall lists, mmu_update and mmuext_op batches)

    /// Translates `count` contiguous compat entries to native ones.
    public func toNative(batch bytes: [UInt8], count: Int) throws(ABIError) -> [UInt8] {
        let (needed, overflow) = compat.size.multipliedReportingOverflow(by: count)
        guard count >= 0, !overflow, bytes.count >= needed else {
            throw .shortBuffer(structure: name, needed: overflow ? Int.max : needed, got: bytes.count)
        }
        var output = [UInt8](repeating: 0, count: native.size * count)
        let source = bytes.span
        var target = output.mutableSpan
        for entry in 0..<count {
            let from = entry * compat.size
            let to = entry * native.size
            for move in moves {
                for element in 0..<move.count {
                    var value = Self.load(source, from + move.compatOffset + element * move.compatWidth, move.compatWidth)
                    if move.isSigned && move.compatWidth < move.nativeWidth {
                        let shift = UInt64(64 - move.compatWidth * 8)
                        value = UInt64(bitPattern: Int64(bitPattern: value << shift) >> Int64(shift))
                    }
                    Self.store(value, &target, to + move.nativeOffset + element * move.nativeWidth, move.nativeWidth)
                }
            }
        }
        return output
    }

    /// Translates `count` contiguous native entries to compat ones; the first value that does
    /// not fit fails the whole batch with -ERANGE (Xen stops a batch at the first error too).
    public func toCompat(batch bytes: [UInt8], count: Int) throws(ABIError) -> [UInt8] {
        let (needed, overflow) = native.size.multipliedReportingOverflow(by: count)
        guard count >= 0, !overflow, bytes.count >= needed else {
            throw .shortBuffer(structure: name, needed: overflow ? Int.max : needed, got: bytes.count)
        }
        var output = [UInt8](repeating: 0, count: compat.size * count)
        let source = bytes.span
        var target = output.mutableSpan
        for entry in 0..<count {
            let from = entry * native.size
            let to = entry * compat.size
            for move in moves {
                for element in 0..<move.count {
                    let value = Self.load(source, from + move.nativeOffset + element * move.nativeWidth, move.nativeWidth)
                    if move.compatWidth < move.nativeWidth && !Self.fits(value, move) {
                        throw .unrepresentable(structure: name, field: move.path, value: value,
                                               errno: Self.unrepresentableErrno)
                    }
                    Self.store(value, &target, to + move.compatOffset + element * move.compatWidth, move.compatWidth)
                }
            }
            for field in nativeOnly {
                for element in 0..<field.elementCount {
                    let value = Self.load(source, from + field.offset + element * field.elementSize, field.elementSize)
                    if value != 0 {
                        throw .unrepresentable(structure: name, field: field.path, value: value,
                                               errno: Self.unrepresentableErrno)
                    }
                }
            }
        }
        return output
    }

    @inline(__always)
    static func fits(_ value: UInt64, _ move: Move) -> Bool {
        let bits = UInt64(move.compatWidth * 8)
        if move.isSigned {
            // The native value, read at its own width, must be the sign-extension of the compat width.
            let nativeShift = UInt64(64 - move.nativeWidth * 8)
            let signed = Int64(bitPattern: value << nativeShift) >> Int64(nativeShift)
            let limit = Int64(1) << Int64(bits - 1)
            return signed >= -limit && signed < limit
        }
        return value >> bits == 0
    }

    @inline(__always)
    static func load(_ span: Span<UInt8>, _ offset: Int, _ width: Int) -> UInt64 {
        switch width {
        case 1: return UInt64(span[offset])
        case 2: return UInt64(span[offset]) | UInt64(span[offset + 1]) << 8
        case 4:
            return UInt64(span[offset]) | UInt64(span[offset + 1]) << 8 | UInt64(span[offset + 2]) << 16
                | UInt64(span[offset + 3]) << 24
        default:
            var value: UInt64 = 0
            for index in stride(from: width - 1, through: 0, by: -1) { value = value << 8 | UInt64(span[offset + index]) }
            return value
        }
    }

    @inline(__always)
    static func store(_ value: UInt64, _ span: inout MutableSpan<UInt8>, _ offset: Int, _ width: Int) {
        var rest = value
        for index in 0..<width {
            span[offset + index] = UInt8(truncatingIfNeeded: rest)
            rest >>= 8
        }
    }
}
