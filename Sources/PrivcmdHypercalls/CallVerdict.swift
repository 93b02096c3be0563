import XenInterface

/// What one read-only call came to, as `hypercall selftest` reports it: Xen answered; Xen's policy
/// for this kind of domain refused it, the documented way; or it failed (any other error, or an
/// answer that does not decode).
public enum CallVerdict: Sendable, Equatable {
    /// Xen answered with a value.
    case answered
    /// Xen's policy refused the call for this domain; the reason cites the Xen source.
    case refusedByPolicy(reason: String)
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

    /// The verdict on `answer`.
    public static func verdict(_ answer: XenVersionAnswer) -> CallVerdict {
        if let errno = answer.result.errno {
            if answer.op == .build_id, errno == .EPERM {
                return .refusedByPolicy(reason: "XENVER_build_id needs a privileged domain under Xen's default XSM policy "
                    + "(xsm/dummy.h xsm_xen_version: XSM_PRIV; common/kernel.c returns -EPERM)")
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
