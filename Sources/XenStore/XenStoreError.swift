import XenSystem

/// Why a xenstore read did not give a value, one case per answer a person needs.
public enum XenStoreError: ClassifiedError, Equatable, Sendable {
    /// /dev/xen/xenbus is absent: not a Xen guest, or a kernel without xenbus.
    case noDevice
    /// The device refused this user (root's, mode 0600).
    case noPermission(Errno)
    /// No reply within the timeout: xenstored is not running or not reachable (a dom0 whose
    /// toolstack has not started it). After one, the client sends nothing more.
    case noAnswer(milliseconds: Int32)
    /// xenstored answered XS_ERROR with this error name (other than ENOENT, which is "no such node").
    case refused(path: String, error: String)
    /// A reply that is not one: the wrong request id or type, or an oversized length.
    case malformed(String)
    /// A path xenstore cannot take (empty, a NUL, longer than XENSTORE_ABS_PATH_MAX).
    case badPath(String)
    /// A system call on the device failed.
    case system(SystemError)

    /// `.missing`, `.permission`, `.unavailable` (no answer), `.refused`, `.badInput` (a
    /// malformed reply or a bad path), or the system call's own kind.
    public var kind: FailureKind {
        switch self {
        case .noDevice: .missing
        case .noPermission: .permission
        case .noAnswer: .unavailable
        case .refused: .refused
        case .malformed, .badPath: .badInput
        case .system(let e): e.kind
        }
    }

    /// One line.
    public var description: String {
        switch self {
        case .noDevice: "\(XenStoreClient.devicePath) is absent: not a Xen guest, or the kernel has no xenbus"
        case .noPermission(let e): "\(XenStoreClient.devicePath): \(e): reading xenstore needs root"
        case .noAnswer(let ms): "xenstore did not answer within \(ms) ms (xenstored not running?)"
        case .refused(let path, let error): "xenstore refused to read \(path): \(error)"
        case .malformed(let what): "xenstore sent a malformed reply: \(what)"
        case .badPath(let path): "not a xenstore path: '\(path)'"
        case .system(let e): e.description
        }
    }
}
