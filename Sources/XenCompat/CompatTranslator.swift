import ABI32
import ABI64
import XenInterface
@_spi(UncheckedBytes) import XenSystem

/// Translates one structure between a 32-bit guest's layout (compat, x86_32) and the native
/// x86_64 layout, as Xen's compat layer does for a 32-bit guest on a 64-bit hypervisor, except
/// that by default a native value too wide for its compat field is refused (this project's
/// `NarrowingPolicy.strict`) where Xen would mostly keep its low bits (`NarrowingPolicy.xen`).
///
/// The plan is computed once from the one description: members are matched by dotted path;
/// each match becomes a move (zero-extend, or sign-extend for signed C types, on the way in;
/// a range check on the way out). Of members that overlap (union alternatives), the widest
/// native one carries the value. Named members are carried whatever their name (a `pad` field
/// Xen checks for zero stays as the guest wrote it); unnamed padding, and pad members whose
/// shape differs between the headers (cpu_user_regs' `_padN`), are not. A native member the
/// compat layout lacks (r8...r15 of cpu_user_regs) must be zero on the way out (strict; Xen's
/// `XLAT_cpu_user_regs` drops them).
///
/// Going back (native → compat), `NarrowingPolicy.strict` (this project's policy, the default)
/// never truncates: a value that does not fit its 32-bit field fails with `-ERANGE`. Xen's own
/// `XLAT_` assignments truncate, and only some of its call sites check (`XenWriteBack` says which,
/// with the source); `NarrowingPolicy.xen` does exactly that instead.
public struct CompatTranslator: Sendable {
    /// The structure's C tag (`mmuext_op`).
    public let name: String
    /// The structure laid out for a 32-bit guest (Xen's `compat_` type, x86_32).
    public let compat: StructLayout
    /// The structure laid out for x86_64, Xen's native layout.
    public let native: StructLayout
    /// One per carried member, in compat offset order.
    public let moves: [Move]
    /// Native members with no compat counterpart (must be zero when translating back).
    public let nativeOnly: [LayoutField]
    /// The plan for each direction, flattened to one scalar per step with no strings (so the
    /// batch loops do no reference counting), including zero stores for the target's padding.
    let inward: [Step]
    /// Native → compat under `NarrowingPolicy.strict`: every narrowing checked.
    let outward: [Step]
    /// Native → compat under `NarrowingPolicy.xen`: narrowing keeps the low bits except for the
    /// members Xen checks (`XenWriteBack`), and native-only members are dropped.
    let outwardXen: [Step]

    /// One scalar: load `loadWidth` bytes at `load` (0: nothing, store zero), store `storeWidth`
    /// bytes at `store`. Outward, a `check` step only verifies the loaded value is zero, and a
    /// `truncate` step stores the low bits of a wider value unchecked (Xen's assignment).
    struct Step: Sendable {
        enum Kind: UInt8, Sendable { case move, zero, check, truncate }
        let kind: Kind
        let load: Int
        let loadWidth: Int
        let store: Int
        let storeWidth: Int
        let isSigned: Bool
        /// How many consecutive scalars this step covers (arrays such as multicall args[6]).
        var repeats = 1

        /// The specialised loop that runs this step, decided once when the plan is built.
        private(set) var operation: Operation = .general

        mutating func specialise() { operation = Self.operation(kind, loadWidth, storeWidth, isSigned) }

        /// The common width pairs get their own loop.
        static func operation(_ kind: Kind, _ loadWidth: Int, _ storeWidth: Int, _ isSigned: Bool) -> Operation {
            switch (kind, loadWidth, storeWidth, isSigned) {
            case (.zero, _, _, _): return .zero
            case (.check, _, _, _): return .check
            case (.move, 4, 4, _): return .copy4
            case (.move, 8, 8, _): return .copy8
            case (.move, 4, 8, false): return .zeroExtend4To8
            case (.move, 4, 8, true): return .signExtend4To8
            case (.move, 8, 4, false): return .narrow8To4
            case (.move, 8, 4, true): return .narrowSigned8To4
            case (.truncate, 8, 4, _): return .truncate8To4
            default: return .general
            }
        }

        enum Operation: UInt8, Sendable {
            case zero, check, copy4, copy8, zeroExtend4To8, signExtend4To8, narrow8To4, narrowSigned8To4, truncate8To4,
                 general
        }

