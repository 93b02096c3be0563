import ABI32
import ABI64
import XenInterface
import XenSystem

/// Values from Xen's public headers that the catalogue needs and XenInterface does not carry.
package enum PlanConstants {
    /// `struct e820entry { uint64_t addr, size; uint32_t type; } __attribute__((packed))`:
    /// the records XENMEM_memory_map writes (xen/arch/x86/include/asm/e820.h), 20 bytes in both ABIs.
    package static let e820EntrySize = 20
    /// `RUNSTATE_running` (public/vcpu.h): the state of the vCPU that asks about itself.
    package static let RUNSTATE_running: UInt64 = 0
    /// `__HYPERVISOR_VIRT_START` of a 64-bit guest (public/arch-x86/xen-x86_64.h), what
    /// XENVER_platform_parameters reports to one up to Xen 4.17; a 32-bit HVM guest gets 0
    /// (xen/common/kernel.c: `is_hvm_vcpu(current) ? 0 : HYPERVISOR_COMPAT_VIRT_START(d)`).
    package static let HYPERVISOR_VIRT_START_x86_64: UInt64 = 0xffff_8000_0000_0000
    package static let HYPERVISOR_VIRT_START_hvm_x86_32: UInt64 = 0
    /// The first release whose XENVER_platform_parameters tells an HVM (PVH) guest 0 in both
    /// ABIs: Xen 4.18, "xen/version: Drop bogus return values for XENVER_platform_parameters"
    /// (xen/common/kernel.c keeps HYPERVISOR_VIRT_START only for 64-bit PV, in release builds).
    package static let platformParametersHVMZeroSince: UInt32 = 4 << 16 | 18

    /// The first release whose compat GNTTABOP_setup_table refuses to truncate a frame number:
    /// Xen 4.18, "gnttab: don't silently truncate GFNs in compat setup-table handling" (commit
    /// 1043dfb165, xen/common/compat/grant_table.c: a `frame` that does not fit `compat_pfn_t`
    /// sets GNTST_address_too_big and writes none). A PVH guest's grant frame not yet in its
    /// physmap has gfn INVALID_GFN (`mfn_to_gfn` of an unmapped frame, xen/common/grant_table.c
    /// gnttab_setup_table), so a 32-bit guest gets its frame_list untouched; and because
    /// XLAT_gnttab_setup_table copies `status` before handling `frame_list`, the guest still
    /// reads GNTST_okay. Up to 4.17 it got the frame truncated to 32 bits (0xffffffff).
    package static let compatFrameListCheckedSince: UInt32 = 4 << 16 | 18

    /// What XENVER_platform_parameters reports as `virt_start` to an HVM (PVH) guest of `abi` in
    /// the Xen release `xenVersion` (XENVER_version: major << 16 | minor).
    package static func hvmVirtStart(_ abi: Architecture, xenVersion: UInt32) -> UInt64 {
        switch abi {
        case .x86_32: return HYPERVISOR_VIRT_START_hvm_x86_32
        case .x86_64: return xenVersion >= platformParametersHVMZeroSince ? 0 : HYPERVISOR_VIRT_START_x86_64
        }
    }
    /// No hypercall has this number: public/xen.h numbers them up to __HYPERVISOR_arch_7 = 55.
    package static let invalidHypercall = HypercallNumber(rawValue: 63)
    /// No XENVER_ sub-op has this number (public/version.h stops at XENVER_build_id = 10).
    package static let invalidXenVersionSubOp: UInt64 = 0x7fff
    /// e820 records room is left for in XENMEM_memory_map's buffer.
    package static let memoryMapCapacity = 32
    /// Bytes past each output a buffer keeps, so the sentinel shows where Xen stopped.
    package static let slack = 16
    /// What the guest stores in each multicall entry's `result` before the call, so that the value
    /// Xen writes is visible (fits 32 bits).
    package static let resultPoison: UInt64 = 0x5a5a_5a5a
    /// How far apart (seconds) the two guests' wallclocks may be: they boot side by side.
    package static let wallclockSkew: Int64 = 600
}

