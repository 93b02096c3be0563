/// A Swift value for one Xen structure: encodes to and decodes from either ABI's bytes
/// through the structure's one description.
public protocol XenStructure: Sendable, Equatable {
    /// The catalog's description of the C structure this type models.
    static var description: StructDescription { get }
    /// The value from decoded fields (a field missing from `value` is zero).
    init(_ value: StructValue)
    /// The fields, keyed by the description's member paths, for encoding.
    var value: StructValue { get }
}

extension XenStructure {
    /// The bytes of this value in the ABI of `model` (a value that does not fit is an error).
    public func encode(_ model: some DataModel) throws(ABIError) -> [UInt8] {
        try Self.description.layout(model).encode(value)
    }

    /// Decodes exactly one structure from `bytes` laid out for `model`.
    public static func decode(_ bytes: [UInt8], _ model: some DataModel) throws(ABIError) -> Self {
        Self(try description.layout(model).decodeExactly(bytes))
    }
}

/// One request of the mmu_update hypercall: struct mmu_update (public/xen.h).
public struct MMUUpdate: XenStructure {
    /// `StructDescription.mmu_update`.
    public static var description: StructDescription { .mmu_update }
    /// The machine address of the PTE; its low two bits are the command (`MMU.NORMAL_PT_UPDATE`, ...).
    public var ptr: UInt64
    /// The new contents of the PTE (for MMU_MACHPHYS_UPDATE: the guest frame number).
    public var val: UInt64
    /// An update request of `ptr` with `val`.
    public init(ptr: UInt64, val: UInt64) { self.ptr = ptr; self.val = val }
    /// From decoded `ptr` and `val` fields.
    public init(_ value: StructValue) { self.init(ptr: value["ptr"] ?? 0, val: value["val"] ?? 0) }
    /// The `ptr` and `val` fields.
    public var value: StructValue { StructValue(["ptr": [ptr], "val": [val]]) }
}

/// One call of a multicall batch: struct multicall_entry (public/xen.h).
public struct MulticallEntry: XenStructure {
    /// `StructDescription.multicall_entry`.
    public static var description: StructDescription { .multicall_entry }
    /// The hypercall number of this call (`HypercallNumber.rawValue`).
    public var op: UInt64
    /// The call's return value, as the `long` Xen stores (negative: -errno).
    public var result: Int64
    /// Up to six arguments, in the hypercall's order; missing ones encode as zero.
    public var args: [UInt64]
    /// A call of `op` with `args` (result 0 until Xen fills it).
    public init(op: UInt64, result: Int64 = 0, args: [UInt64]) { self.op = op; self.result = result; self.args = args }
    /// From decoded fields; `result` is taken as the 64-bit pattern (see `decode` for 32-bit entries).
    public init(_ value: StructValue) {
        self.init(op: value["op"] ?? 0, result: Int64(bitPattern: value["result"] ?? 0), args: value.fields["args"] ?? [])
    }
    /// `result` is stored in an unsigned field: in a 32-bit entry, -22 is 0xffffffea.
    public var value: StructValue { StructValue(["op": [op], "result": [UInt64(bitPattern: result)], "args": args]) }

    /// As `XenStructure.encode`, except that a negative `result` in a 32-bit entry is stored as
    /// its 32-bit two's complement (the `long` Xen writes there).
    public func encode(_ model: some DataModel) throws(ABIError) -> [UInt8] {
        var stored = value
        if model.size(of: .xenUlong) == 4, result < 0, result >= Int64(Int32.min) {
            stored["result"] = UInt64(UInt32(truncatingIfNeeded: result))
        }
        return try Self.description.layout(model).encode(stored)
    }

    /// As `XenStructure.decode`, with a 32-bit entry's `result` sign-extended from 32 bits.
    public static func decode(_ bytes: [UInt8], _ model: some DataModel) throws(ABIError) -> Self {
        var entry = Self(try description.layout(model).decodeExactly(bytes))
        if model.size(of: .xenUlong) == 4 { entry.result = Int64(Int32(truncatingIfNeeded: entry.result)) }
        return entry
    }
}

