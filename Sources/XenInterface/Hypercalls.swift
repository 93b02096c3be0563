/// One register-sized argument of a hypercall, or a 64-bit value that the x86_32 ABI passes
/// in two registers (low word first).
public enum ArgumentKind: Sendable, Equatable {
    /// `unsigned long`, `unsigned int`, `int`, a pointer or guest handle: one register.
    case word
    /// A `uint64_t` argument: one register on x86_64, low then high half on x86_32.
    case wide
}

/// One declared argument of a hypercall handler (xen/include/hypercall-defs.c).
public struct HypercallArgument: Sendable, Equatable {
    /// The handler parameter's name in hypercall-defs.c (`cmd`, `arg`, `ureqs`, ...).
    public let name: String
    /// How many registers it takes.
    public let kind: ArgumentKind
    /// An argument called `name` (one register unless `.wide`).
    public init(_ name: String, _ kind: ArgumentKind = .word) {
        self.name = name
        self.kind = kind
    }
}

/// A hypercall number, public/xen.h `__HYPERVISOR_*`. Every number of the header is a typed
/// constant (`HypercallNumber.memory_op`, generated into Constants.generated.swift). On x86 the
/// hypercall page holds a 32-byte stub per number, at 32 times the number.
public struct HypercallNumber: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The number Xen dispatches on (rax/eax, or the privcmd ioctl's `op`).
    public let rawValue: UInt32
    /// The hypercall with number `rawValue` (any number: Xen answers an unknown one -ENOSYS).
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The header's name without `__HYPERVISOR_`, or "hypercall N" for a number the header lacks.
    public var description: String { XenConstantGroup.hypercalls.name(of: rawValue) ?? "hypercall \(rawValue)" }
}

/// A hypercall: its number (public/xen.h) and its arguments per ABI, as Xen's
/// xen/include/hypercall-defs.c declares the native (`do_`) and compat handlers.
public struct HypercallSignature: Sendable {
    /// The header's name without `__HYPERVISOR_` (`memory_op`).
    public var name: String { hypercall.description }
    /// The hypercall's number (public/xen.h `__HYPERVISOR_*`).
    public let hypercall: HypercallNumber
    /// The number as Xen receives it.
    public var number: UInt32 { hypercall.rawValue }
    private let arguments32: [HypercallArgument]
    private let arguments64: [HypercallArgument]

    init(_ hypercall: HypercallNumber, _ arguments: [HypercallArgument]) {
        self.init(hypercall, x86_32: arguments, x86_64: arguments)
    }

    init(_ hypercall: HypercallNumber, x86_32: [HypercallArgument], x86_64: [HypercallArgument]) {
        self.hypercall = hypercall
        self.arguments32 = x86_32
        self.arguments64 = x86_64
    }

    /// The arguments in the order the handler takes them, for one ABI (the 32-bit ABI passes a
    /// `.wide` argument in two registers).
    public func arguments(_ architecture: Architecture) -> [HypercallArgument] {
        architecture == .x86_32 ? arguments32 : arguments64
    }
}

extension HypercallSignature {
    private static func words(_ names: String...) -> [HypercallArgument] { names.map { HypercallArgument($0) } }

