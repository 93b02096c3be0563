import XenInterface
import XenSystem

/// Values from Xen's public headers that the state-changing calls need and XenInterface does not carry.
package enum StateConstants {
    /// `XENMAPSPACE_shared_info`, `XENMAPSPACE_grant_table` (public/memory.h).
    package static let XENMAPSPACE_shared_info: UInt64 = 0
    package static let XENMAPSPACE_grant_table: UInt64 = 1
    /// `VCPU_SSHOTTMR_future` (public/vcpu.h): fail with -ETIME when the deadline has passed.
    package static let VCPU_SSHOTTMR_future: UInt64 = 1
    /// `GTF_permit_access` (public/grant_table.h): a grant entry allowing access to a frame.
    package static let GTF_permit_access: UInt64 = 1
    /// `GNTCOPY_source_gref` (public/grant_table.h): gnttab_copy's source is a grant reference.
    package static let GNTCOPY_source_gref: UInt64 = 1
    /// `XENMEM_resource_grant_table` and `XENMEM_resource_grant_table_id_shared` (public/memory.h).
    package static let XENMEM_resource_grant_table: UInt64 = 1
    /// `E820_RAM` (xen/arch/x86/include/asm/e820.h).
    package static let E820_RAM: UInt64 = 1
    /// dom0's own domid: a grant entry names its grantee by number, never DOMID_SELF
    /// (common/grant_table.c acquire_grant_for_copy compares it with the caller's domain_id).
    package static let dom0: UInt64 = 0
    /// The grant reference the guest writes into its own table (any entry of frame 0 past the
    /// GNTTAB_NR_RESERVED_ENTRIES = 8 the toolstack may use, public/grant_table.h).
    package static let grantRef: UInt64 = 8
    /// Bytes GNTTABOP_copy copies from the granted page.
    package static let copyLength = 32
    /// What the granted page holds: the copy must bring these bytes.
    package static let grantedText: [UInt8] = Array("xen-detect GNTTABOP_copy of a grant of its own".utf8)
    /// An absolute system time long past (1 ns after boot): an immediate timer, or -ETIME
    /// with VCPU_SSHOTTMR_future.
    package static let pastDeadline: UInt64 = 1
    /// The single region XENMEM_set_memory_map gives the guest's own memory map.
    package static let setMapRegionSize: UInt64 = 128 << 20
    /// `XENMEM_exchange`, `XENMEM_decrease_reservation` move one extent of order 0 at a time.
    package static let oneExtent: UInt64 = 1
}

/// Calls whose effects follow one another: one value of a later call depends on an earlier one.
package enum PlanRelation: Sendable {
    /// returns(second) == returns(first) + delta (the reservation before and after a change).
    case returnDelta(first: String, second: String, delta: Int64)
    /// Field `field` of printed buffer `buffer` of call `entry` equals what call `returnOf` returned, plus `delta`.
    case fieldEqualsReturn(entry: String, buffer: Int, field: String, returnOf: String, delta: Int64)
}

extension PlanCatalog {
    /// The relations the checks verify between calls of the plan.
    package static let relations: [PlanRelation] = [
        .returnDelta(first: "memory_op.reservation_before", second: "memory_op.reservation_hole", delta: -1),
        .returnDelta(first: "memory_op.reservation_before", second: "memory_op.reservation_after", delta: 0),
        .returnDelta(first: "memory_op.reservation_before", second: "memory_op.reservation_exchange", delta: 0),
        // Between the two, memory_op.map_grant_table mapped the grant table over a RAM page of the
        // guest's, which Xen frees (xen/arch/x86/mm.c xenmem_add_to_physmap_one: "Remove previously
        // mapped page if it was present", guest_remove_page): one page fewer.
        .fieldEqualsReturn(entry: "memory_op.get_pod_target", buffer: 0, field: "tot_pages",
                           returnOf: "memory_op.reservation_exchange", delta: -1),
    ]
}

