/// A Xen release, major.minor: the header trees the generator reads (`headerReleases`), and the
/// release a running Xen reports (XENVER_version, public/version.h: major << 16 | minor).
public struct XenRelease: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major version (4 in 4.20).
    public let major: UInt32
    /// The minor version (20 in 4.20).
    public let minor: UInt32
    /// Xen `major`.`minor`.
    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    /// Xen 4.17, Debian 12's: the oldest header tree read, so `since: .xen4_17` means "4.17 or earlier".
    public static let xen4_17 = XenRelease(major: 4, minor: 17)
    /// Xen 4.20, Debian 13's.
    public static let xen4_20 = XenRelease(major: 4, minor: 20)
    /// The oldest release whose headers were read: a constant it has is older than this toolkit can tell.
    public static var baseline: XenRelease { headerReleases[0] }

    /// Orders by major, then minor.
    public static func < (a: XenRelease, b: XenRelease) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
    /// "4.20".
    public var description: String { "\(major).\(minor)" }
}

/// A named number from a Xen public header: one row of a `XenConstantGroup` table. The number
/// itself is the typed constant the generator wrote (Constants.generated.swift).
public struct XenConstant: Sendable, Equatable {
    /// The header's name without the group's prefix (`extraversion` for `XENVER_extraversion`).
    public let name: String
    /// The macro's value in the header (12 for `__HYPERVISOR_memory_op`).
    public let value: UInt32
    /// The oldest release whose headers define it (`XenRelease.baseline` for "that one or earlier").
    public let since: XenRelease

    /// True when Xen `release`'s headers define it: for a release older than the baseline, as far
    /// as this toolkit can tell (it read no older headers).
    public func isDefined(in release: XenRelease) -> Bool { since <= release || since == .baseline }
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

    /// The constant with number `value` (the first one, for aliases).
    public func constant(of value: UInt32) -> XenConstant? { constants.first { $0.value == value } }

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