    /// The guest-callable x86 hypercalls, in number order.
    public static let all: [HypercallSignature] = [
        HypercallSignature(.set_trap_table, words("traps")),
        HypercallSignature(.mmu_update, words("ureqs", "count", "pdone", "foreigndom")),
        HypercallSignature(.set_gdt, words("frame_list", "entries")),
        HypercallSignature(.stack_switch, words("ss", "esp")),
        HypercallSignature(.set_callbacks,
                           x86_32: words("event_selector", "event_address", "failsafe_selector", "failsafe_address"),
                           x86_64: words("event_address", "failsafe_address", "syscall_address")),
        HypercallSignature(.fpu_taskswitch, words("set")),
        HypercallSignature(.sched_op_compat, words("cmd", "arg")),
        HypercallSignature(.platform_op, words("op")),
        HypercallSignature(.set_debugreg, words("reg", "value")),
        HypercallSignature(.get_debugreg, words("reg")),
        HypercallSignature(.update_descriptor, [HypercallArgument("ma", .wide), HypercallArgument("desc", .wide)]),
        HypercallSignature(.memory_op, words("cmd", "arg")),
        HypercallSignature(.multicall, words("call_list", "nr_calls")),
        HypercallSignature(.update_va_mapping,
                           [HypercallArgument("va"), HypercallArgument("val", .wide), HypercallArgument("flags")]),
        HypercallSignature(.set_timer_op, [HypercallArgument("timeout", .wide)]),
        HypercallSignature(.event_channel_op_compat, words("uop")),
        HypercallSignature(.xen_version, words("cmd", "arg")),
        HypercallSignature(.console_io, words("cmd", "count", "buffer")),
        HypercallSignature(.physdev_op_compat, words("uop")),
        HypercallSignature(.grant_table_op, words("cmd", "uop", "count")),
        HypercallSignature(.vm_assist, words("cmd", "type")),
        HypercallSignature(.update_va_mapping_otherdomain,
                           [HypercallArgument("va"), HypercallArgument("val", .wide), HypercallArgument("flags"),
                            HypercallArgument("domid")]),
        HypercallSignature(.iret, []),
        HypercallSignature(.vcpu_op, words("cmd", "vcpuid", "arg")),
        HypercallSignature(.set_segment_base, x86_32: [], x86_64: words("which", "base")),
        HypercallSignature(.mmuext_op, words("uops", "count", "pdone", "foreigndom")),
        HypercallSignature(.xsm_op, words("op")),
        HypercallSignature(.nmi_op, words("cmd", "arg")),
        HypercallSignature(.sched_op, words("cmd", "arg")),
        HypercallSignature(.callback_op, words("cmd", "arg")),
        HypercallSignature(.xenoprof_op, words("op", "arg")),
        HypercallSignature(.event_channel_op, words("cmd", "arg")),
        HypercallSignature(.physdev_op, words("cmd", "arg")),
        HypercallSignature(.hvm_op, words("op", "arg")),
        HypercallSignature(.sysctl, words("u_sysctl")),
        HypercallSignature(.domctl, words("u_domctl")),
        HypercallSignature(.kexec_op, words("op", "uarg")),
        HypercallSignature(.argo_op, words("cmd", "arg1", "arg2", "arg3", "arg4")),
        HypercallSignature(.xenpmu_op, words("op", "arg")),
        HypercallSignature(.dm_op, words("domid", "nr_bufs", "bufs")),
        HypercallSignature(.hypfs_op, words("cmd", "arg1", "arg2", "arg3", "arg4")),
    ]

    /// The signature of `hypercall`; nil for a number the table does not describe (an
    /// architecture-reserved or unused one).
    public static func of(_ hypercall: HypercallNumber) -> HypercallSignature? {
        all.first { $0.hypercall == hypercall }
    }

    /// The hypercall called `name` (with or without `__HYPERVISOR_`), or with that number.
    public static func named(_ name: String) -> HypercallSignature? {
        let bare = name.hasPrefix("__HYPERVISOR_") ? String(name.dropFirst(13)) : name
        if let number = UInt32(bare) { return all.first { $0.number == number } }
        return all.first { $0.name == bare }
    }
}

/// A register and the value it carries.
public struct RegisterValue: Sendable, Equatable {
    /// The register's name in lower case (`rax`, `ebx`, `r10`).
    public let register: String
    /// Its value; for a 32-bit register, the low 32 bits only.
    public let value: UInt64
    /// `register` holding `value`.
    public init(_ register: String, _ value: UInt64) {
        self.register = register
        self.value = value
    }
}

/// What a hypercall returned: a value (>= 0, or any value outside the error range), or a negated
/// Xen errno (-`XenErrno.maxErrno` ... -1 in the return register, public/errno.h).
public struct HypercallResult: Sendable, Equatable, CustomStringConvertible {
    /// The return register, widened to 64 bits (sign-extended for x86_32).
    public let rc: Int64
    /// A result as the return register holds it.
    public init(rc: Int64) { self.rc = rc }

    /// The Xen errno when `rc` is an error.
    public var errno: XenErrno? { XenErrno(result: rc) }
    /// The value when `rc` is not an error.
    public var value: Int64? { errno == nil ? rc : nil }

    /// "-ENOSYS" for an error, else the value.
    public var description: String { errno.map { "-\($0.name)" } ?? String(rc) }
}