/// Plan version 2: the calls that change the guest's own state (its memory, timers, event
/// channels, grant table), each undone by a later call, in this order.
extension EntryBuilder {
    func stateEntries() -> [PlanEntry] {
        [multicall()] + singleshot() + eventChannel() + reservation() + grantTable() + privileged() + [mmuext()]
    }

    /// A structure the guest fills in for Xen to read (`values`); `written` fields Xen writes back.
    func request(_ description: StructDescription, _ values: [String: UInt64], written: [String: FieldExpectation] = [:],
                 shared: String? = nil) -> EntryBuffer {
        let l = layout(description)
        let input = (try? l.encode(StructValue(values.mapValues { [$0] }))) ?? []
        return EntryBuffer(name: l.name, buffer: PlanBuffer(size: l.size + PlanConstants.slack, input: input),
                           role: .request(l, written: written), shared: shared)
    }

    /// A page of the guest's own, shared between calls and not printed.
    func page(_ name: String, input: [UInt8] = []) -> EntryBuffer {
        EntryBuffer(name: name, buffer: PlanBuffer(size: HypercallPlan.pageSize, input: input,
                                                  alignment: HypercallPlan.pageSize),
                    role: .input(length: 0), shared: name, printed: false)
    }

    /// An array of `count` xen_pfn_t the guest fills with frame numbers.
    func frames(_ name: String, count: Int = 1) -> EntryBuffer {
        EntryBuffer(name: name, buffer: PlanBuffer(size: count * architecture.pointerWidth + PlanConstants.slack),
                    role: .frames(count: count))
    }

    func entry(_ name: String, _ hypercall: HypercallNumber, _ arguments: [PlanArgument], _ buffers: [EntryBuffer],
               _ relocations: [EntryRelocation] = [], returns: ReturnExpectation = .zero, source: String? = nil) -> PlanEntry {
        var e = call(name, hypercall, arguments, buffers: buffers, returns: returns)
        e.relocations = relocations
        e.source = source
        return e
    }

    // MARK: multicall

    /// multicall(entries, 3): xen_version(XENVER_version), an unknown hypercall, SCHEDOP_yield;
    /// each entry's result is what that call returns (common/multicall.c, arch/x86/hvm/hypercall.c
    /// hvm_do_multicall_call), the failing one does not stop the batch.
    func multicall() -> PlanEntry {
        let l = layout(.multicall_entry)
        let calls: [(HypercallNumber, [UInt64], ReturnExpectation)] = [
            (.xen_version, [UInt64(XENVER.version), 0], .value),
            (PlanConstants.invalidHypercall, [0, 0], .error(.ENOSYS)),
            (.sched_op, [UInt64(SCHEDOP.yield), 0], .zero),
        ]
        var input: [UInt8] = []
        for (op, args, _) in calls {
            let value = StructValue(["op": [UInt64(op.rawValue)], "result": [PlanConstants.resultPoison],
                                     "args": args + Array(repeating: 0, count: 6 - args.count)])
            input += (try? l.encode(value)) ?? []
        }
        let batch = EntryBuffer(name: l.name, buffer: PlanBuffer(size: input.count + PlanConstants.slack, input: input),
                                role: .batch(l, count: calls.count, results: calls.map(\.2)))
        return entry("multicall.batch", .multicall, [.pointer(buffer: 0), .value(UInt64(calls.count))], [batch])
    }

    // MARK: vCPU timer

    func singleshot() -> [PlanEntry] {
        let op = UInt64(VCPUOP.set_singleshot_timer)
        let past = request(.vcpu_set_singleshot_timer, ["timeout_abs_ns": StateConstants.pastDeadline,
                                                        "flags": StateConstants.VCPU_SSHOTTMR_future])
        let now = request(.vcpu_set_singleshot_timer, ["timeout_abs_ns": StateConstants.pastDeadline])
        return [
            // Measured 0 in Debian's 4.17.5 and in 4.20: Xen ignores the flag since 7b5155a79e
            // ("xen/vcpu: ignore VCPU_SSHOTTMR_future", 4.18, backported to 4.17 stable; RELEASE-4.17.0 still had -ETIME).
            entry("vcpu_op.singleshot_past", .vcpu_op, [.value(op), .value(0), .pointer(buffer: 0)], [past],
                  source: "xen/common/domain.c do_vcpu_op VCPUOP_set_singleshot_timer: VCPU_SSHOTTMR_future is ignored "
                    + "since 7b5155a79e (-ETIME before it, RELEASE-4.17.0); a past deadline injects the timer event at once"),
            entry("vcpu_op.singleshot", .vcpu_op, [.value(op), .value(0), .pointer(buffer: 0)], [now]),
            entry("vcpu_op.stop_singleshot", .vcpu_op, [.value(UInt64(VCPUOP.stop_singleshot_timer)), .value(0), .value(0)], []),
        ]
    }

