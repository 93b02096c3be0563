#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A C library error number, as `errno` holds it after a failed system call.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The errno the calling thread holds now.
    public static var current: Errno { Errno(rawValue: errno) }

    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let notPermitted = Errno(rawValue: EPERM)
    public static let noSuchFile = Errno(rawValue: ENOENT)
    public static let noSuchDevice = Errno(rawValue: ENODEV)
    public static let noSuchDeviceOrAddress = Errno(rawValue: ENXIO)
    public static let ioError = Errno(rawValue: EIO)
    public static let invalidArgument = Errno(rawValue: EINVAL)
    public static let interrupted = Errno(rawValue: EINTR)

    /// The text the C library prints for this error (`strerror`).
    public var description: String {
        guard let text = unsafe strerror(rawValue) else { return "errno \(rawValue)" }
        return unsafe String(cString: text)
    }
}

/// What kind of failure an error is: the CLI turns each kind into its own exit status.
public enum FailureKind: Sendable, Equatable {
    /// The command line itself is wrong (unknown option, bad number, unknown name).
    case usage
    /// Input data is malformed: a garbled or truncated dump, bad hex, a short buffer.
    case badInput
    /// A file or device the command needs does not exist (no /dev/cpu, no /dev/xen).
    case missing
    /// The environment cannot do it: not on Xen, wrong guest context.
    case unavailable
    /// The caller lacks the privilege (not root, EACCES/EPERM).
    case permission
    /// A system call failed for another reason.
    case system
    /// Refused on purpose: it would change hypervisor state, or it is unsafe here.
    case refused
}

/// An error that knows its kind and has a one-line message.
public protocol ClassifiedError: Error, CustomStringConvertible {
    var kind: FailureKind { get }
}

/// A failed system call: which operation, on what, and the errno it returned.
public struct SystemError: ClassifiedError, Equatable {
    public let operation: String
    public let path: String
    public let errno: Errno

    public init(_ operation: String, _ path: String, _ errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var kind: FailureKind {
        switch errno {
        case .noSuchFile, .noSuchDevice, .noSuchDeviceOrAddress: return .missing
        case .permissionDenied, .notPermitted: return .permission
        default: return .system
        }
    }

    public var description: String { "\(operation) \(path): \(errno)" }
}