        /// True when every byte the step loads lies in a `sourceSize`-byte entry and every byte it
        /// stores in a `targetSize`-byte one (what lets the loops skip per-access bounds checks).
        func isInside(sourceSize: Int, targetSize: Int) -> Bool {
            load >= 0 && store >= 0 && repeats >= 1
                && load + loadWidth * repeats <= sourceSize && store + storeWidth * repeats <= targetSize
        }

        /// True when `next` continues this step's run (same kind and widths, contiguous on both sides).
        func continues(with next: Step) -> Bool {
            next.kind == kind && next.loadWidth == loadWidth && next.storeWidth == storeWidth
                && next.isSigned == isSigned && next.kind != .zero
                && next.load == load + loadWidth * repeats && next.store == store + storeWidth * repeats
        }
    }

    /// A 4-byte copy followed by 4 bytes of target padding is one zero-extension to 8 bytes
    /// (mmuext_op's cmd); steps are then ordered by target offset so that runs can merge.
    static func absorbPadding(_ steps: [Step]) -> [Step] {
        var zeros = Set(steps.filter { $0.kind == .zero && $0.storeWidth == 4 }.map(\.store))
        var result: [Step] = []
        for step in steps where step.kind == .move {
            if step.loadWidth == 4, step.storeWidth == 4, !step.isSigned, step.store % 8 == 0,
               zeros.contains(step.store + 4) {
                zeros.remove(step.store + 4)
                result.append(Step(kind: .move, load: step.load, loadWidth: 4, store: step.store, storeWidth: 8,
                                   isSigned: false))
            } else {
                result.append(step)
            }
        }
        result += steps.filter { $0.kind == .zero && ($0.storeWidth != 4 || zeros.contains($0.store)) }
        result += steps.filter { $0.kind == .check }
        return result.sorted { ($0.kind == .check ? 1 : 0, $0.store) < ($1.kind == .check ? 1 : 0, $1.store) }
    }

    /// Merges consecutive steps into runs, so an array is one step.
    static func compact(_ steps: [Step]) -> [Step] {
        var result: [Step] = []
        for var step in steps {
            step.specialise()
            if var last = result.last, last.continues(with: step) {
                last.repeats += 1
                result[result.count - 1] = last
            } else {
                result.append(step)
            }
        }
        return result
    }

    /// Moving one member (or array of scalars) between the two layouts.
    public struct Move: Sendable, Equatable {
        /// The member's dotted path, the same in both layouts.
        public let path: String
        /// Its byte offset in the compat structure.
        public let compatOffset: Int
        /// Bytes of one element in the compat layout (4 for an `unsigned long`).
        public let compatWidth: Int
        /// Its byte offset in the native structure.
        public let nativeOffset: Int
        /// Bytes of one element in the native layout (8 for an `unsigned long`).
        public let nativeWidth: Int
        /// Elements moved: 1 for a scalar, the length for an array of scalars.
        public let count: Int
        /// Sign-extend on the way in, check the signed range on the way out.
        public let isSigned: Bool
    }

    /// The error this project's strict policy reports for a native value the compat field cannot
    /// hold. Xen's compat layer has no such rule; -ERANGE is the errno of the call site that does
    /// check (common/compat/memory.c, compat_memory_op, XENMEM_acquire_resource's frame list).
    public static let unrepresentableErrno = XenErrno.ERANGE

    /// Members whose native value is a signed hypercall return although the header declares
    /// them unsigned: multicall_entry.result carries a `long` return value (common/multicall.c).
    static let signedResults: [String: Set<String>] = ["multicall_entry": ["result"]]