    // MARK: event channel and SCHEDOP_poll

    func eventChannel() -> [PlanEntry] {
        let port = request(.evtchn_alloc_unbound, ["dom": UInt64(DOMID_SELF), "remote_dom": UInt64(DOMID_SELF)],
                           written: ["port": .any(agree: true)], shared: "evtchn.port")
        var portAgain = port
        portAgain = EntryBuffer(name: port.name, buffer: port.buffer, role: port.role, shared: port.shared, printed: false)
        let portOffset = UInt32(layout(.evtchn_alloc_unbound).field("port")?.offset ?? 0)
        // The port is never pending (nothing is bound to it): poll returns when the timeout, in
        // the past, fires. A timeout read from the wrong place (0: none) would block for ever.
        let poll = request(.sched_poll, ["nr_ports": 1, "timeout": StateConstants.pastDeadline])
        return [
            entry("event.alloc_unbound", .event_channel_op, [.value(UInt64(EVTCHNOP.alloc_unbound)), .pointer(buffer: 0)],
                  [port]),
            entry("sched_op.poll", .sched_op, [.value(UInt64(SCHEDOP.poll)), .pointer(buffer: 0)], [poll, portAgain],
                  [EntryRelocation(0, "ports", to: 1, addend: portOffset)]),
            entry("event.close", .event_channel_op,
                  [.value(UInt64(EVTCHNOP.close)), .pointer(buffer: 0, offset: UInt64(portOffset))], [portAgain]),
        ]
    }

    // MARK: reservation, physmap, shared_info

    func currentReservation(_ label: String) -> PlanEntry {
        let e = reservation(.current_reservation)
        return PlanEntry(name: label, op: e.op, arguments: e.arguments, buffers: e.buffers, returns: e.returns)
    }

    func reservationChange(_ label: String, _ op: UInt32) -> PlanEntry {
        let r = request(.xen_memory_reservation, ["nr_extents": StateConstants.oneExtent, "domid": UInt64(DOMID_SELF)])
        return entry(label, .memory_op, [.value(UInt64(op)), .pointer(buffer: 0)], [r, frames("extent_start"), page("page.hole")],
                     [EntryRelocation(0, "extent_start", to: 1), EntryRelocation(1, "[0]", to: 2, kind: .frame)],
                     returns: .exactly(1))
    }

    func addToPhysmap(_ label: String, space: UInt64, page name: String) -> PlanEntry {
        let x = request(.xen_add_to_physmap, ["domid": UInt64(DOMID_SELF), "space": space, "idx": 0])
        return entry(label, .memory_op, [.value(UInt64(XENMEM.add_to_physmap)), .pointer(buffer: 0)], [x, page(name)],
                     [EntryRelocation(0, "gpfn", to: 1, kind: .frame)])
    }

    func removeFromPhysmap(_ label: String) -> PlanEntry {
        let x = request(.xen_remove_from_physmap, ["domid": UInt64(DOMID_SELF)])
        return entry(label, .memory_op, [.value(UInt64(XENMEM.remove_from_physmap)), .pointer(buffer: 0)],
                     [x, page("page.hole")], [EntryRelocation(0, "gpfn", to: 1, kind: .frame)])
    }