/// What one buffer of a call holds, and so what Xen must leave in it.
package enum BufferRole: Sendable {
    /// Xen fills the whole structure (padding included) and nothing past it.
    case output(StructLayout)
    /// A `char[length]` that Xen fills completely (public/version.h's string types), the bytes
    /// after the string's NUL zero (XSA-122: they once leaked hypervisor memory).
    case text(length: Int)
    /// A structure the guest fills in and Xen reads, then writes back whole.
    case inOut(StructLayout)
    /// Bytes Xen only reads.
    case input(length: Int)
    /// Records of `size` bytes; how many is the field `countField` of the call's buffer `countBuffer`.
    case records(size: Int, countBuffer: Int, countField: String)
    /// A structure the guest fills in (plan input and relocations) that Xen reads: every field
    /// but `written` keeps the guest's value; each `written` field holds what `expect` says.
    case request(StructLayout, written: [String: FieldExpectation] = [:])
    /// `count` structures in a row: a multicall batch whose entry k's `result` is as `results[k]`
    /// says, or (no results) requests Xen only reads (mmuext_op's ops).
    case batch(StructLayout, count: Int, results: [ReturnExpectation])
    /// A uint32_t count Xen writes (mmuext_op's pdone).
    case count(equals: UInt64)
    /// `count` guest frame numbers (`xen_pfn_t`, the ABI's width) the guest stored: Xen leaves them.
    case frames(count: Int)
    /// `count` int error slots Xen fills, each 0 (XENMEM_add_to_physmap_batch's errs).
    case errors(count: Int)
    /// `count` `xen_pfn_t` frame numbers Xen writes (GNTTABOP_setup_table's frame_list).
    case frameList(count: Int)
    /// A page Xen mapped (XENMEM_add_to_physmap of XENMAPSPACE_shared_info): its shared_info, in
    /// the ABI's layout.
    case sharedInfo(StructLayout)
    /// A page GNTTABOP_copy wrote into: its first bytes are `copied`, the rest untouched.
    case copyDestination(copied: [UInt8])
}

/// What a field Xen writes must hold.
package enum FieldExpectation: Sendable, Equatable {
    case equals(UInt64)
    /// Anything: it varies (a port number, a frame), but the guests must agree when `agree`.
    case any(agree: Bool)
}

/// What the return register must hold.
package enum ReturnExpectation: Sendable, Equatable {
    case zero
    /// A non-negative value (a version, a page count): the two ABIs must agree on it.
    case value
    /// A negated Xen errno.
    case error(XenErrno)
    /// Exactly this count (XENMEM_decrease_reservation: the extents done).
    case exactly(Int64)
}

/// One buffer of a planned call: its initial content and its role.
package struct EntryBuffer: Sendable {
    package let name: String
    package let buffer: PlanBuffer
    package let role: BufferRole
    /// A buffer shared between calls (a page, an event-channel port): the first call naming it
    /// places it, later calls reuse it.
    package let shared: String?
    /// Whether the guest prints it after this call (a call prints its own buffers; a shared one
    /// only when the call says so: `show.*`).
    package let printed: Bool

    package init(name: String, buffer: PlanBuffer, role: BufferRole, shared: String? = nil, printed: Bool = true) {
        self.name = name
        self.buffer = buffer
        self.role = role
        self.shared = shared
        self.printed = printed
    }
}

/// A value the guest stores in one of the call's buffers before the first call: the address
/// of another (a guest handle) or its frame number. Positions count the entry's buffers.
package struct EntryRelocation: Sendable {
    package let holder: Int
    package let field: String
    package let target: Int
    package let addend: UInt32
    package let kind: PlanRelocation.Kind

    package init(_ holder: Int, _ field: String, to target: Int, addend: UInt32 = 0,
                 kind: PlanRelocation.Kind = .address) {
        self.holder = holder
        self.field = field
        self.target = target
        self.addend = addend
        self.kind = kind
    }
}

