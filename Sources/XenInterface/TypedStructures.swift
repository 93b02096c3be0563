/// A Swift value for one Xen structure: encodes to and decodes from either ABI's bytes
/// through the structure's one description.
public protocol XenStructure: Sendable, Equatable {
    static var description: StructDescription { get }
    init(_ value: StructValue)
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

/// struct mmu_update (public/xen.h).
public struct MMUUpdate: XenStructure {
    public static var description: StructDescription { .mmu_update }
    /// The machine address of the PTE (low bits: MMU_NORMAL_PT_UPDATE etc.), and its new value.
    public var ptr: UInt64
    public var val: UInt64
    public init(ptr: UInt64, val: UInt64) { self.ptr = ptr; self.val = val }
    public init(_ value: StructValue) { self.init(ptr: value["ptr"] ?? 0, val: value["val"] ?? 0) }
    public var value: StructValue { StructValue(["ptr": [ptr], "val": [val]]) }
}

/// struct multicall_entry (public/xen.h).
public struct MulticallEntry: XenStructure {
    public static var description: StructDescription { .multicall_entry }
    public var op: UInt64
    /// The call's return value, as the `long` Xen stores (negative: -errno).
    public var result: Int64
    public var args: [UInt64]
    public init(op: UInt64, result: Int64 = 0, args: [UInt64]) { self.op = op; self.result = result; self.args = args }
    public init(_ value: StructValue) {
        self.init(op: value["op"] ?? 0, result: Int64(bitPattern: value["result"] ?? 0), args: value.fields["args"] ?? [])
    }
    /// `result` is stored in an unsigned field: in a 32-bit entry, -22 is 0xffffffea.
    public var value: StructValue { StructValue(["op": [op], "result": [UInt64(bitPattern: result)], "args": args]) }

    public func encode(_ model: some DataModel) throws(ABIError) -> [UInt8] {
        var stored = value
        if model.size(of: .xenUlong) == 4, result < 0, result >= Int64(Int32.min) {
            stored["result"] = UInt64(UInt32(truncatingIfNeeded: result))
        }
        return try Self.description.layout(model).encode(stored)
    }

    public static func decode(_ bytes: [UInt8], _ model: some DataModel) throws(ABIError) -> Self {
        var entry = Self(try description.layout(model).decodeExactly(bytes))
        if model.size(of: .xenUlong) == 4 { entry.result = Int64(Int32(truncatingIfNeeded: entry.result)) }
        return entry
    }
}

/// struct mmuext_op (public/xen.h).
public struct MMUExtOp: XenStructure {
    public static var description: StructDescription { .mmuext_op }
    /// MMUEXT_* (see `XenConstantGroup.subOps(of: "mmuext_op")`).
    public var cmd: UInt32
    /// arg1: mfn or linear_addr.
    public var arg1: UInt64
    /// arg2: nr_ents, vcpumask or src_mfn.
    public var arg2: UInt64
    public init(cmd: UInt32, arg1: UInt64 = 0, arg2: UInt64 = 0) { self.cmd = cmd; self.arg1 = arg1; self.arg2 = arg2 }
    public init(_ value: StructValue) {
        self.init(cmd: UInt32(truncatingIfNeeded: value["cmd"] ?? 0), arg1: value["arg1.mfn"] ?? 0,
                  arg2: value["arg2.src_mfn"] ?? 0)
    }
    public var value: StructValue { StructValue(["cmd": [UInt64(cmd)], "arg1.mfn": [arg1], "arg2.src_mfn": [arg2]]) }
}

/// struct vcpu_runstate_info (public/vcpu.h).
public struct VCPURunstateInfo: XenStructure {
    public static var description: StructDescription { .vcpu_runstate_info }
    /// RUNSTATE_running, _runnable, _blocked, _offline (0...3).
    public var state: Int32
    public var stateEntryTime: UInt64
    /// Nanoseconds spent in each state.
    public var time: [UInt64]
    public init(state: Int32, stateEntryTime: UInt64, time: [UInt64]) {
        self.state = state; self.stateEntryTime = stateEntryTime; self.time = time
    }
    public init(_ value: StructValue) {
        self.init(state: Int32(truncatingIfNeeded: Int64(bitPattern: value["state"] ?? 0)),
                  stateEntryTime: value["state_entry_time"] ?? 0, time: value.fields["time"] ?? [])
    }
    public var value: StructValue {
        StructValue(["state": [UInt64(bitPattern: Int64(state))], "state_entry_time": [stateEntryTime], "time": time])
    }
}

/// struct xen_memory_reservation (public/memory.h).
public struct MemoryReservation: XenStructure {
    public static var description: StructDescription { .xen_memory_reservation }
    /// Guest address of the xen_pfn_t array (XEN_GUEST_HANDLE(xen_pfn_t)).
    public var extentStart: UInt64
    public var nrExtents: UInt64
    public var extentOrder: UInt32
    public var memFlags: UInt32
    public var domid: UInt16
    public init(extentStart: UInt64, nrExtents: UInt64, extentOrder: UInt32 = 0, memFlags: UInt32 = 0,
                domid: UInt16) {
        self.extentStart = extentStart; self.nrExtents = nrExtents; self.extentOrder = extentOrder
        self.memFlags = memFlags; self.domid = domid
    }
    public init(_ value: StructValue) {
        self.init(extentStart: value["extent_start"] ?? 0, nrExtents: value["nr_extents"] ?? 0,
                  extentOrder: UInt32(truncatingIfNeeded: value["extent_order"] ?? 0),
                  memFlags: UInt32(truncatingIfNeeded: value["mem_flags"] ?? 0),
                  domid: UInt16(truncatingIfNeeded: value["domid"] ?? 0))
    }
    public var value: StructValue {
        StructValue(["extent_start": [extentStart], "nr_extents": [nrExtents], "extent_order": [UInt64(extentOrder)],
                     "mem_flags": [UInt64(memFlags)], "domid": [UInt64(domid)]])
    }
}