    func reservation() -> [PlanEntry] {
        let width = architecture.pointerWidth
        let batch = request(.xen_add_to_physmap_batch, ["domid": UInt64(DOMID_SELF),
                                                        "space": StateConstants.XENMAPSPACE_shared_info, "size": 1])
        let idxs = EntryBuffer(name: "idxs", buffer: PlanBuffer(size: width + PlanConstants.slack,
                                                                input: Array(repeating: 0, count: width)),
                               role: .input(length: width))
        let errs = EntryBuffer(name: "errs", buffer: PlanBuffer(size: 4 + PlanConstants.slack), role: .errors(count: 1))
        let exchange = request(.xen_memory_exchange, [
            "in.nr_extents": 1, "in.domid": UInt64(DOMID_SELF), "out.nr_extents": 1, "out.domid": UInt64(DOMID_SELF),
        ], written: ["nr_exchanged": .equals(0)])
        let vnuma = request(.xen_vnuma_topology_info, ["domid": UInt64(DOMID_SELF), "nr_vnodes": 1, "nr_vcpus": 1,
                                                       "nr_vmemranges": 1])
        let scratch = EntryBuffer(name: "vnuma_arrays", buffer: PlanBuffer(size: 64), role: .input(length: 0))
        let shown = EntryBuffer(name: "shared_info", buffer: PlanBuffer.page, role: .sharedInfo(layout(.shared_info)),
                                shared: "page.hole")
        return [
            currentReservation("memory_op.reservation_before"),
            reservationChange("memory_op.decrease_reservation", XENMEM.decrease_reservation),
            currentReservation("memory_op.reservation_hole"),
            addToPhysmap("memory_op.add_shared_info", space: StateConstants.XENMAPSPACE_shared_info, page: "page.hole"),
            PlanEntry(name: "show.shared_info", op: HypercallPlan.opShow, arguments: [], buffers: [shown], returns: .zero),
            removeFromPhysmap("memory_op.remove_shared_info"),
            entry("memory_op.add_batch", .memory_op, [.value(UInt64(XENMEM.add_to_physmap_batch)), .pointer(buffer: 0)],
                  [batch, idxs, frames("gpfns"), errs, page("page.hole")],
                  [EntryRelocation(0, "idxs", to: 1), EntryRelocation(0, "gpfns", to: 2), EntryRelocation(0, "errs", to: 3),
                   EntryRelocation(2, "[0]", to: 4, kind: .frame)]),
            removeFromPhysmap("memory_op.remove_batch"),
            reservationChange("memory_op.populate_physmap", XENMEM.populate_physmap),
            currentReservation("memory_op.reservation_after"),
            entry("memory_op.exchange", .memory_op, [.value(UInt64(XENMEM.exchange)), .pointer(buffer: 0)],
                  [exchange, frames("in.extent_start"), frames("out.extent_start"), page("page.hole")],
                  [EntryRelocation(0, "in.extent_start", to: 1), EntryRelocation(0, "out.extent_start", to: 2),
                   EntryRelocation(1, "[0]", to: 3, kind: .frame), EntryRelocation(2, "[0]", to: 3, kind: .frame)],
                  returns: .error(.EOPNOTSUPP),
                  source: "xen/common/memory.c memory_exchange steals each input page with steal_page, and "
                    + "xen/arch/x86/mm.c steal_page returns -EOPNOTSUPP for paging_mode_external (HVM/PVH) domains; nr_exchanged stays 0"),
            currentReservation("memory_op.reservation_exchange"),
            entry("memory_op.get_vnumainfo", .memory_op, [.value(UInt64(XENMEM.get_vnumainfo)), .pointer(buffer: 0)],
                  [vnuma, scratch],
                  [EntryRelocation(0, "vdistance.h", to: 1), EntryRelocation(0, "vcpu_to_vnode.h", to: 1),
                   EntryRelocation(0, "vmemrange.h", to: 1)],
                  returns: .error(.EOPNOTSUPP),
                  source: "xen/common/memory.c do_memory_op XENMEM_get_vnumainfo: after copy_from_guest and xsm_get_vnumainfo, d->vnuma == NULL (Xen gives dom0 no vNUMA) is -EOPNOTSUPP"),
        ]
    }