    /// Builds the plan for `description`; fails if a (non-padding) compat member has no native counterpart.
    /// `alternatives` names, per union member path, the alternative that carries the value (Xen's
    /// `XLAT_` selectors: `["console": "dom0"]` is xlat_start_info's XLAT_start_info_console_dom0,
    /// xen/common/compat/xlat.c); a union not named is carried by its widest native alternative.
    public init(_ description: StructDescription, alternatives: [String: String] = [:]) throws(ABIError) {
        guard description.architectures.count == 2 else {
            throw .notTranslatable(structure: description.name, reason: "it exists in one ABI only")
        }
        let compat = description.layout32
        let native = description.layout64
        let nativeByPath = Dictionary(native.fields.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let signedResults = Self.signedResults[description.name] ?? []

        // Candidate pairs in compat field order; then accept widest-native-first without overlap.
        var candidates: [(order: Int, compat: LayoutField, native: LayoutField)] = []
        var unmatched: [String] = []
        func otherAlternative(_ path: String) -> Bool {
            alternatives.contains { union, chosen in
                path.hasPrefix(union + ".") && !path.hasPrefix(union + "." + chosen + ".")
                    && path != union + "." + chosen
            }
        }
        for (order, field) in compat.fields.enumerated() {
            if otherAlternative(field.path) {
                unmatched.append(field.path)  // must lie inside the chosen alternative
            } else if let match = nativeByPath[field.path], match.elementCount == field.elementCount {
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
                throw .notTranslatable(structure: description.name,
                                       reason: "compat member \(path) has no native counterpart")
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
            !Self.isPadding(field.path) && !otherAlternative(field.path)
                && !accepted.contains { Self.overlap($0.native, field) }
        }
        var inward: [Step] = []
        var outward: [Step] = []
        var outwardXen: [Step] = []
        for move in moves {
            let isHandle = native.field(move.path)?.scalar == .guestHandle
            let xenChecks = XenWriteBack.narrowing(structure: description.name, member: move.path, isHandle: isHandle).refuses
            let xenKind: Step.Kind = move.nativeWidth > move.compatWidth && !xenChecks ? .truncate : .move
            for element in 0..<move.count {
                let compatAt = move.compatOffset + element * move.compatWidth
                let nativeAt = move.nativeOffset + element * move.nativeWidth
                inward.append(Step(kind: .move, load: compatAt, loadWidth: move.compatWidth, store: nativeAt,
                                   storeWidth: move.nativeWidth, isSigned: move.isSigned))
                outward.append(Step(kind: .move, load: nativeAt, loadWidth: move.nativeWidth, store: compatAt,
                                    storeWidth: move.compatWidth, isSigned: move.isSigned))
                outwardXen.append(Step(kind: xenKind, load: nativeAt, loadWidth: move.nativeWidth, store: compatAt,
                                       storeWidth: move.compatWidth, isSigned: move.isSigned))
            }
        }
        for field in nativeOnly {
            for element in 0..<field.elementCount {
                outward.append(Step(kind: .check, load: field.offset + element * field.elementSize,
                                    loadWidth: field.elementSize, store: 0, storeWidth: 0, isSigned: false))
            }
        }
        inward += Self.zeroFill(size: native.size, written: inward)
        outward += Self.zeroFill(size: compat.size, written: outward)
        outwardXen += Self.zeroFill(size: compat.size, written: outwardXen)
        self.inward = Self.compact(Self.absorbPadding(inward))
        self.outward = Self.compact(outward)
        self.outwardXen = Self.compact(outwardXen)
        // The loops rely on this; a plan that broke it would be a bug here, not bad input.
        precondition(self.inward.allSatisfy { $0.isInside(sourceSize: compat.size, targetSize: native.size) }
                     && (self.outward + self.outwardXen).allSatisfy {
                         $0.isInside(sourceSize: native.size, targetSize: compat.size) },
                     "\(description.name): a translation step lies outside its structure")
    }

    /// Zero stores for every target byte no move writes (padding, unused union tails), so a
    /// reused output buffer never keeps stale bytes.
    static func zeroFill(size: Int, written: [Step]) -> [Step] {
        var covered = [Bool](repeating: false, count: size)
        for step in written where step.kind == .move || step.kind == .truncate {
            for index in step.store..<(step.store + step.storeWidth) { covered[index] = true }
        }
        var steps: [Step] = []
        var index = 0
        while index < size {
            if covered[index] { index += 1; continue }
            var width = 1
            for candidate in [8, 4, 2] where index % candidate == 0 && index + candidate <= size
                && !covered[index..<(index + candidate)].contains(true) {
                width = candidate
                break
            }
            steps.append(Step(kind: .zero, load: 0, loadWidth: 0, store: index, storeWidth: width, isSigned: false))
            index += width
        }
        return steps
    }

    static func overlap(_ a: LayoutField, _ b: LayoutField) -> Bool {
        a.offset < b.offset + b.size && b.offset < a.offset + a.size
    }

    /// Padding-named members (`pad`, `_pad3`, `pad1`, `_rsvd`, `__spacer`): when they have no
    /// counterpart of the same shape in the other layout, they are dropped instead of failing.
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
}
