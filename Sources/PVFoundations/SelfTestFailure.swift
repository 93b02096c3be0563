import PrivcmdHypercalls
import XenInterface
import XenSystem

/// Why a PV self-test did not complete, one case per exit status the CLI gives it. Whatever
/// the case, everything the test held was released (its device owners end with it).
public enum SelfTestFailure: ClassifiedError, Equatable, Sendable {
    /// The device node is absent: its module is not loaded (open gave ENOENT, ENODEV or ENXIO).
    case moduleNotLoaded(XenDevice)
    /// The device refuses this user (EACCES or EPERM on open: the nodes are root's, mode 0600).
    case noPermission(XenDevice, Errno)
    /// Xen or the kernel refused a step: the ioctl or mmap and its errno (Linux hands Xen's
    /// negative error back as errno: drivers/xen/evtchn.c, gntalloc.c, gntdev.c).
    case refused(operation: String, errno: Errno)
    /// Xen refused one entry of a grant-table operation: the hypercall returned, and the entry's
    /// status is not GNTST_okay (public/grant_table.h), named.
    case grantRefused(operation: String, status: GrantStatus)
    /// Every call succeeded but the round trip did not: no event, the wrong port, other bytes.
    case roundTripFailed(String)
    /// This domain's id is unknown (no HVM CPUID leaf with it, not the control domain), so no
    /// grant can name it.
    case domainUnknown
    /// A signal (SIGINT, SIGTERM, SIGHUP) interrupted the test; it released everything and stopped.
    case interrupted(signal: Int32)
    /// Not run on purpose: in this context the test is known to harm the system (the reason says
    /// where that was seen). This project's policy, not Xen's.
    case unsafeHere(String)

    /// The failure a system error of a self-test step means: on open, a missing node or a
    /// refusal of this user; EINTR after a caught signal, the interruption; else Xen's or the
    /// kernel's refusal of that step, by errno.
    static func from(_ error: SystemError, opening device: XenDevice? = nil, signal: Int32?) -> SelfTestFailure {
        if let signal, error.errno == .interrupted { return .interrupted(signal: signal) }
        if let device {
            switch error.errno {
            case .noSuchFile, .noSuchDevice, .noSuchDeviceOrAddress: return .moduleNotLoaded(device)
            case .permissionDenied, .notPermitted: return .noPermission(device, error.errno)
            default: break
            }
        }
        return .refused(operation: error.operation, errno: error.errno)
    }

    /// The failure a privcmd error of step `operation` means: privcmd absent or this user refused
    /// (on open), an error Xen or the kernel returned (by errno), or a buffer that failed without
    /// one (the round trip did not happen).
    static func from(_ error: HypercallError, operation: String, signal: Int32?) -> SelfTestFailure {
        if let signal, error.errno == .interrupted { return .interrupted(signal: signal) }
        switch (error.kind, error.errno) {
        case (.missing, _): return .moduleNotLoaded(.privcmd)
        case (.permission, let errno): return .noPermission(.privcmd, errno ?? .permissionDenied)
        case (_, let errno?): return .refused(operation: operation, errno: errno)
        default: return .roundTripFailed("\(operation): \(error.description)")
        }
    }

    /// One step of a self-test: its system error becomes the test's failure (`from`), and a
    /// signal caught meanwhile ends the test; a value made before that is released as it ends.
    static func step<T: ~Copyable>(_ system: any XenDeviceSystem, opening device: XenDevice?,
                                   _ call: () throws(SystemError) -> T) throws(SelfTestFailure) -> T {
        let value: T
        do throws(SystemError) {
            value = try call()
        } catch {
            throw from(error, opening: device, signal: system.caughtSignal())
        }
        if let signal = system.caughtSignal() { throw SelfTestFailure.interrupted(signal: signal) }
        return value
    }

    /// The errno's name as Linux and Xen spell it (public/errno.h matches Linux's numbers):
    /// "EPERM", or "errno N" for one Xen's header does not name.
    public static func name(_ errno: Errno) -> String {
        let name = XenErrno(rawValue: errno.rawValue).name
        return name.isEmpty ? "errno \(errno.rawValue)" : name
    }

    /// The verdict's short name for JSON: moduleNotLoaded, noPermission, refused (an errno or a
    /// grant status), roundTripFailed, domainUnknown, interrupted, unsafeHere.
    public var verdict: String {
        switch self {
        case .moduleNotLoaded: "moduleNotLoaded"
        case .noPermission: "noPermission"
        case .refused, .grantRefused: "refused"
        case .roundTripFailed: "roundTripFailed"
        case .domainUnknown: "domainUnknown"
        case .interrupted: "interrupted"
        case .unsafeHere: "unsafeHere"
        }
    }

    /// The errno's name, when the failure has one.
    public var errnoName: String? {
        switch self {
        case .noPermission(_, let e), .refused(_, let e): Self.name(e)
        default: nil
        }
    }

    /// `.missing`, `.permission`, `.system` (a refusal, or a failed round trip), `.unavailable`
    /// (domain unknown), `.refused` for an interruption; the CLI refines the statuses.
    public var kind: FailureKind {
        switch self {
        case .moduleNotLoaded: .missing
        case .noPermission: .permission
        case .refused, .grantRefused, .roundTripFailed: .system
        case .domainUnknown: .unavailable
        case .interrupted, .unsafeHere: .refused
        }
    }

    /// One line, e.g. "/dev/xen/evtchn is absent: the xen-evtchn module is not loaded (modprobe xen-evtchn)".
    public var description: String {
        switch self {
        case .moduleNotLoaded(let d):
            "\(d.path) is absent: the \(d.module) module is not loaded (modprobe \(d.module))"
        case .noPermission(let d, let e):
            "\(d.path): \(Self.name(e)) (\(e)): the self-test needs root"
        case .refused(let op, let e):
            "\(op) refused: \(Self.name(e)) (\(e))"
        case .grantRefused(let op, let status):
            "\(op) refused by Xen: \(status): \(status.text)"
        case .roundTripFailed(let what):
            "round trip failed: \(what)"
        case .domainUnknown:
            "this domain's id is unknown (no domid in the HVM CPUID leaf, /proc/xen/capabilities does not say control_d, and xenstore's domid node could not be read)"
        case .interrupted(let s):
            "interrupted by signal \(s); every port, grant and mapping was released"
        case .unsafeHere(let why):
            "refused here: \(why)"
        }
    }
}