    // MARK: grant table

    func grantTable() -> [PlanEntry] {
        let op = { (cmd: UInt32) in PlanArgument.value(UInt64(cmd)) }
        let query = request(.gnttab_query_size, ["dom": UInt64(DOMID_SELF)],
                            written: ["nr_frames": .any(agree: true), "max_nr_frames": .any(agree: true),
                                      "status": .equals(0)])
        let setup = request(.gnttab_setup_table, ["dom": UInt64(DOMID_SELF), "nr_frames": 1],
                            written: ["status": .equals(0)])
        let frameList = EntryBuffer(name: "frame_list", buffer: PlanBuffer(size: architecture.pointerWidth + PlanConstants.slack),
                                    role: .frameList(count: 1))
        let grant = request(.grant_entry_v1, ["flags": StateConstants.GTF_permit_access, "domid": StateConstants.dom0])
        let entrySize = UInt64(layout(.grant_entry_v1).size)
        let copy = request(.gnttab_copy, [
            "source.u.ref": StateConstants.grantRef, "source.domid": UInt64(DOMID_SELF),
            "dest.domid": UInt64(DOMID_SELF), "len": UInt64(StateConstants.copyLength),
            "flags": StateConstants.GNTCOPY_source_gref,
        ], written: ["status": .equals(0)])
        let dest = EntryBuffer(name: "copy_destination", buffer: PlanBuffer.page,
                               role: .copyDestination(copied: Array(StateConstants.grantedText.prefix(StateConstants.copyLength))),
                               shared: "page.dest")
        let transfer = request(.gnttab_transfer, ["domid": UInt64(DOMID_SELF)])
        let status = request(.gnttab_get_status_frames, ["nr_frames": 1, "dom": UInt64(DOMID_SELF)])
        let statusFrames = EntryBuffer(name: "status_frames", buffer: PlanBuffer(size: 8 + PlanConstants.slack),
                                       role: .input(length: 0))
        let refused = "xen/arch/x86/hvm/hypercall.c hvm_grant_table_op: an HVM/PVH caller may use only query_size, "
            + "setup_table, set_version, get_version, copy, map/unmap_grant_ref and swap_grant_ref; the rest is -ENOSYS"
        return [
            entry("grant.query_size", .grant_table_op, [op(GNTTABOP.query_size), .pointer(buffer: 0), .value(1)], [query]),
            entry("grant.setup_table", .grant_table_op, [op(GNTTABOP.setup_table), .pointer(buffer: 0), .value(1)],
                  [setup, frameList], [EntryRelocation(0, "frame_list", to: 1)]),
            addToPhysmap("memory_op.map_grant_table", space: StateConstants.XENMAPSPACE_grant_table, page: "page.grant"),
            PlanEntry(name: "copy.grant_entry", op: HypercallPlan.opCopy,
                      arguments: [.pointer(buffer: 1, offset: StateConstants.grantRef * entrySize), .pointer(buffer: 0),
                                  .value(entrySize)],
                      buffers: [grant, page("page.grant"), page("page.source", input: StateConstants.grantedText)],
                      returns: .zero, relocations: [EntryRelocation(0, "frame", to: 2, kind: .frame)]),
            entry("grant.copy", .grant_table_op, [op(GNTTABOP.copy), .pointer(buffer: 0), .value(1)],
                  [copy, page("page.dest")], [EntryRelocation(0, "dest.u.gmfn", to: 1, kind: .frame)]),
            PlanEntry(name: "show.grant_copy", op: HypercallPlan.opShow, arguments: [], buffers: [dest], returns: .zero),
            entry("grant.transfer", .grant_table_op, [op(GNTTABOP.transfer), .pointer(buffer: 0), .value(1)], [transfer],
                  returns: .error(.ENOSYS), source: refused),
            entry("grant.get_status_frames", .grant_table_op, [op(GNTTABOP.get_status_frames), .pointer(buffer: 0), .value(1)],
                  [status, statusFrames], [EntryRelocation(0, "frame_list", to: 1)],
                  returns: .error(.ENOSYS), source: refused),
        ]
    }

