import XenSystem

/// Why bytes or values could not be encoded, decoded or translated. Every case is bad input
/// (the CLI exits with the bad-input status), except an unknown name, which is a usage error.
public enum ABIError: ClassifiedError, Equatable {
    /// The buffer is shorter than the structure (or than offset + size).
    case shortBuffer(structure: String, needed: Int, got: Int)
    /// The buffer has bytes beyond the structure where exactly one was expected.
    case wrongLength(structure: String, expected: Int, got: Int)
    /// A value does not fit the field's width in this ABI.
    case valueOutOfRange(structure: String, field: String, value: UInt64, bytes: Int)
    /// A value names a field the structure does not have.
    case unknownField(structure: String, field: String)
    /// An array value has more elements than the field.
    case tooManyElements(structure: String, field: String, count: Int, capacity: Int)
    /// No structure or hypercall by that name is covered.
    case unknownName(String)
    /// A compat translation refused a native value the 32-bit field cannot hold. `errno` is the
    /// error this translation reports: -ERANGE under this project's strict narrowing policy (Xen
    /// itself mostly truncates), or Xen's own errno where Xen checks. `xen` is what Xen does
    /// there, with its source.
    case unrepresentable(structure: String, field: String, value: UInt64, errno: XenErrno, xen: XenNarrowing)
    /// An element of an array behind a guest handle (a frame list) does not fit the 32-bit
    /// guest's element and was refused; `xen` is what Xen does then, with its source.
    case unrepresentableElement(array: String, index: Int, value: UInt64, xen: XenNarrowing)
    /// A hypercall argument is malformed (too many, too wide for the ABI, ...).
    case badArgument(String)
    /// The structure has no compat translation (it exists in one ABI only, or its two headers
    /// differ in members, as vcpu_guest_context's do: Xen reads each layout itself). A usage
    /// error: the name is wrong for the command, whatever the bytes.
    case notTranslatable(structure: String, reason: String)

    /// Whose refusal it is, when it is not Xen's.
    private static func whose(_ xen: XenNarrowing) -> String {
        xen.refuses ? "" : ", this project's strict narrowing"
    }

    /// `.usage` for an unknown name or an untranslatable structure, `.badInput` for everything else.
    public var kind: FailureKind {
        switch self {
        case .unknownName, .notTranslatable: return .usage
        default: return .badInput
        }
    }

    /// One line naming the structure and field, the value in hex, and the limit it broke.
    public var description: String {
        switch self {
        case let .shortBuffer(structure, needed, got):
            return "\(structure): short buffer: needs \(needed) bytes, got \(got)"
        case let .wrongLength(structure, expected, got):
            return "\(structure): expected \(expected) bytes, got \(got)"
        case let .valueOutOfRange(structure, field, value, bytes):
            return "\(structure).\(field): value 0x\(String(value, radix: 16)) does not fit \(bytes) bytes"
        case let .unknownField(structure, field):
            return "\(structure) has no field \(field)"
        case let .tooManyElements(structure, field, count, capacity):
            return "\(structure).\(field): \(count) elements given, the field holds \(capacity)"
        case let .unknownName(name):
            return "unknown name: \(name)"
        case let .unrepresentable(structure, field, value, errno, xen):
            return "\(structure).\(field): native value 0x\(String(value, radix: 16)) does not fit the "
                + "32-bit field (-\(errno.name)\(Self.whose(xen)); Xen: \(xen))"
        case let .unrepresentableElement(array, index, value, xen):
            return "\(array)[\(index)]: native value 0x\(String(value, radix: 16)) does not fit the 32-bit element "
                + "(\(xen.refuses ? "" : "refused by this project's strict narrowing; ")Xen: \(xen))"
        case let .badArgument(text):
            return text
        case let .notTranslatable(structure, reason):
            return "\(structure) cannot be translated: \(reason)"
        }
    }
}
