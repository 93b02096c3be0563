// The Xen public-interface facts that are not a structure of the catalog and not a generated
// number: the sub-op sets this toolkit issues, typed over the generated constants, and the few
// sizes and ids the headers define as macros over types. Each cites its header (xen.git
// RELEASE-4.17.7, xen/include/public/); XenInterfaceTests compare every value here with gcc's
// reading of libxen-dev's headers.

/// `XENVER_*` sub-operations of xen_version, public/version.h, in header order. The case name
/// is the header's name without `XENVER_`.
public enum XenVersionOp: String, CaseIterable, Sendable {
    /// `XENVER_version`: arg NULL; returns major << 16 | minor.
    case version
    /// `XENVER_extraversion`: fills xen_extraversion_t (char[16]), e.g. ".7".
    case extraversion
    /// `XENVER_compile_info`: fills xen_compile_info_t (compiler, compile_by, compile_domain, compile_date).
    case compile_info
    /// `XENVER_capabilities`: fills xen_capabilities_info_t (char[1024]), e.g. "xen-3.0-x86_64 hvm-3.0-x86_32".
    case capabilities
    /// `XENVER_changeset`: fills xen_changeset_info_t (char[64]), the source revision.
    case changeset
    /// `XENVER_platform_parameters`: fills xen_platform_parameters_t { xen_ulong_t virt_start; }.
    case platform_parameters
    /// `XENVER_get_features`: fills xen_feature_info_t { unsigned submap_idx; uint32_t submap; } (XENFEAT_* bits).
    case get_features
    /// `XENVER_pagesize`: arg NULL; returns the page size.
    case pagesize
    /// `XENVER_guest_handle`: fills xen_domain_handle_t (uint8_t[16], the toolstack's UUID for the domain).
    case guest_handle
    /// `XENVER_commandline`: fills xen_commandline_t (char[1024]), Xen's boot command line.
    case commandline
    /// `XENVER_build_id`: fills xen_build_id_t { uint32_t len; unsigned char buf[]; }, len set by the caller.
    case build_id
    /// `XENVER_extraversion2` (since Xen 4.20): fills a xen_varbuf (the length protocol of
    /// `usesVariableBuffer`) with the whole extraversion, no NUL.
    case extraversion2
    /// `XENVER_capabilities2` (since Xen 4.20): the capabilities in a xen_varbuf, untruncated.
    case capabilities2
    /// `XENVER_changeset2` (since Xen 4.20): the changeset in a xen_varbuf, untruncated.
    case changeset2
    /// `XENVER_commandline2` (since Xen 4.20): Xen's command line in a xen_varbuf, untruncated.
    case commandline2

    /// The name without the `XENVER_` prefix, as the CLI spells it.
    public var name: String { rawValue }

    /// The sub-op number (`XENVER_*`).
    public var number: UInt32 {
        switch self {
        case .version: XENVER.version
        case .extraversion: XENVER.extraversion
        case .compile_info: XENVER.compile_info
        case .capabilities: XENVER.capabilities
        case .changeset: XENVER.changeset
        case .platform_parameters: XENVER.platform_parameters
        case .get_features: XENVER.get_features
        case .pagesize: XENVER.pagesize
        case .guest_handle: XENVER.guest_handle
        case .commandline: XENVER.commandline
        case .build_id: XENVER.build_id
        case .extraversion2: XENVER.extraversion2
        case .capabilities2: XENVER.capabilities2
        case .changeset2: XENVER.changeset2
        case .commandline2: XENVER.commandline2
        }
    }

    /// The oldest release whose public/version.h defines it (the generator's `since`).
    public var since: XenRelease {
        XenConstantGroup.named("xen_version")?.constant(of: number)?.since ?? .baseline
    }

    /// True for the non-truncating sub-ops of Xen 4.20 (public/version.h): a NULL argument asks
    /// for the length, then a xen_varbuf of that `len` receives that many bytes, no NUL, and the
    /// return value is the count written (xen/common/kernel.c, xenver_varbuf_op).
    public var usesVariableBuffer: Bool { truncatingCounterpart != nil }

    /// The older, truncating sub-op that answers the same string into a fixed array
    /// (extraversion2 → extraversion), nil for the others.
    public var truncatingCounterpart: XenVersionOp? {
        switch self {
        case .extraversion2: .extraversion
        case .capabilities2: .capabilities
        case .changeset2: .changeset
        case .commandline2: .commandline
        default: nil
        }
    }

    /// The sub-op called `name` (without `XENVER_`).
    public init?(name: String) { self.init(rawValue: name) }
    /// The sub-op with number `number`.
    public init?(number: UInt32) {
        guard let op = XenVersionOp.allCases.first(where: { $0.number == number }) else { return nil }
        self = op
    }
}

/// `XENMEM_*` read-only sub-operations of memory_op, public/memory.h.
public enum MemoryOp: String, Sendable, CaseIterable {
    /// `XENMEM_maximum_ram_page`: arg NULL; returns the largest machine frame number. Never fails.
    case maximum_ram_page
    /// `XENMEM_current_reservation`: arg struct xen_memory_domain { domid_t domid; }; returns the domain's page count.
    case current_reservation
    /// `XENMEM_maximum_reservation`: arg struct xen_memory_domain; returns the domain's page limit.
    case maximum_reservation
    /// `XENMEM_maximum_gpfn`: arg struct xen_memory_domain; returns the largest guest frame number in use.
    case maximum_gpfn

