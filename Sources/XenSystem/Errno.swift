#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A C library error number, as `errno` holds it after a failed system call.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    /// The positive errno value (Linux asm-generic/errno-base.h, errno.h: `EACCES` is 13).
    public let rawValue: Int32
    /// The error with number `rawValue`; any value is accepted, unknown ones print as "errno N".
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The errno the calling thread holds now.
    public static var current: Errno { Errno(rawValue: errno) }

    /// `EACCES`: the file's mode or the device refuses this user (a /dev/cpu/N/msr open as non-root).
    public static let permissionDenied = Errno(rawValue: EACCES)
    /// `EPERM`: the operation needs a privilege the process lacks (CAP_SYS_RAWIO for the MSR device).
    public static let notPermitted = Errno(rawValue: EPERM)
    /// `ENOENT`: no such path (no /dev/xen/privcmd outside Xen, no msr module loaded).
    public static let noSuchFile = Errno(rawValue: ENOENT)
    /// `ENODEV`: the device node exists but no driver backs it.
    public static let noSuchDevice = Errno(rawValue: ENODEV)
    /// `ENXIO`: the device has no such unit (a /dev/cpu/N whose CPU is not online: Linux msr.c, cpuid.c).
    public static let noSuchDeviceOrAddress = Errno(rawValue: ENXIO)
    /// `EIO`: the device failed the transfer (an MSR access that faulted: Linux arch/x86/kernel/msr.c).
    public static let ioError = Errno(rawValue: EIO)
    /// `EINVAL`: an argument the call rejects (a zero length, a region this system did not map).
    public static let invalidArgument = Errno(rawValue: EINVAL)
    /// `EINTR`: a signal interrupted the call; the system layer retries it.
    public static let interrupted = Errno(rawValue: EINTR)
    /// EFBIG: a file larger than the caller's limit (what `readWholeFile` reports).
    public static let fileTooLarge = Errno(rawValue: EFBIG)
    /// EISDIR: a directory where a file was expected (read(2) on a directory).
    public static let isDirectory = Errno(rawValue: EISDIR)

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
    /// Which kind of failure this is, and so which exit status the CLI uses.
    var kind: FailureKind { get }
}

/// A failed system call: which operation, on what, and the errno it returned.
public struct SystemError: ClassifiedError, Equatable {
    /// The system call that failed, as the message names it (`open`, `pread`, `mmap`, `mlock`).
    public let operation: String
    /// What it was called on: a path, or a description such as "fd 3 at 0x10" or "4096 locked bytes".
    public let path: String
    /// The errno the call returned.
    public let errno: Errno

    /// A failure of `operation` on `path` with `errno`.
    public init(_ operation: String, _ path: String, _ errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// `.missing` for ENOENT, ENODEV and ENXIO, `.permission` for EACCES and EPERM, `.badInput`
    /// for EISDIR and EFBIG (the path the user gave is a directory, or its data is too large),
    /// `.system` otherwise.
    public var kind: FailureKind {
        switch errno {
        case .noSuchFile, .noSuchDevice, .noSuchDeviceOrAddress: return .missing
        case .permissionDenied, .notPermitted: return .permission
        case .isDirectory, .fileTooLarge: return .badInput
        default: return .system
        }
    }

    /// One line: "open /dev/cpu/0/msr: Permission denied".
    public var description: String { "\(operation) \(path): \(errno)" }
}