    // MARK: what only a privileged domain (dom0) may call

    func privileged() -> [PlanEntry] {
        let acquire = request(.xen_mem_acquire_resource, [
            "domid": UInt64(DOMID_SELF), "type": StateConstants.XENMEM_resource_grant_table, "id": 0, "nr_frames": 0,
        ])
        let pod = request(.xen_pod_target, ["domid": UInt64(DOMID_SELF)], written: [
            "target_pages": .any(agree: false), "tot_pages": .any(agree: true), "pod_cache_pages": .equals(0),
            "pod_entries": .equals(0),
        ])
        let map = request(.xen_foreign_memory_map, ["domid": UInt64(DOMID_SELF), "map.nr_entries": 1])
        var e820 = LittleEndian.bytes(UInt64(0)) + LittleEndian.bytes(StateConstants.setMapRegionSize)
        e820 += LittleEndian.bytes(UInt32(StateConstants.E820_RAM))
        let region = EntryBuffer(name: "e820entry", buffer: PlanBuffer(size: e820.count + PlanConstants.slack, input: e820),
                                 role: .input(length: e820.count))
        let after = memoryMap()
        return [
            entry("memory_op.acquire_resource", .memory_op, [.value(UInt64(XENMEM.acquire_resource)), .pointer(buffer: 0)],
                  [acquire], returns: .error(.ESRCH),
                  source: "xen/common/memory.c acquire_resource locks the target with rcu_lock_remote_domain_by_id, which "
                    + "refuses the caller's own domain (-ESRCH): only another domain's resource can be acquired"),
            entry("memory_op.get_pod_target", .memory_op, [.value(UInt64(XENMEM.get_pod_target)), .pointer(buffer: 0)], [pod],
                  source: "xen/arch/x86/mm.c arch_memory_op XENMEM_get_pod_target: an HVM domain, xsm_get_pod_target(XSM_PRIV)"),
            entry("memory_op.set_memory_map", .memory_op, [.value(UInt64(XENMEM.set_memory_map)), .pointer(buffer: 0)],
                  [map, region], [EntryRelocation(0, "map.buffer", to: 1)],
                  source: "xen/arch/x86/mm.c arch_memory_op XENMEM_set_memory_map: replaces d->arch.e820 (xsm_domain_memory_map, XSM_TARGET)"),
            PlanEntry(name: "memory_op.memory_map_after_set", op: after.op, arguments: after.arguments,
                      buffers: after.buffers, returns: after.returns),
        ]
    }

    /// mmuext_op([PIN_L1_TABLE, TLB_FLUSH_LOCAL], 2, &done, DOMID_SELF): refused to a PVH page owner
    /// before any op is read (measured -EINVAL in 4.17 and the source says so).
    func mmuext() -> PlanEntry {
        let l = layout(.mmuext_op)
        var input = (try? l.encode(StructValue(["cmd": [UInt64(MMUEXT.PIN_L1_TABLE)]]))) ?? []
        input += (try? l.encode(StructValue(["cmd": [UInt64(MMUEXT.TLB_FLUSH_LOCAL)]]))) ?? []
        let ops = EntryBuffer(name: l.name, buffer: PlanBuffer(size: input.count + PlanConstants.slack, input: input),
                              role: .batch(l, count: 2, results: []))
        let done = EntryBuffer(name: "done", buffer: PlanBuffer(size: 4 + PlanConstants.slack), role: .input(length: 0))
        return entry("mmuext_op.pin_then_flush", .mmuext_op,
                     [.pointer(buffer: 0), .value(2), .pointer(buffer: 1), .value(UInt64(DOMID_SELF))], [ops, done],
                     returns: .error(.EINVAL),
                     source: "xen/arch/x86/mm.c do_mmuext_op: `!is_pv_domain(pg_owner)` is -EINVAL before any op is read "
                        + "(pdone untouched); the PV test guest runs the ops")
    }
}
