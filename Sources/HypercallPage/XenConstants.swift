// The few Xen public-interface constants the hypercall work needs, each with the header it
// comes from (xen.git RELEASE-4.17.7, xen/include/public/). Kept together so they move
// easily into XenInterface when that module carries them.

/// A hypercall number, public/xen.h `__HYPERVISOR_*`.
public struct HypercallNumber: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let memory_op = HypercallNumber(rawValue: 12)    // public/xen.h __HYPERVISOR_memory_op
    public static let xen_version = HypercallNumber(rawValue: 17)  // public/xen.h __HYPERVISOR_xen_version
    public static let iret = HypercallNumber(rawValue: 23)         // public/xen.h __HYPERVISOR_iret (x86 only)
    public static let sched_op = HypercallNumber(rawValue: 29)     // public/xen.h __HYPERVISOR_sched_op

    public var description: String {
        switch self {
        case .memory_op: return "memory_op"
        case .xen_version: return "xen_version"
        case .iret: return "iret"
        case .sched_op: return "sched_op"
        default: return "hypercall \(rawValue)"
        }
    }
}

/// `XENVER_*` sub-operations of xen_version, public/version.h, in header order.
public enum XenVersionOp: UInt32, CaseIterable, Sendable {
    case version = 0              // arg NULL; returns major << 16 | minor
    case extraversion = 1         // arg xen_extraversion_t (char[16])
    case compile_info = 2         // arg xen_compile_info_t
    case capabilities = 3         // arg xen_capabilities_info_t (char[1024])
    case changeset = 4            // arg xen_changeset_info_t (char[64])
    case platform_parameters = 5  // arg xen_platform_parameters_t { xen_ulong_t virt_start; }
    case get_features = 6         // arg xen_feature_info_t { unsigned submap_idx; uint32_t submap; }
    case pagesize = 7             // arg NULL; returns the page size
    case guest_handle = 8         // arg xen_domain_handle_t (uint8_t[16])
    case commandline = 9          // arg xen_commandline_t (char[1024])
    case build_id = 10            // arg xen_build_id_t { uint32_t len; unsigned char buf[]; }

    /// The name without the `XENVER_` prefix, as the CLI spells it.
    public var name: String {
        switch self {
        case .version: return "version"
        case .extraversion: return "extraversion"
        case .compile_info: return "compile_info"
        case .capabilities: return "capabilities"
        case .changeset: return "changeset"
        case .platform_parameters: return "platform_parameters"
        case .get_features: return "get_features"
        case .pagesize: return "pagesize"
        case .guest_handle: return "guest_handle"
        case .commandline: return "commandline"
        case .build_id: return "build_id"
        }
    }

    public init?(name: String) {
        guard let op = XenVersionOp.allCases.first(where: { $0.name == name }) else { return nil }
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
public enum MemoryOp: UInt32, Sendable {
    case maximum_ram_page = 2     // arg NULL; never fails
    case current_reservation = 3  // arg struct xen_memory_domain { domid_t domid; }
    case maximum_reservation = 4  // arg struct xen_memory_domain
    case maximum_gpfn = 14        // arg struct xen_memory_domain
}

/// `SCHEDOP_*` of sched_op, public/sched.h.
public enum SchedOp: UInt32, Sendable {
    case yield = 0  // arg NULL
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

/// A Xen error number, public/errno.h (`XEN_E*`); hypercalls return its negation.
public struct XenErrno: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let EPERM = XenErrno(rawValue: 1)      // public/errno.h
    public static let ENOSYS = XenErrno(rawValue: 38)    // public/errno.h
    public static let ENOBUFS = XenErrno(rawValue: 105)  // public/errno.h

    /// The largest errno a result can carry: results in -maxErrno ... -1 are errors (Linux's
    /// MAX_ERRNO, include/linux/err.h, which privcmd's ioctl return follows).
    public static let maxErrno: Int64 = 4095

    /// The errno a negative hypercall result names, or nil for a non-error result.
    /// Hypercalls return -XEN_Exx.
    public init?(result: Int64) {
        guard result < 0, result >= -XenErrno.maxErrno else { return nil }
        self.init(rawValue: Int32(-result))
    }

    /// The header's name (`EPERM`), or `E<n>` for a value public/errno.h does not list.
    public var name: String { XenErrno.table.first { $0.value == rawValue }?.name ?? "E\(rawValue)" }
    /// The header's comment for it.
    public var text: String { XenErrno.table.first { $0.value == rawValue }?.text ?? "unknown Xen error" }
    public var description: String { "\(name) (\(text))" }

    /// public/errno.h, in header order (aliases EWOULDBLOCK and EDEADLOCK left out: they
    /// share EAGAIN's and EDEADLK's values).
    static let table: [(value: Int32, name: String, text: String)] = [
        (1, "EPERM", "Operation not permitted"),
        (2, "ENOENT", "No such file or directory"),
        (3, "ESRCH", "No such process"),
        (4, "EINTR", "Interrupted system call"),
        (5, "EIO", "I/O error"),
        (6, "ENXIO", "No such device or address"),
        (7, "E2BIG", "Arg list too long"),
        (8, "ENOEXEC", "Exec format error"),
        (9, "EBADF", "Bad file number"),
        (10, "ECHILD", "No child processes"),
        (11, "EAGAIN", "Try again"),
        (12, "ENOMEM", "Out of memory"),
        (13, "EACCES", "Permission denied"),
        (14, "EFAULT", "Bad address"),
        (16, "EBUSY", "Device or resource busy"),
        (17, "EEXIST", "File exists"),
        (18, "EXDEV", "Cross-device link"),
        (19, "ENODEV", "No such device"),
        (20, "ENOTDIR", "Not a directory"),
        (21, "EISDIR", "Is a directory"),
        (22, "EINVAL", "Invalid argument"),
        (23, "ENFILE", "File table overflow"),
        (24, "EMFILE", "Too many open files"),
        (28, "ENOSPC", "No space left on device"),
        (30, "EROFS", "Read-only file system"),
        (31, "EMLINK", "Too many links"),
        (33, "EDOM", "Math argument out of domain of func"),
        (34, "ERANGE", "Math result not representable"),
        (35, "EDEADLK", "Resource deadlock would occur"),
        (36, "ENAMETOOLONG", "File name too long"),
        (37, "ENOLCK", "No record locks available"),
        (38, "ENOSYS", "Function not implemented"),
        (39, "ENOTEMPTY", "Directory not empty"),
        (61, "ENODATA", "No data available"),
        (62, "ETIME", "Timer expired"),
        (74, "EBADMSG", "Not a data message"),
        (75, "EOVERFLOW", "Value too large for defined data type"),
        (84, "EILSEQ", "Illegal byte sequence"),
        (85, "ERESTART", "Interrupted system call should be restarted"),
        (88, "ENOTSOCK", "Socket operation on non-socket"),
        (90, "EMSGSIZE", "Message too large."),
        (95, "EOPNOTSUPP", "Operation not supported on transport endpoint"),
        (98, "EADDRINUSE", "Address already in use"),
        (99, "EADDRNOTAVAIL", "Cannot assign requested address"),
        (105, "ENOBUFS", "No buffer space available"),
        (106, "EISCONN", "Transport endpoint is already connected"),
        (107, "ENOTCONN", "Transport endpoint is not connected"),
        (110, "ETIMEDOUT", "Connection timed out"),
        (111, "ECONNREFUSED", "Connection refused"),
    ]
}
