// The Xen public-interface numbers the hypercall work names as typed values. The numbers come
// from XenInterface's tables, generated from libxen-dev's headers (scripts/abi/gen-constants.py),
// so each is written once; sizes without a generated counterpart are below, each citing its
// header (xen.git RELEASE-4.17.7, xen/include/public/).
import XenInterface

/// A hypercall number, public/xen.h `__HYPERVISOR_*`.
public struct HypercallNumber: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    init(_ name: String) { self.init(rawValue: XenConstantGroup.number(of: name, in: "hypercall")) }

    public static let memory_op = HypercallNumber("memory_op")
    public static let xen_version = HypercallNumber("xen_version")
    public static let iret = HypercallNumber("iret")  // x86 only
    public static let sched_op = HypercallNumber("sched_op")

    /// The header's name without `__HYPERVISOR_`.
    public var description: String {
        XenConstantGroup.named("hypercall")?.constants.first { $0.value == rawValue }?.name ?? "hypercall \(rawValue)"
    }
}

/// `XENVER_*` sub-operations of xen_version, public/version.h, in header order. The case name
/// is the header's name without `XENVER_`.
public enum XenVersionOp: String, CaseIterable, Sendable {
    case version              // arg NULL; returns major << 16 | minor
    case extraversion         // arg xen_extraversion_t (char[16])
    case compile_info         // arg xen_compile_info_t
    case capabilities         // arg xen_capabilities_info_t (char[1024])
    case changeset            // arg xen_changeset_info_t (char[64])
    case platform_parameters  // arg xen_platform_parameters_t { xen_ulong_t virt_start; }
    case get_features         // arg xen_feature_info_t { unsigned submap_idx; uint32_t submap; }
    case pagesize             // arg NULL; returns the page size
    case guest_handle         // arg xen_domain_handle_t (uint8_t[16])
    case commandline          // arg xen_commandline_t (char[1024])
    case build_id             // arg xen_build_id_t { uint32_t len; unsigned char buf[]; }

    /// The name without the `XENVER_` prefix, as the CLI spells it.
    public var name: String { rawValue }
    /// The sub-op number.
    public var number: UInt32 { XenConstantGroup.number(of: rawValue, in: "xen_version") }

    public init?(name: String) { self.init(rawValue: name) }
    public init?(number: UInt32) {
        guard let op = XenVersionOp.allCases.first(where: { $0.number == number }) else { return nil }
        self = op
    }
}

/// Sizes of the xen_version argument buffers, public/version.h.
public enum XenVersionLayout {
    public static let XEN_EXTRAVERSION_LEN = 16         // sizeof(xen_extraversion_t)
    /// xen_compile_info: compiler[64], compile_by[16], compile_domain[32], compile_date[32].
    public static let compileInfoFields = [64, 16, 32, 32]
    public static let XEN_CAPABILITIES_INFO_LEN = 1024  // sizeof(xen_capabilities_info_t)
    public static let XEN_CHANGESET_INFO_LEN = 64       // sizeof(xen_changeset_info_t)
    public static let platformParametersSize = 8        // xen_ulong_t virt_start (x86_64)
    public static let featureInfoSize = 8               // unsigned int submap_idx; uint32_t submap
    public static let domainHandleSize = 16             // public/xen.h xen_domain_handle_t
    public static let commandlineSize = 1024            // sizeof(xen_commandline_t)
    public static let buildIDHeaderSize = 4             // uint32_t len before buf[]
}

/// public/features.h: how many 32-bit submaps XENVER_get_features reports.
public let XENFEAT_NR_SUBMAPS: UInt32 = 1

/// `XENMEM_*` read-only sub-operations of memory_op, public/memory.h.
public enum MemoryOp: String, Sendable, CaseIterable {
    case maximum_ram_page     // arg NULL; never fails
    case current_reservation  // arg struct xen_memory_domain { domid_t domid; }
    case maximum_reservation  // arg struct xen_memory_domain
    case maximum_gpfn         // arg struct xen_memory_domain

    public var number: UInt32 { XenConstantGroup.number(of: rawValue, in: "memory_op") }
    public init?(number: UInt32) {
        guard let op = MemoryOp.allCases.first(where: { $0.number == number }) else { return nil }
        self = op
    }
}

/// `SCHEDOP_*` of sched_op, public/sched.h.
public enum SchedOp: String, Sendable {
    case yield  // arg NULL

    public var number: UInt32 { XenConstantGroup.number(of: rawValue, in: "sched_op") }
}

/// public/xen.h: `DOMID_SELF` (domid_t, 16 bits), "used in certain contexts to refer to oneself".
public let DOMID_SELF: UInt16 = 0x7FF0

/// public/xen.h / asm page size: the hypercall page and buffers are 4 KiB pages.
public let XEN_PAGE_SHIFT: UInt64 = 12
public let XEN_PAGE_SIZE = 1 << Int(XEN_PAGE_SHIFT)

/// xen/arch/x86/include/asm/hypercall.h HYPERCALL_VECTOR: the 32-bit PV hypercall trap (int $0x82).
public let HYPERCALL_VECTOR: UInt8 = 0x82

/// public/arch-x86/cpuid.h: the Xen leaves start here (or at 0x40000100 with Viridian).
public let XEN_CPUID_FIRST_LEAF: UInt32 = 0x40000000