/// One call of the catalogue, laid out for one ABI.
package struct PlanEntry: Sendable {
    /// The call's name, also its label in the guest's output (`xen_version.capabilities`).
    package let name: String
    package let op: UInt32
    /// The argument registers; `.pointer(buffer: k)` counts from this entry's first buffer.
    package let arguments: [PlanArgument]
    package let buffers: [EntryBuffer]
    package let returns: ReturnExpectation
    /// Pointers and frame numbers the guest stores inside the buffers.
    package var relocations: [EntryRelocation] = []
    /// Xen source that decides the expected result, when it is a refusal or differs by release.
    package var source: String? = nil

    package init(name: String, op: UInt32, arguments: [PlanArgument], buffers: [EntryBuffer],
                 returns: ReturnExpectation, relocations: [EntryRelocation] = [], source: String? = nil) {
        self.name = name
        self.op = op
        self.arguments = arguments
        self.buffers = buffers
        self.returns = returns
        self.relocations = relocations
        self.source = source
    }

    /// The buffers the guest prints after the call, in order.
    package var printedBuffers: [EntryBuffer] { buffers.filter(\.printed) }
}

/// The calls `xen-detect abi plan` can write, each laid out with ABI32's or ABI64's layouts
/// and register conventions: read-only calls whose structures differ between the ABIs.
package enum PlanCatalog {
    /// Every call name, in plan order.
    package static var names: [String] { entries(.x86_64).map(\.name) }

    package static func entries(_ architecture: Architecture) -> [PlanEntry] {
        let builder = EntryBuilder(architecture)
        var entries: [PlanEntry] = []
        for op: XenVersionOp in [.version, .extraversion, .compile_info, .capabilities, .changeset,
                                 .platform_parameters, .get_features, .pagesize] {
            entries.append(builder.xenVersion(op))
        }
        entries.append(builder.runstate())
        entries.append(builder.memoryMap())
        entries.append(builder.reservation(.current_reservation))
        entries.append(builder.reservation(.maximum_ram_page))
        entries.append(builder.setTimerCancel())
        entries.append(builder.call("sched_op.yield", .sched_op, [.value(UInt64(SchedOp.yield.number)), .value(0)]))
        entries.append(PlanEntry(name: "invalid.hypercall", op: PlanConstants.invalidHypercall.rawValue,
                                 arguments: [.value(0), .value(0)], buffers: [], returns: .error(.ENOSYS)))
        entries.append(builder.call("invalid.xen_version_subop", .xen_version,
                                    [.value(PlanConstants.invalidXenVersionSubOp), .value(0)],
                                    returns: .error(.ENOSYS)))
        entries.append(builder.xenVersion(.commandline))
        entries += builder.stateEntries()
        return entries
    }

    /// The plan of the named calls (all when `names` is empty), for one ABI.
    package static func plan(_ architecture: Architecture, names: [String] = [],
                            sentinel: UInt8 = HypercallPlan.defaultSentinel) throws(PlanError) -> HypercallPlan {
        let all = entries(architecture)
        for name in names where !all.contains(where: { $0.name == name }) { throw .unknownCall(name) }
        let chosen = names.isEmpty ? all : all.filter { names.contains($0.name) }
        var plan = HypercallPlan(abi: architecture, sentinel: sentinel)
        var sharedIndex: [String: Int] = [:]
        for entry in chosen {
            // Printed buffers first, so that the ones a call prints are consecutive.
            var index: [Int: Int] = [:]
            let order = entry.buffers.indices.filter { entry.buffers[$0].printed }
                + entry.buffers.indices.filter { !entry.buffers[$0].printed }
            for position in order {
                let b = entry.buffers[position]
                if let name = b.shared, let k = sharedIndex[name] {
                    index[position] = k
                } else {
                    index[position] = plan.addBuffer(b.buffer)
                    if let name = b.shared { sharedIndex[name] = index[position] }
                }
            }
            let printed = order.filter { entry.buffers[$0].printed }.map { index[$0]! }
            guard printed.isEmpty || printed == Array(printed[0]...printed[printed.count - 1]) else {
                throw .invalid("\(entry.name): its printed buffers are not consecutive")
            }
            // The memory map's handle points at its records buffer.
            for (k, b) in entry.buffers.enumerated() {
                if case .records(_, let countBuffer, _) = b.role,
                   case .inOut(let layout) = entry.buffers[countBuffer].role,
                   let handle = layout.field("buffer") {
                    plan.relocations.append(PlanRelocation(buffer: index[countBuffer]!, offset: handle.offset,
                                                           target: index[k]!, width: handle.size))
                }
            }
            for r in entry.relocations {
                guard let (offset, width) = entry.buffers[r.holder].role.place(of: r.field, architecture) else {
                    throw .invalid("\(entry.name): no field \(r.field) to relocate")
                }
                plan.relocations.append(PlanRelocation(buffer: index[r.holder]!, offset: offset,
                                                       target: index[r.target]!, addend: r.addend,
                                                       width: width, kind: r.kind))
            }
            let arguments = entry.arguments.map { argument -> PlanArgument in
                if case .pointer(let k, let offset) = argument { return .pointer(buffer: index[k]!, offset: offset) }
                return argument
            }
            let range = printed.isEmpty ? plan.buffers.count..<plan.buffers.count : printed[0]..<(printed.last! + 1)
            plan.calls.append(PlanCall(op: entry.op, label: entry.name, arguments: arguments, buffers: range))
            do { try plan.validate() } catch { throw .invalid("\(entry.name): \(error)") }
        }
        try plan.validate()
        return plan
    }
}