    /// The sub-op number (`XENMEM_*`).
    public var number: UInt32 {
        switch self {
        case .maximum_ram_page: XENMEM.maximum_ram_page
        case .current_reservation: XENMEM.current_reservation
        case .maximum_reservation: XENMEM.maximum_reservation
        case .maximum_gpfn: XENMEM.maximum_gpfn
        }
    }

    /// The sub-op with number `number`.
    public init?(number: UInt32) {
        guard let op = MemoryOp.allCases.first(where: { $0.number == number }) else { return nil }
        self = op
    }
}

/// `SCHEDOP_*` sub-operations of sched_op that this toolkit issues, public/sched.h.
public enum SchedOp: String, Sendable, CaseIterable {
    /// Gives up the rest of the time slice (arg NULL).
    case yield

    /// The sub-op number (`SCHEDOP_*`).
    public var number: UInt32 {
        switch self {
        case .yield: SCHEDOP.yield
        }
    }
}

/// The sizes of the character and byte arrays public/version.h and public/xen.h declare as
/// typedefs: they have no structure in the catalog, so they are written here, once.
public enum XenArrayTypedef {
    /// `XEN_EXTRAVERSION_LEN`, sizeof(xen_extraversion_t) (public/version.h).
    public static let XEN_EXTRAVERSION_LEN = 16
    /// `XEN_CAPABILITIES_INFO_LEN`, sizeof(xen_capabilities_info_t) (public/version.h).
    public static let XEN_CAPABILITIES_INFO_LEN = 1024
    /// `XEN_CHANGESET_INFO_LEN`, sizeof(xen_changeset_info_t) (public/version.h).
    public static let XEN_CHANGESET_INFO_LEN = 64
    /// sizeof(xen_commandline_t) (public/version.h: `char xen_commandline_t[1024]`).
    public static let xen_commandline_t = 1024
    /// sizeof(xen_domain_handle_t) (public/xen.h: `uint8_t xen_domain_handle_t[16]`, the toolstack's UUID).
    public static let xen_domain_handle_t = 16
}

/// public/features.h `XENFEAT_NR_SUBMAPS`: how many 32-bit submaps XENVER_get_features reports.
public let XENFEAT_NR_SUBMAPS: UInt32 = 1

/// One XENFEAT_* bit a guest saw set, named as one release's public/features.h names it.
public struct XenFeatureBit: Sendable, Equatable {
    /// The feature number: bit `number % 32` of submap `number / 32`.
    public let number: UInt32
    /// The header's name without `XENFEAT_`; nil when the release's headers do not name the bit
    /// (unknown, shown by number).
    public let name: String?
    /// The release that introduced the name, when it is newer than `XenRelease.baseline`.
    public let since: XenRelease?

    /// Feature `number`, named `name` (nil: unknown) since `since` (nil: the baseline).
    public init(number: UInt32, name: String?, since: XenRelease?) {
        self.number = number
        self.name = name
        self.since = since
    }

    /// The bits set in `submaps` (submap i holds features 32·i ..< 32·i + 32), each named as Xen
    /// `release`'s headers name it: a number those headers lack, or one only a newer release
    /// names (a bit 18 set by a 4.17 Xen), has no name. `release` nil: any release's names.
    public static func set(in submaps: [UInt32], release: XenRelease?) -> [XenFeatureBit] {
        let group = XenConstantGroup.named("xen_feature")
        var bits: [XenFeatureBit] = []
        for (index, submap) in submaps.enumerated() {
            for bit in 0..<32 where submap & (1 << UInt32(bit)) != 0 {
                let number = UInt32(index) * 32 + UInt32(bit)
                let known = group?.constant(of: number).flatMap { c in release.map { c.isDefined(in: $0) } ?? true ? c : nil }
                bits.append(XenFeatureBit(number: number, name: known?.name,
                                          since: known.flatMap { $0.since == .baseline ? nil : $0.since }))
            }
        }
        return bits
    }
}

/// public/xen.h `DOMID_SELF` (a domid_t, 16 bits): "used in certain contexts to refer to oneself".
public let DOMID_SELF: UInt16 = 0x7FF0

/// x86 pages are 4 KiB (Xen xen/arch/x86/include/asm/page.h PAGE_SHIFT; Linux include/xen/page.h
/// XEN_PAGE_SHIFT): the hypercall page and argument buffers are such pages.
public let XEN_PAGE_SHIFT: UInt64 = 12
/// `1 << XEN_PAGE_SHIFT`: 4096 bytes.
public let XEN_PAGE_SIZE = 1 << Int(XEN_PAGE_SHIFT)

/// xen/arch/x86/include/asm/hypercall.h HYPERCALL_VECTOR: the 32-bit PV hypercall trap (int $0x82).
public let HYPERCALL_VECTOR: UInt8 = 0x82
