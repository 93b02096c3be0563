/// One register-sized argument of a hypercall, or a 64-bit value that the x86_32 ABI passes
/// in two registers (low word first).
public enum ArgumentKind: Sendable, Equatable {
    /// `unsigned long`, `unsigned int`, `int`, a pointer or guest handle: one register.
    case word
    /// A `uint64_t` argument: one register on x86_64, low then high half on x86_32.
    case wide
}

public struct HypercallArgument: Sendable, Equatable {
    public let name: String
    public let kind: ArgumentKind
    public init(_ name: String, _ kind: ArgumentKind = .word) {
        self.name = name
        self.kind = kind
    }
}

/// A hypercall: its number (public/xen.h) and its arguments per ABI, as Xen's
/// xen/include/hypercall-defs.c declares the native (`do_`) and compat handlers.
public struct HypercallSignature: Sendable {
    public let name: String
    public let number: UInt32
    private let arguments32: [HypercallArgument]
    private let arguments64: [HypercallArgument]

    init(_ name: String, _ arguments: [HypercallArgument]) {
        self.init(name, x86_32: arguments, x86_64: arguments)
    }

    init(_ name: String, x86_32: [HypercallArgument], x86_64: [HypercallArgument]) {
        self.name = name
        // Every name here is one of public/xen.h's __HYPERVISOR_ numbers (checked by a test).
        self.number = XenConstantGroup.hypercalls.value(name) ?? UInt32.max
        self.arguments32 = x86_32
        self.arguments64 = x86_64
    }

    public func arguments(_ architecture: Architecture) -> [HypercallArgument] {
        architecture == .x86_32 ? arguments32 : arguments64
    }
}

extension XenConstantGroup {
    /// The `__HYPERVISOR_` numbers of public/xen.h.
    public static var hypercalls: XenConstantGroup { all[0] }

    /// The sub-op group of a hypercall (e.g. "memory_op" → XENMEM_), if it has one.
    public static func subOps(of hypercall: String) -> XenConstantGroup? {
        all.dropFirst().first { $0.group == hypercall }
    }
}

extension HypercallSignature {
    private static func words(_ names: String...) -> [HypercallArgument] { names.map { HypercallArgument($0) } }

    /// The guest-callable x86 hypercalls, in number order.
    public static let all: [HypercallSignature] = [
        HypercallSignature("set_trap_table", words("traps")),
        HypercallSignature("mmu_update", words("ureqs", "count", "pdone", "foreigndom")),
        HypercallSignature("set_gdt", words("frame_list", "entries")),
        HypercallSignature("stack_switch", words("ss", "esp")),
        HypercallSignature("set_callbacks",
                           x86_32: words("event_selector", "event_address", "failsafe_selector", "failsafe_address"),
                           x86_64: words("event_address", "failsafe_address", "syscall_address")),
        HypercallSignature("fpu_taskswitch", words("set")),
        HypercallSignature("sched_op_compat", words("cmd", "arg")),
        HypercallSignature("platform_op", words("op")),
        HypercallSignature("set_debugreg", words("reg", "value")),
        HypercallSignature("get_debugreg", words("reg")),
        HypercallSignature("update_descriptor", [HypercallArgument("ma", .wide), HypercallArgument("desc", .wide)]),
        HypercallSignature("memory_op", words("cmd", "arg")),
        HypercallSignature("multicall", words("call_list", "nr_calls")),
        HypercallSignature("update_va_mapping",
                           [HypercallArgument("va"), HypercallArgument("val", .wide), HypercallArgument("flags")]),
        HypercallSignature("set_timer_op", [HypercallArgument("timeout", .wide)]),
        HypercallSignature("event_channel_op_compat", words("uop")),
        HypercallSignature("xen_version", words("cmd", "arg")),
        HypercallSignature("console_io", words("cmd", "count", "buffer")),
        HypercallSignature("physdev_op_compat", words("uop")),
        HypercallSignature("grant_table_op", words("cmd", "uop", "count")),
        HypercallSignature("vm_assist", words("cmd", "type")),
        HypercallSignature("update_va_mapping_otherdomain",
                           [HypercallArgument("va"), HypercallArgument("val", .wide), HypercallArgument("flags"),
                            HypercallArgument("domid")]),
        HypercallSignature("iret", []),
        HypercallSignature("vcpu_op", words("cmd", "vcpuid", "arg")),
        HypercallSignature("set_segment_base", x86_32: [], x86_64: words("which", "base")),
        HypercallSignature("mmuext_op", words("uops", "count", "pdone", "foreigndom")),
        HypercallSignature("xsm_op", words("op")),
        HypercallSignature("nmi_op", words("cmd", "arg")),
        HypercallSignature("sched_op", words("cmd", "arg")),
        HypercallSignature("callback_op", words("cmd", "arg")),
        HypercallSignature("xenoprof_op", words("op", "arg")),
        HypercallSignature("event_channel_op", words("cmd", "arg")),
        HypercallSignature("physdev_op", words("cmd", "arg")),
        HypercallSignature("hvm_op", words("op", "arg")),
        HypercallSignature("sysctl", words("u_sysctl")),
        HypercallSignature("domctl", words("u_domctl")),
        HypercallSignature("kexec_op", words("op", "uarg")),
        HypercallSignature("argo_op", words("cmd", "arg1", "arg2", "arg3", "arg4")),
        HypercallSignature("xenpmu_op", words("op", "arg")),
        HypercallSignature("dm_op", words("domid", "nr_bufs", "bufs")),
        HypercallSignature("hypfs_op", words("cmd", "arg1", "arg2", "arg3", "arg4")),
    ]

    /// The hypercall called `name` (with or without `__HYPERVISOR_`), or with that number.
    public static func named(_ name: String) -> HypercallSignature? {
        let bare = name.hasPrefix("__HYPERVISOR_") ? String(name.dropFirst(13)) : name
        if let number = UInt32(bare) { return all.first { $0.number == number } }
        return all.first { $0.name == bare }
    }
}

/// A register and the value it carries.
public struct RegisterValue: Sendable, Equatable {
    public let register: String
    public let value: UInt64
    public init(_ register: String, _ value: UInt64) {
        self.register = register
        self.value = value
    }
}

/// What a hypercall returned: a value, or a negated Xen errno (-4095...-1 in the return register).
public enum HypercallResult: Sendable, Equatable {
    case value(Int64)
    case error(XenErrno)

    /// Interprets a return value already widened to 64 bits (sign-extended for x86_32).
    public init(signed value: Int64) {
        if value < 0 && value >= -4095 {
            self = .error(XenErrno(rawValue: Int32(-value)))
        } else {
            self = .value(value)
        }
    }
}