extension BufferRole {
    /// The structure layout a role holds, where the guest stores relocated fields.
    package var layout: StructLayout? {
        switch self {
        case .output(let l), .inOut(let l), .request(let l, _), .sharedInfo(let l): l
        case .batch(let l, _, _): l
        default: nil
        }
    }

    /// Offset and width of `field` (a dotted path of the layout, or `[k]` for element k of an
    /// array of xen_pfn_t / xen_ulong_t, the ABI's word).
    package func place(of field: String, _ abi: Architecture) -> (offset: Int, width: Int)? {
        if field.hasPrefix("["), field.hasSuffix("]"), let k = Int(field.dropFirst().dropLast()) {
            return (k * abi.pointerWidth, abi.pointerWidth)
        }
        return layout?.field(field).map { ($0.offset, $0.size) }
    }
}

extension Architecture {
    /// A structure's layout in this ABI (ABI32's or ABI64's data model).
    package func layout(_ description: StructDescription) -> StructLayout {
        self == .x86_32 ? description.layout32 : description.layout64
    }
}

/// Builds the catalogue's entries for one ABI.
struct EntryBuilder {
    let architecture: Architecture
    init(_ architecture: Architecture) { self.architecture = architecture }

    func layout(_ description: StructDescription) -> StructLayout { architecture.layout(description) }

    /// Registers through ABI32/ABI64's marshaling; pointer arguments are one word, filled by the guest.
    func registers(_ hypercall: HypercallNumber, _ arguments: [PlanArgument]) -> [PlanArgument] {
        guard let signature = HypercallSignature.of(hypercall) else { return arguments }
        let values = arguments.map { argument -> UInt64 in
            if case .value(let v) = argument { return v }
            return 0
        }
        let marshaled: [RegisterValue]
        do {
            marshaled = architecture == .x86_32
                ? try Registers32.marshal(signature, values) : try Registers64.marshal(signature, values)
        } catch {
            return arguments  // validate() then refuses what does not fit
        }
        var registers = marshaled.dropFirst().map { PlanArgument.value($0.value) }
        // A pointer argument is a word: it sits at its argument's first register.
        var register = 0
        for (argument, declared) in zip(arguments, signature.arguments(architecture)) {
            if case .pointer = argument, register < registers.count { registers[register] = argument }
            register += declared.kind == .wide && architecture == .x86_32 ? 2 : 1
        }
        return registers
    }

    func call(_ name: String, _ hypercall: HypercallNumber, _ arguments: [PlanArgument], buffers: [EntryBuffer] = [],
              returns: ReturnExpectation = .zero) -> PlanEntry {
        PlanEntry(name: name, op: hypercall.rawValue, arguments: registers(hypercall, arguments),
                  buffers: buffers, returns: returns)
    }