/// One request of the mmuext_op hypercall: struct mmuext_op (public/xen.h).
public struct MMUExtOp: XenStructure {
    /// `StructDescription.mmuext_op`.
    public static var description: StructDescription { .mmuext_op }
    /// MMUEXT_* (see `XenConstantGroup.subOps(of: "mmuext_op")`).
    public var cmd: UInt32
    /// arg1: mfn or linear_addr.
    public var arg1: UInt64
    /// arg2: nr_ents, vcpumask or src_mfn.
    public var arg2: UInt64
    /// Command `cmd` with its two union arguments (zero when the command takes none).
    public init(cmd: UInt32, arg1: UInt64 = 0, arg2: UInt64 = 0) { self.cmd = cmd; self.arg1 = arg1; self.arg2 = arg2 }
    /// From decoded fields: arg1 read through its widest alternative `mfn`, arg2 through `src_mfn`.
    public init(_ value: StructValue) {
        self.init(cmd: UInt32(truncatingIfNeeded: value["cmd"] ?? 0), arg1: value["arg1.mfn"] ?? 0,
                  arg2: value["arg2.src_mfn"] ?? 0)
    }
    /// `cmd`, `arg1.mfn` and `arg2.src_mfn` (each union written through its widest member).
    public var value: StructValue { StructValue(["cmd": [UInt64(cmd)], "arg1.mfn": [arg1], "arg2.src_mfn": [arg2]]) }
}

/// A vCPU's run state and time per state: struct vcpu_runstate_info (public/vcpu.h).
public struct VCPURunstateInfo: XenStructure {
    /// `StructDescription.vcpu_runstate_info`.
    public static var description: StructDescription { .vcpu_runstate_info }
    /// RUNSTATE_running, _runnable, _blocked, _offline (0...3).
    public var state: Int32
    /// `state_entry_time`: Xen system time (ns) when `state` was entered. With
    /// VMASST_TYPE_runstate_update_flag, bit 63 (XEN_RUNSTATE_UPDATE) is set while Xen updates it.
    public var stateEntryTime: UInt64
    /// Nanoseconds spent in each state.
    public var time: [UInt64]
    /// A runstate record; `time` holds up to four per-state totals.
    public init(state: Int32, stateEntryTime: UInt64, time: [UInt64]) {
        self.state = state; self.stateEntryTime = stateEntryTime; self.time = time
    }
    /// From decoded `state`, `state_entry_time` and `time` fields.
    public init(_ value: StructValue) {
        self.init(state: Int32(truncatingIfNeeded: Int64(bitPattern: value["state"] ?? 0)),
                  stateEntryTime: value["state_entry_time"] ?? 0, time: value.fields["time"] ?? [])
    }
    /// `state`, `state_entry_time` and `time`.
    public var value: StructValue {
        StructValue(["state": [UInt64(bitPattern: Int64(state))], "state_entry_time": [stateEntryTime], "time": time])
    }
}

/// The argument of XENMEM_increase_reservation, decrease_reservation and populate_physmap:
/// struct xen_memory_reservation (public/memory.h).
public struct MemoryReservation: XenStructure {
    /// `StructDescription.xen_memory_reservation`.
    public static var description: StructDescription { .xen_memory_reservation }
    /// Guest address of the xen_pfn_t array (XEN_GUEST_HANDLE(xen_pfn_t)).
    public var extentStart: UInt64
    /// `nr_extents`: how many extents the array holds (xen_ulong_t).
    public var nrExtents: UInt64
    /// `extent_order`: each extent is 2^order pages (0: single pages).
    public var extentOrder: UInt32
    /// `mem_flags`: XENMEMF_* (address bits, NUMA node, populate-on-demand, exact node).
    public var memFlags: UInt32
    /// `domid`: the domain whose reservation changes (DOMID_SELF for the caller).
    public var domid: UInt16
    /// A reservation request; order and flags default to single pages, no constraints.
    public init(extentStart: UInt64, nrExtents: UInt64, extentOrder: UInt32 = 0, memFlags: UInt32 = 0,
                domid: UInt16) {
        self.extentStart = extentStart; self.nrExtents = nrExtents; self.extentOrder = extentOrder
        self.memFlags = memFlags; self.domid = domid
    }
    /// From decoded fields (each truncated to its Swift type's width).
    public init(_ value: StructValue) {
        self.init(extentStart: value["extent_start"] ?? 0, nrExtents: value["nr_extents"] ?? 0,
                  extentOrder: UInt32(truncatingIfNeeded: value["extent_order"] ?? 0),
                  memFlags: UInt32(truncatingIfNeeded: value["mem_flags"] ?? 0),
                  domid: UInt16(truncatingIfNeeded: value["domid"] ?? 0))
    }
    /// The five header fields by name.
    public var value: StructValue {
        StructValue(["extent_start": [extentStart], "nr_extents": [nrExtents], "extent_order": [UInt64(extentOrder)],
                     "mem_flags": [UInt64(memFlags)], "domid": [UInt64(domid)]])
    }
}
