import XenInterface

// Naming a refused value: which member it was, what Xen does there, and the errno.
extension CompatTranslator {

    /// The bits of `value` that narrowing to 32 bits would lose: 0 when it fits. Unsigned, that is
    /// the upper half; signed, a value fits when its upper 33 bits are equal (a sign extension).
    /// The one definition of "fits" for the batch loops and for the error they raise.
    @inline(__always)
    static func lostBits(_ value: UInt64, signed: Bool) -> UInt64 {
        signed ? UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: value))) ^ value : value >> 32
    }

    /// The native member at byte `offset` (for an error message; runs merge several members).
    func member(at offset: Int) -> LayoutField? {
        let carried = Set(moves.map(\.path) + nativeOnly.map(\.path))
        return native.fields.first { field in
            field.offset <= offset && offset < field.offset + field.size && carried.contains(field.path)
        }
    }

    /// What Xen does when it writes native member `path` back to the compat layout (`XenWriteBack`).
    public func xenNarrowing(of path: String) -> XenNarrowing {
        guard let field = native.field(path) else { return XenWriteBack.generated }
        if nativeOnly.contains(where: { $0.path == path }) { return XenWriteBack.nativeOnly }
        return XenWriteBack.narrowing(structure: name, member: path, isHandle: field.scalar == .guestHandle)
    }

    /// The error for the refused native `value` at byte `offset` of an entry: its member, what Xen
    /// does there, and the errno (Xen's own where Xen fails the call, else this project's -ERANGE).
    func refusal(at offset: Int, _ value: UInt64) -> ABIError {
        let field = member(at: offset)
        let xen = field.map { xenNarrowing(of: $0.path) } ?? XenWriteBack.generated
        var errno = Self.unrepresentableErrno
        if case let .fails(xenErrno) = xen.behaviour { errno = xenErrno }
        return .unrepresentable(structure: name, field: field?.path ?? "offset \(offset)", value: value, errno: errno,
                                xen: xen)
    }
}
