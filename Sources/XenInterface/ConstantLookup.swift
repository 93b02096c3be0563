/// Lookups into the generated tables (Constants.generated.swift, XenErrno.swift), for modules
/// that name a few numbers as typed values without repeating them.
extension XenConstantGroup {
    /// The group the generator wrote under `group` (`hypercall`, `xen_version`, `memory_op`, ...).
    public static func named(_ group: String) -> XenConstantGroup? { all.first { $0.group == group } }

    /// The number of `name` in `group`. Only for names the generator writes: a missing one is a
    /// programming error (XenInterfaceTests check every name a module asks for).
    public static func number(of name: String, in group: String) -> UInt32 {
        guard let value = named(group)?.value(name) else {
            preconditionFailure("\(group) has no \(name): see scripts/abi/gen-constants.py")
        }
        return value
    }
}

extension XenErrno {
    /// The largest errno a result can carry: results in -maxErrno ... -1 are errors (Linux's
    /// MAX_ERRNO, include/linux/err.h, which privcmd's ioctl return follows).
    public static let maxErrno: Int64 = 4095

    /// The errno a negative hypercall result names, or nil for a non-error result.
    /// Hypercalls return -XEN_Exx.
    public init?(result: Int64) {
        guard result < 0, result >= -XenErrno.maxErrno else { return nil }
        self.init(rawValue: Int32(-result))
    }
}
