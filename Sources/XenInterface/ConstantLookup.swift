/// A named number from a Xen public header: one row of a `XenConstantGroup` table. The number
/// itself is the typed constant the generator wrote (Constants.generated.swift).
public struct XenConstant: Sendable, Equatable {
    /// The header's name without the group's prefix (`extraversion` for `XENVER_extraversion`).
    public let name: String
    /// The macro's value in the header (12 for `__HYPERVISOR_memory_op`).
    public let value: UInt32
}

/// A group of numbers that share a prefix in one header: the hypercall numbers of public/xen.h,
/// or one hypercall's sub-ops. For listing and for looking a number up by the name a user typed;
/// code names a number by its typed constant (`XENVER.extraversion`, `HypercallNumber.memory_op`).
public struct XenConstantGroup: Sendable {
    /// The hypercall (or table) the numbers belong to.
    public let group: String
    /// The header, relative to xen/include/public.
    public let header: String
    /// The prefix the header's names share (`XENVER_`).
    public let prefix: String
    /// The numbers, in header order.
    public let constants: [XenConstant]

    /// The number called `name`, with or without the prefix.
    public func value(_ name: String) -> UInt32? {
        constants.first { $0.name == name || prefix + $0.name == name }?.value
    }

    /// The name of `value` (the first one, for aliases).
    public func name(of value: UInt32) -> String? { constants.first { $0.value == value }?.name }

    /// The group the generator wrote under `group` (`hypercall`, `xen_version`, `memory_op`, ...).
    public static func named(_ group: String) -> XenConstantGroup? { all.first { $0.group == group } }

    /// The `__HYPERVISOR_` numbers of public/xen.h.
    public static var hypercalls: XenConstantGroup { all[0] }

    /// The sub-op group of a hypercall (e.g. "memory_op" → XENMEM_), if it has one.
    public static func subOps(of hypercall: String) -> XenConstantGroup? {
        all.dropFirst().first { $0.group == hypercall }
    }
}

extension XenErrno {
    /// The largest errno a result can carry: results in -maxErrno ... -1 are errors (Linux's
    /// MAX_ERRNO, include/linux/err.h, which privcmd's ioctl return follows; Xen's own errno
    /// values, public/errno.h, are all far below it).
    public static let maxErrno: Int64 = 4095

    /// The errno a negative hypercall result names, or nil for a non-error result.
    /// Hypercalls return -XEN_Exx.
    public init?(result: Int64) {
        guard result < 0, result >= -XenErrno.maxErrno else { return nil }
        self.init(rawValue: Int32(-result))
    }
}
