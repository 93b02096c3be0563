/// What Xen itself does when it writes a native (64-bit) value back into a 32-bit guest's
/// compat field or array element that cannot hold it, at the one place in Xen's source that does
/// that write. A fact about Xen, with its citation; this project's own (stricter) policy is
/// `XenCompat.NarrowingPolicy.strict`.
///
/// Xen's generated `XLAT_*` macros (xen/include/compat/xlat.h, from xlat.lst by
/// tools/get-fields.sh `handle_field` in 4.17, tools/compat-xlat-header.py `handle_field` since
/// 4.18) copy each scalar member with a plain assignment: converting it to
/// the narrower compat type keeps the low bits (C11 6.3.1.3 for unsigned types; gcc defines the
/// same reduction modulo 2^N for signed ones). Only some call sites compare before they copy.
public struct XenNarrowing: Sendable, Hashable, CustomStringConvertible {
    /// What happens to the value.
    public enum Behaviour: Sendable, Hashable {
        /// A plain C assignment to the compat type: the low bits are kept, silently.
        case truncates
        /// The value is compared after the assignment and the hypercall fails with this errno.
        case fails(XenErrno)
        /// The value is compared and the grant-table op's `status` becomes GNTST_address_too_big
        /// (public/grant_table.h).
        case grantStatusAddressTooBig
        /// Xen asserts that the value fits (`BUG_ON`: a value that did not would crash Xen).
        case asserts
        /// Xen never writes this back: it only reads it from the guest (compat → native). What
        /// its `XLAT_` assignment would do the other way is keep the low bits.
        case neverWritten
        /// A native member the compat layout lacks (cpu_user_regs' r8...r15): the `XLAT_` macro
        /// has no line for it, so Xen drops it, whatever its value.
        case dropped
    }

    /// What Xen does with a value that does not fit.
    public let behaviour: Behaviour
    /// The Xen source file, relative to xen/ (e.g. `common/compat/memory.c`).
    public let file: String
    /// The function (or generated macro) in `file` that does the write.
    public let function: String

    /// A fact about Xen's `file` and `function`.
    public init(_ behaviour: Behaviour, _ file: String, _ function: String) {
        self.behaviour = behaviour
        self.file = file
        self.function = function
    }

    /// True when Xen refuses (or asserts against) a value that does not fit, rather than
    /// keeping its low bits or dropping it.
    public var refuses: Bool {
        switch behaviour {
        case .fails, .grantStatusAddressTooBig, .asserts: return true
        case .truncates, .neverWritten, .dropped: return false
        }
    }

    /// What Xen does, in words, with where (`file` `function`).
    public var description: String {
        let what: String
        switch behaviour {
        case .truncates: what = "keeps the low 32 bits (plain assignment)"
        case let .fails(errno): what = "the hypercall fails with -\(errno.name)"
        case .grantStatusAddressTooBig: what = "the op's status becomes GNTST_address_too_big"
        case .asserts: what = "asserts it fits (BUG_ON)"
        case .neverWritten: what = "never writes it back (it only reads it)"
        case .dropped: what = "drops it (the compat layout has no such member)"
        }
        return "\(what), \(file) \(function)"
    }
}
