import XenInterface

/// What one read-only call came to, as `hypercall selftest` reports it: Xen answered; Xen's policy
/// for this kind of domain refused it, the documented way; this Xen release does not offer the
/// sub-op (one a newer release introduced); or it failed (any other error, or an answer that does
/// not decode).
public enum CallVerdict: Sendable, Equatable {
    /// Xen answered with a value.
    case answered
    /// Xen's policy refused the call for this domain; the reason cites the Xen source.
    case refusedByPolicy(reason: String)
    /// The running Xen is older than the release that introduced the sub-op and answered -ENOSYS,
    /// as do_xen_version does for a sub-op it does not know (xen/common/kernel.c); the reason
    /// names both releases.
    case notOffered(reason: String)
    /// Any other error, or a malformed answer; the reason says which.
    case failed(reason: String)

    /// True for `.failed`: what makes the self test exit 3.
    public var isFailure: Bool { if case .failed = self { true } else { false } }
}

/// The refusals of Xen's default policy (the XSM dummy module, xen/include/xsm/dummy.h
/// xsm_xen_version, the same in Xen 4.17 and 4.20): XENVER_version, platform_parameters and
/// get_features answer every guest; extraversion, compile_info, capabilities, changeset, pagesize
/// and guest_handle "MUST always be accessible to any guest"; every other sub-op needs a privileged
/// domain (XSM_PRIV). For those, xen/common/kernel.c do_xen_version answers an unprivileged domain
/// `xen_deny()` ("<denied>", xen/common/version.c) instead of the command line, and -EPERM for the
/// build id.
public enum XenVersionPolicy {
    /// What xen_deny() returns (xen/common/version.c), in place of a denied string.
    public static let deniedText = "<denied>"

    /// The verdict on `answer`, from a Xen of release `running` (XENVER_version's; nil when unknown).
    public static func verdict(_ answer: XenVersionAnswer, running: XenRelease? = nil) -> CallVerdict {
        if let errno = answer.result.errno {
            if answer.op == .build_id || answer.op == .commandline2, errno == .EPERM {
                return .refusedByPolicy(reason: "XENVER_\(answer.op.name) needs a privileged domain under Xen's default XSM policy "
                    + "(xsm/dummy.h xsm_xen_version: XSM_PRIV; common/kernel.c returns -EPERM)")
            }
            // A sub-op newer than the running Xen: do_xen_version's `return -ENOSYS` for one it
            // lacks (xen/common/kernel.c, 4.17 and 4.20 alike). Only when the running release is
            // known to be older: a 4.20 answering -ENOSYS to a 4.20 sub-op has failed.
            if errno == .ENOSYS, let running, running < answer.op.since {
                return .notOffered(reason: "not offered by Xen \(running): ENOSYS (XENVER_\(answer.op.name) is new in Xen "
                    + "\(answer.op.since)'s public/version.h; xen/common/kernel.c do_xen_version answers -ENOSYS for a sub-op it lacks)")
            }
            return .failed(reason: "-\(errno.name) (\(errno.text))")
        }
        guard let value = answer.value else { return .failed(reason: "the answer does not decode") }
        if answer.op == .commandline, case .text(deniedText) = value {
            return .refusedByPolicy(reason: "XENVER_commandline needs a privileged domain under Xen's default XSM policy "
                + "(xsm/dummy.h xsm_xen_version: XSM_PRIV; common/kernel.c answers xen_deny(), \"<denied>\")")
        }
        return .answered
    }

    /// The verdict on a memory_op or sched_op query: no policy refuses them (Xen answers every
    /// guest about its own domain, xen/common/memory.c; sched_op yield is always allowed).
    public static func verdict(_ result: HypercallResult) -> CallVerdict {
        guard let errno = result.errno else { return .answered }
        return .failed(reason: "-\(errno.name) (\(errno.text))")
    }
}