    func outputBuffer(_ name: String, _ role: BufferRole, size: Int, input: [UInt8] = []) -> EntryBuffer {
        EntryBuffer(name: name, buffer: PlanBuffer(size: size + PlanConstants.slack, input: input), role: role)
    }

    func xenVersion(_ op: XenVersionOp) -> PlanEntry {
        let cmd = PlanArgument.value(UInt64(op.number))
        let name = "xen_version." + op.name
        let text: Int?
        switch op {
        case .extraversion: text = XenArrayTypedef.XEN_EXTRAVERSION_LEN
        case .capabilities: text = XenArrayTypedef.XEN_CAPABILITIES_INFO_LEN
        case .changeset: text = XenArrayTypedef.XEN_CHANGESET_INFO_LEN
        default: text = nil
        }
        if let text {
            return call(name, .xen_version, [cmd, .pointer(buffer: 0)],
                        buffers: [outputBuffer(op.name, .text(length: text), size: text)])
        }
        switch op {
        case .compile_info, .platform_parameters:
            let l = layout(op == .compile_info ? .xen_compile_info : .xen_platform_parameters)
            return call(name, .xen_version, [cmd, .pointer(buffer: 0)],
                        buffers: [outputBuffer(l.name, .output(l), size: l.size)])
        case .get_features:
            // submap_idx 0 in, submap out: Xen writes the structure back whole.
            let l = layout(.xen_feature_info)
            let input = (try? l.encode(StructValue(["submap_idx": [0]]))) ?? []
            return call(name, .xen_version, [cmd, .pointer(buffer: 0)],
                        buffers: [outputBuffer(l.name, .inOut(l), size: l.size, input: input)])
        default:  // version, pagesize: the answer is the return value
            return call(name, .xen_version, [cmd, .value(0)], returns: .value)
        }
    }

    func runstate() -> PlanEntry {
        let l = layout(.vcpu_runstate_info)
        return call("vcpu_op.get_runstate_info", .vcpu_op,
                    [.value(UInt64(VCPUOP.get_runstate_info)), .value(0), .pointer(buffer: 0)],
                    buffers: [outputBuffer(l.name, .output(l), size: l.size)])
    }

    func memoryMap() -> PlanEntry {
        let l = layout(.xen_memory_map)
        let input = (try? l.encode(StructValue(["nr_entries": [UInt64(PlanConstants.memoryMapCapacity)]]))) ?? []
        let map = EntryBuffer(name: l.name, buffer: PlanBuffer(size: l.size + PlanConstants.slack, input: input),
                              role: .inOut(l))
        let records = outputBuffer("e820entry", .records(size: PlanConstants.e820EntrySize, countBuffer: 0,
                                                           countField: "nr_entries"),
                                   size: PlanConstants.e820EntrySize * PlanConstants.memoryMapCapacity)
        return call("memory_op.memory_map", .memory_op, [.value(UInt64(XENMEM.memory_map)), .pointer(buffer: 0)],
                    buffers: [map, records])
    }

    /// XENMEM_current_reservation and XENMEM_maximum_ram_page take a `domid_t *` and return a count.
    func reservation(_ op: MemoryOp) -> PlanEntry {
        let domid = LittleEndian.bytes(DOMID_SELF)
        let buffer = EntryBuffer(name: "domid_t", buffer: PlanBuffer(size: domid.count + PlanConstants.slack,
                                                                     input: domid),
                                 role: .input(length: domid.count))
        return call("memory_op." + op.rawValue, .memory_op, [.value(UInt64(op.number)), .pointer(buffer: 0)],
                    buffers: [buffer], returns: .value)
    }

    /// set_timer_op(0) only cancels this vCPU's own timer; its 64-bit argument takes two
    /// registers in ABI32 (Registers32.marshal splits it).
    func setTimerCancel() -> PlanEntry {
        call("set_timer_op.cancel", .set_timer_op, [.value(0)])
    }
}
