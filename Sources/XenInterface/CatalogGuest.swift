// Structures of the guest-facing headers other than xen.h: memory.h, grant_table.h,
// event_channel.h, vcpu.h, sched.h, physdev.h, version.h, callback.h, nmi.h, hvm/hvm_op.h.
// Member names and order follow the headers; the gcc probe test checks every offset.

extension StructDescription {
    // MARK: public/memory.h

    /// `struct xen_memory_reservation` (public/memory.h).
    /// XENMEM_increase_reservation, decrease_reservation and populate_physmap: an extent list, order, flags, domain.
    public static let xen_memory_reservation = StructDescription("xen_memory_reservation", "memory.h", [
        .handle("extent_start"), .xenUlong("nr_extents"), .uint("extent_order"), .uint("mem_flags"),
        .domid("domid"),
    ])
    /// `struct xen_memory_exchange` (public/memory.h).
    /// XENMEM_exchange: pages given up (`in`), pages wanted (`out`), and how many were exchanged.
    public static let xen_memory_exchange = StructDescription("xen_memory_exchange", "memory.h", [
        .record("in", .xen_memory_reservation), .record("out", .xen_memory_reservation),
        .xenUlong("nr_exchanged"),
    ])
    /// `struct xen_memory_domain` (public/memory.h).
    /// The domid argument of XENMEM_current_reservation, maximum_reservation and maximum_gpfn.
    public static let xen_memory_domain = StructDescription("xen_memory_domain", "memory.h", [.domid("domid")])
    /// `struct xen_machphys_mfn_list` (public/memory.h).
    /// XENMEM_machphys_mfn_list: the base frames of the 2 MiB extents holding the M2P table, into a guest array.
    public static let xen_machphys_mfn_list = StructDescription("xen_machphys_mfn_list", "memory.h", [
        .uint("max_extents"), .handle("extent_start"), .uint("nr_extents"),
    ])
    /// `struct xen_machphys_mapping` (public/memory.h).
    /// XENMEM_machphys_mapping: where the read-only M2P table is mapped, and its largest MFN.
    public static let xen_machphys_mapping = StructDescription("xen_machphys_mapping", "memory.h", [
        .xenUlong("v_start"), .xenUlong("v_end"), .xenUlong("max_mfn"),
    ])
    /// `struct xen_add_to_physmap` (public/memory.h).
    /// XENMEM_add_to_physmap: map a page from a space (shared info, grant table, gmfn) at a guest frame.
    public static let xen_add_to_physmap = StructDescription("xen_add_to_physmap", "memory.h", [
        .domid("domid"), .u16("size"), .uint("space"), .xenUlong("idx"), .pfn("gpfn"),
    ])
    /// `struct xen_add_to_physmap_batch` (public/memory.h).
    /// XENMEM_add_to_physmap_batch: the batch form, with arrays of indices, guest frames and errors.
    public static let xen_add_to_physmap_batch = StructDescription("xen_add_to_physmap_batch", "memory.h", [
        .domid("domid"), .u16("space"), .u16("size"),
        .record("u", .xen_add_to_physmap_batch_extra),
        .handle("idxs"), .handle("gpfns"), .handle("errs"),
    ])
    /// `union xen_add_to_physmap_batch_extra` (public/memory.h).
    /// The union `u` of xen_add_to_physmap_batch: the foreign domain for XENMAPSPACE_gmfn_foreign.
    public static let xen_add_to_physmap_batch_extra = StructDescription(
        "xen_add_to_physmap_batch_extra", "memory.h", union: true, [.domid("foreign_domid"), .u16("res0")])
    /// `struct xen_remove_from_physmap` (public/memory.h).
    /// XENMEM_remove_from_physmap: unmap the page at a guest frame.
    public static let xen_remove_from_physmap = StructDescription("xen_remove_from_physmap", "memory.h", [
        .domid("domid"), .pfn("gpfn"),
    ])
    /// `struct xen_memory_map` (public/memory.h).
    /// XENMEM_memory_map and machine_memory_map: an E820 buffer and its entry count.
    public static let xen_memory_map = StructDescription("xen_memory_map", "memory.h", [
        .uint("nr_entries"), .handle("buffer"),
    ])
    /// `struct xen_foreign_memory_map` (public/memory.h).
    /// XENMEM_set_memory_map: a domain and its E820 map.
    public static let xen_foreign_memory_map = StructDescription("xen_foreign_memory_map", "memory.h", [
        .domid("domid"), .record("map", .xen_memory_map),
    ])
    /// `struct xen_pod_target` (public/memory.h).
    /// XENMEM_set_pod_target and get_pod_target: populate-on-demand target and counts, in pages.
    public static let xen_pod_target = StructDescription("xen_pod_target", "memory.h", [
        .u64("target_pages"), .u64("tot_pages"), .u64("pod_cache_pages"), .u64("pod_entries"), .domid("domid"),
    ])
    /// `struct xen_mem_acquire_resource` (public/memory.h).
    /// XENMEM_acquire_resource: map frames of a domain's resource (ioreq server, grant table, vmtrace buffer).
    public static let xen_mem_acquire_resource = StructDescription("xen_mem_acquire_resource", "memory.h", [
        .domid("domid"), .u16("type"), .u32("id"), .u32("nr_frames"), .u32("pad"), .u64("frame"),
        .handle("frame_list"),
    ])
    /// `struct xen_vmemrange` (public/memory.h).
    /// One virtual NUMA memory range of XENMEM_get_vnumainfo: start, end, flags, node.
    public static let xen_vmemrange = StructDescription("xen_vmemrange", "memory.h", [
        .u64("start"), .u64("end"), .uint("flags"), .uint("nid"),
    ])
    /// `struct xen_vnuma_topology_info` (public/memory.h).
    /// XENMEM_get_vnumainfo: counts and handles of a domain's virtual NUMA topology.
    public static let xen_vnuma_topology_info = StructDescription("xen_vnuma_topology_info", "memory.h", [
        .domid("domid"), .u16("pad"), .uint("nr_vnodes"), .uint("nr_vcpus"), .uint("nr_vmemranges"),
        .union("vdistance", [.handle("h"), .u64("pad")]),
        .union("vcpu_to_vnode", [.handle("h"), .u64("pad")]),
        .union("vmemrange", [.handle("h"), .u64("pad")]),
    ])

    // MARK: public/grant_table.h

    /// `struct grant_entry_v1` (public/grant_table.h).
    /// A version 1 grant-table entry: flags, the domain granted, the frame.
    public static let grant_entry_v1 = StructDescription("grant_entry_v1", "grant_table.h", [
        .u16("flags"), .domid("domid"), .u32("frame"),
    ])
    /// `struct grant_entry_header` (public/grant_table.h).
    /// The header shared by every version 2 grant entry: flags and domain.
    public static let grant_entry_header = StructDescription("grant_entry_header", "grant_table.h", [
        .u16("flags"), .domid("domid"),
    ])
    /// `union grant_entry_v2` (public/grant_table.h).
    /// A version 2 grant-table entry: full page, sub-page or transitive grant.
    public static let grant_entry_v2 = StructDescription("grant_entry_v2", "grant_table.h", union: true, [
        .record("hdr", .grant_entry_header),
        .inlineStruct("full_page", [.record("hdr", .grant_entry_header), .u32("pad0"), .u64("frame")]),
        .inlineStruct("sub_page", [
            .record("hdr", .grant_entry_header), .u16("page_off"), .u16("length"), .u64("frame"),
        ]),
        .inlineStruct("transitive", [
            .record("hdr", .grant_entry_header), .domid("trans_domid"), .u16("pad0"), .gref("gref"),
        ]),
        .array("__spacer", .scalar(.uint32), 4),
    ])
    /// `struct gnttab_map_grant_ref` (public/grant_table.h).
    /// GNTTABOP_map_grant_ref: map another domain's grant at a host address or for device access.
    public static let gnttab_map_grant_ref = StructDescription("gnttab_map_grant_ref", "grant_table.h", [
        .u64("host_addr"), .u32("flags"), .gref("ref"), .domid("dom"), .i16("status"), .grantHandle("handle"),
        .u64("dev_bus_addr"),
    ])
    /// `struct gnttab_unmap_grant_ref` (public/grant_table.h).
    /// GNTTABOP_unmap_grant_ref: undo a map by its handle.
    public static let gnttab_unmap_grant_ref = StructDescription("gnttab_unmap_grant_ref", "grant_table.h", [
        .u64("host_addr"), .u64("dev_bus_addr"), .grantHandle("handle"), .i16("status"),
    ])
    /// `struct gnttab_setup_table` (public/grant_table.h).
    /// GNTTABOP_setup_table: get the frames of a domain's grant table into a frame list.
    public static let gnttab_setup_table = StructDescription("gnttab_setup_table", "grant_table.h", [
        .domid("dom"), .u32("nr_frames"), .i16("status"), .handle("frame_list"),
    ])
    /// `struct gnttab_dump_table` (public/grant_table.h).
    /// GNTTABOP_dump_table: print a domain's grant table on Xen's console.
    public static let gnttab_dump_table = StructDescription("gnttab_dump_table", "grant_table.h", [
        .domid("dom"), .i16("status"),
    ])
    /// `struct gnttab_transfer` (public/grant_table.h).
    /// GNTTABOP_transfer: give a page to another domain through one of its grant references.
    public static let gnttab_transfer = StructDescription("gnttab_transfer", "grant_table.h", [
        .pfn("mfn"), .domid("domid"), .gref("ref"), .i16("status"),
    ])
    /// `struct gnttab_copy_ptr` (public/grant_table.h).
    /// One side of a gnttab_copy: a grant reference or a guest frame, its domain and byte offset.
    public static let gnttab_copy_ptr = StructDescription("gnttab_copy_ptr", "grant_table.h", [
        .union("u", [.gref("ref"), .pfn("gmfn")]), .domid("domid"), .u16("offset"),
    ])
    /// `struct gnttab_copy` (public/grant_table.h).
    /// GNTTABOP_copy: copy bytes between grants or frames without mapping them.
    public static let gnttab_copy = StructDescription("gnttab_copy", "grant_table.h", [
        .record("source", .gnttab_copy_ptr), .record("dest", .gnttab_copy_ptr),
        .u16("len"), .u16("flags"), .i16("status"),
    ])
    /// `struct gnttab_query_size` (public/grant_table.h).
    /// GNTTABOP_query_size: a domain's current and maximum grant-table frames.
    public static let gnttab_query_size = StructDescription("gnttab_query_size", "grant_table.h", [
        .domid("dom"), .u32("nr_frames"), .u32("max_nr_frames"), .i16("status"),
    ])
    /// `struct gnttab_unmap_and_replace` (public/grant_table.h).
    /// GNTTABOP_unmap_and_replace: unmap a grant and put another mapping in its place.
    public static let gnttab_unmap_and_replace = StructDescription("gnttab_unmap_and_replace", "grant_table.h", [
        .u64("host_addr"), .u64("new_addr"), .grantHandle("handle"), .i16("status"),
    ])
    /// `struct gnttab_set_version` (public/grant_table.h).
    /// GNTTABOP_set_version: choose grant-table version 1 or 2.
    public static let gnttab_set_version = StructDescription("gnttab_set_version", "grant_table.h", [
        .u32("version"),
    ])
    /// `struct gnttab_get_status_frames` (public/grant_table.h).
    /// GNTTABOP_get_status_frames: the frames of a version 2 table's status array.
    public static let gnttab_get_status_frames = StructDescription("gnttab_get_status_frames", "grant_table.h", [
        .u32("nr_frames"), .domid("dom"), .i16("status"), .handle("frame_list"),
    ])
    /// `struct gnttab_get_version` (public/grant_table.h).
    /// GNTTABOP_get_version: a domain's grant-table version.
    public static let gnttab_get_version = StructDescription("gnttab_get_version", "grant_table.h", [
        .domid("dom"), .u16("pad"), .u32("version"),
    ])
    /// `struct gnttab_swap_grant_ref` (public/grant_table.h).
    /// GNTTABOP_swap_grant_ref: swap two entries of the caller's table.
    public static let gnttab_swap_grant_ref = StructDescription("gnttab_swap_grant_ref", "grant_table.h", [
        .gref("ref_a"), .gref("ref_b"), .i16("status"),
    ])
    /// `struct gnttab_cache_flush` (public/grant_table.h).
    /// GNTTABOP_cache_flush: clean or invalidate the cache over part of a grant or of a bus address.
    public static let gnttab_cache_flush = StructDescription("gnttab_cache_flush", "grant_table.h", [
        .union("a", [.u64("dev_bus_addr"), .gref("ref")]), .u16("offset"), .u16("length"), .u32("op"),
    ])

    // MARK: public/event_channel.h

    /// `struct evtchn_alloc_unbound` (public/event_channel.h).
    /// EVTCHNOP_alloc_unbound: a port another domain (`remote_dom`) can bind to.
    public static let evtchn_alloc_unbound = StructDescription("evtchn_alloc_unbound", "event_channel.h", [
        .domid("dom"), .domid("remote_dom"), .port("port"),
    ])
    /// `struct evtchn_bind_interdomain` (public/event_channel.h).
    /// EVTCHNOP_bind_interdomain: connect a local port to another domain's unbound port.
    public static let evtchn_bind_interdomain = StructDescription("evtchn_bind_interdomain", "event_channel.h", [
        .domid("remote_dom"), .port("remote_port"), .port("local_port"),
    ])
    /// `struct evtchn_bind_virq` (public/event_channel.h).
    /// EVTCHNOP_bind_virq: a port for a virtual IRQ (VIRQ_*) on one vCPU.
    public static let evtchn_bind_virq = StructDescription("evtchn_bind_virq", "event_channel.h", [
        .u32("virq"), .u32("vcpu"), .port("port"),
    ])
    /// `struct evtchn_bind_pirq` (public/event_channel.h).
    /// EVTCHNOP_bind_pirq: a port for a physical IRQ.
    public static let evtchn_bind_pirq = StructDescription("evtchn_bind_pirq", "event_channel.h", [
        .u32("pirq"), .u32("flags"), .port("port"),
    ])
    /// `struct evtchn_bind_ipi` (public/event_channel.h).
    /// EVTCHNOP_bind_ipi: a port for inter-vCPU notifications.
    public static let evtchn_bind_ipi = StructDescription("evtchn_bind_ipi", "event_channel.h", [
        .u32("vcpu"), .port("port"),
    ])
    /// `struct evtchn_close` (public/event_channel.h).
    /// EVTCHNOP_close: close a port.
    public static let evtchn_close = StructDescription("evtchn_close", "event_channel.h", [.port("port")])
    /// `struct evtchn_send` (public/event_channel.h).
    /// EVTCHNOP_send: notify the remote end of a port.
    public static let evtchn_send = StructDescription("evtchn_send", "event_channel.h", [.port("port")])
    /// `struct evtchn_status` (public/event_channel.h).
    /// EVTCHNOP_status: what a port is bound to.
    public static let evtchn_status = StructDescription("evtchn_status", "event_channel.h", [
        .domid("dom"), .port("port"), .u32("status"), .u32("vcpu"),
        .union("u", [
            .inlineStruct("unbound", [.domid("dom")]),
            .inlineStruct("interdomain", [.domid("dom"), .port("port")]),
            .u32("pirq"), .u32("virq"),
        ]),
    ])
    /// `struct evtchn_bind_vcpu` (public/event_channel.h).
    /// EVTCHNOP_bind_vcpu: deliver a port's events to another vCPU.
    public static let evtchn_bind_vcpu = StructDescription("evtchn_bind_vcpu", "event_channel.h", [
        .port("port"), .u32("vcpu"),
    ])
    /// `struct evtchn_unmask` (public/event_channel.h).
    /// EVTCHNOP_unmask: unmask a port (and deliver a pending event).
    public static let evtchn_unmask = StructDescription("evtchn_unmask", "event_channel.h", [.port("port")])
    /// `struct evtchn_reset` (public/event_channel.h).
    /// EVTCHNOP_reset: close every port of a domain.
    public static let evtchn_reset = StructDescription("evtchn_reset", "event_channel.h", [.domid("dom")])
    /// `struct evtchn_init_control` (public/event_channel.h).
    /// EVTCHNOP_init_control: register a vCPU's FIFO control block (FIFO ABI).
    public static let evtchn_init_control = StructDescription("evtchn_init_control", "event_channel.h", [
        .u64("control_gfn"), .u32("offset"), .u32("vcpu"), .u8("link_bits"),
        .array("_pad", .scalar(.uint8), 7),
    ])
    /// `struct evtchn_expand_array` (public/event_channel.h).
    /// EVTCHNOP_expand_array: add a page of event words (FIFO ABI).
    public static let evtchn_expand_array = StructDescription("evtchn_expand_array", "event_channel.h", [
        .u64("array_gfn"),
    ])
    /// `struct evtchn_set_priority` (public/event_channel.h).
    /// EVTCHNOP_set_priority: a port's FIFO queue priority.
    public static let evtchn_set_priority = StructDescription("evtchn_set_priority", "event_channel.h", [
        .port("port"), .u32("priority"),
    ])
    /// `struct evtchn_op` (public/event_channel.h).
    /// The argument of the old event_channel_op_compat hypercall: a command and a union of the requests.
    public static let evtchn_op = StructDescription("evtchn_op", "event_channel.h", [
        .u32("cmd"),
        .union("u", [
            .record("alloc_unbound", .evtchn_alloc_unbound), .record("bind_interdomain", .evtchn_bind_interdomain),
            .record("bind_virq", .evtchn_bind_virq), .record("bind_pirq", .evtchn_bind_pirq),
            .record("bind_ipi", .evtchn_bind_ipi), .record("close", .evtchn_close), .record("send", .evtchn_send),
            .record("status", .evtchn_status), .record("bind_vcpu", .evtchn_bind_vcpu),
            .record("unmask", .evtchn_unmask),
        ]),
    ])
    /// `struct evtchn_fifo_control_block` (public/event_channel.h).
    /// The FIFO event ABI's per-vCPU control block: the READY bits and one queue head per priority.
    /// EVTCHN_FIFO_MAX_QUEUES = EVTCHN_FIFO_PRIORITY_MIN + 1 = 16 (public/event_channel.h).
    public static let evtchn_fifo_control_block = StructDescription(
        "evtchn_fifo_control_block", "event_channel.h", [
            .u32("ready"), .u32("_rsvd"), .array("head", .scalar(.uint32), 16),
        ])

    // MARK: public/vcpu.h

    /// `struct vcpu_runstate_info` (public/vcpu.h).
    /// VCPUOP_get_runstate_info and the registered runstate area: state, since when, time in each state.
    public static let vcpu_runstate_info = StructDescription("vcpu_runstate_info", "vcpu.h", [
        .int("state"), .u64("state_entry_time"), .array("time", .scalar(.uint64), 4),
    ])
    /// `struct vcpu_register_runstate_memory_area` (public/vcpu.h).
    /// VCPUOP_register_runstate_memory_area: where Xen keeps the vCPU's runstate up to date.
    public static let vcpu_register_runstate_memory_area = StructDescription(
        "vcpu_register_runstate_memory_area", "vcpu.h", [
            .union("addr", [.handle("h"), .pointer("v"), .u64("p")]),
        ])
    /// `struct vcpu_set_periodic_timer` (public/vcpu.h).
    /// VCPUOP_set_periodic_timer: the period in nanoseconds.
    public static let vcpu_set_periodic_timer = StructDescription("vcpu_set_periodic_timer", "vcpu.h", [
        .u64("period_ns"),
    ])
    /// `struct vcpu_set_singleshot_timer` (public/vcpu.h).
    /// VCPUOP_set_singleshot_timer: an absolute system-time deadline and VCPU_SSHOTTMR_* flags.
    public static let vcpu_set_singleshot_timer = StructDescription("vcpu_set_singleshot_timer", "vcpu.h", [
        .u64("timeout_abs_ns"), .u32("flags"),
    ])
    /// `struct vcpu_register_vcpu_info` (public/vcpu.h).
    /// VCPUOP_register_vcpu_info: move the vCPU's vcpu_info to a frame and offset of the guest's.
    public static let vcpu_register_vcpu_info = StructDescription("vcpu_register_vcpu_info", "vcpu.h", [
        .u64("mfn"), .u32("offset"), .u32("rsvd"),
    ])
    /// `struct vcpu_get_physid` (public/vcpu.h).
    /// VCPUOP_get_physid: the physical CPU's APIC and ACPI ids (dom0 with pinned vCPUs).
    public static let vcpu_get_physid = StructDescription("vcpu_get_physid", "vcpu.h", [.u64("phys_id")])
    /// `struct vcpu_register_time_memory_area` (public/vcpu.h).
    /// VCPUOP_register_vcpu_time_memory_area: where Xen keeps a copy of vcpu_time_info.
    public static let vcpu_register_time_memory_area = StructDescription(
        "vcpu_register_time_memory_area", "vcpu.h", [
            .union("addr", [.handle("h"), .pointer("v"), .u64("p")]),
        ])

    // MARK: public/sched.h

    /// `struct sched_shutdown` (public/sched.h).
    /// SCHEDOP_shutdown: the SHUTDOWN_* reason (poweroff, reboot, suspend, crash, watchdog).
    public static let sched_shutdown = StructDescription("sched_shutdown", "sched.h", [.uint("reason")])
    /// `struct sched_poll` (public/sched.h).
    /// SCHEDOP_poll: block until one of the ports is pending or the timeout passes.
    public static let sched_poll = StructDescription("sched_poll", "sched.h", [
        .handle("ports"), .uint("nr_ports"), .u64("timeout"),
    ])
    /// `struct sched_remote_shutdown` (public/sched.h).
    /// SCHEDOP_remote_shutdown: shut another domain down with a reason.
    public static let sched_remote_shutdown = StructDescription("sched_remote_shutdown", "sched.h", [
        .domid("domain_id"), .uint("reason"),
    ])
    /// `struct sched_watchdog` (public/sched.h).
    /// SCHEDOP_watchdog: create, pet or destroy a domain watchdog (timeout in seconds).
    public static let sched_watchdog = StructDescription("sched_watchdog", "sched.h", [
        .u32("id"), .u32("timeout"),
    ])
    /// `struct sched_pin_override` (public/sched.h).
    /// SCHEDOP_pin_override: pin the calling vCPU to a physical CPU temporarily (dom0), or undo it with -1.
    public static let sched_pin_override = StructDescription("sched_pin_override", "sched.h", [.i32("pcpu")])

    // MARK: public/physdev.h

    /// `struct physdev_eoi` (public/physdev.h).
    /// PHYSDEVOP_eoi: end of interrupt for a PIRQ.
    public static let physdev_eoi = StructDescription("physdev_eoi", "physdev.h", [.u32("irq")])
    /// `struct physdev_pirq_eoi_gmfn` (public/physdev.h).
    /// PHYSDEVOP_pirq_eoi_gmfn_v1/v2: register a page of PIRQ EOI bits.
    public static let physdev_pirq_eoi_gmfn = StructDescription("physdev_pirq_eoi_gmfn", "physdev.h", [
        .pfn("gmfn"),
    ])
    /// `struct physdev_irq_status_query` (public/physdev.h).
    /// PHYSDEVOP_irq_status_query: whether an IRQ needs an EOI notification.
    public static let physdev_irq_status_query = StructDescription("physdev_irq_status_query", "physdev.h", [
        .u32("irq"), .u32("flags"),
    ])
    /// `struct physdev_set_iopl` (public/physdev.h).
    /// PHYSDEVOP_set_iopl: the vCPU's I/O privilege level.
    public static let physdev_set_iopl = StructDescription("physdev_set_iopl", "physdev.h", [.u32("iopl")])
    /// `struct physdev_set_iobitmap` (public/physdev.h).
    /// PHYSDEVOP_set_iobitmap: the vCPU's I/O port permission bitmap.
    public static let physdev_set_iobitmap = StructDescription("physdev_set_iobitmap", "physdev.h", [
        .handle("bitmap"), .u32("nr_ports"),
    ])
    /// `struct physdev_apic` (public/physdev.h).
    /// PHYSDEVOP_apic_read and apic_write: an IO-APIC register.
    public static let physdev_apic = StructDescription("physdev_apic", "physdev.h", [
        .ulong("apic_physbase"), .u32("reg"), .u32("value"),
    ])
    /// `struct physdev_irq` (public/physdev.h).
    /// PHYSDEVOP_alloc_irq_vector and free_irq_vector: an IRQ and its vector.
    public static let physdev_irq = StructDescription("physdev_irq", "physdev.h", [.u32("irq"), .u32("vector")])
    /// `struct physdev_map_pirq` (public/physdev.h).
    /// PHYSDEVOP_map_pirq: map a GSI or MSI source to a PIRQ of a domain.
    public static let physdev_map_pirq = StructDescription("physdev_map_pirq", "physdev.h", [
        .domid("domid"), .int("type"), .int("index"), .int("pirq"), .int("bus"), .int("devfn"),
        .int("entry_nr"), .u64("table_base"),
    ])
    /// `struct physdev_unmap_pirq` (public/physdev.h).
    /// PHYSDEVOP_unmap_pirq: undo a map_pirq.
    public static let physdev_unmap_pirq = StructDescription("physdev_unmap_pirq", "physdev.h", [
        .domid("domid"), .int("pirq"),
    ])
    /// `struct physdev_manage_pci` (public/physdev.h).
    /// PHYSDEVOP_manage_pci_add and remove: a PCI device by bus and devfn (segment 0).
    public static let physdev_manage_pci = StructDescription("physdev_manage_pci", "physdev.h", [
        .u8("bus"), .u8("devfn"),
    ])
    /// `struct physdev_restore_msi` (public/physdev.h).
    /// PHYSDEVOP_restore_msi: restore a device's MSI state after resume.
    public static let physdev_restore_msi = StructDescription("physdev_restore_msi", "physdev.h", [
        .u8("bus"), .u8("devfn"),
    ])
    /// `struct physdev_manage_pci_ext` (public/physdev.h).
    /// PHYSDEVOP_manage_pci_add_ext: a PCI device, with whether it is an extended or virtual function.
    public static let physdev_manage_pci_ext = StructDescription("physdev_manage_pci_ext", "physdev.h", [
        .u8("bus"), .u8("devfn"), .u32("is_extfn"), .u32("is_virtfn"),
        .inlineStruct("physfn", [.u8("bus"), .u8("devfn")]),
    ])
    /// `struct physdev_op` (public/physdev.h).
    /// The argument of the old physdev_op_compat hypercall: a command and a union of the requests.
    public static let physdev_op = StructDescription("physdev_op", "physdev.h", [
        .u32("cmd"),
        .union("u", [
            .record("irq_status_query", .physdev_irq_status_query), .record("set_iopl", .physdev_set_iopl),
            .record("set_iobitmap", .physdev_set_iobitmap), .record("apic_op", .physdev_apic),
            .record("irq_op", .physdev_irq),
        ]),
    ])
    /// `struct physdev_setup_gsi` (public/physdev.h).
    /// PHYSDEVOP_setup_gsi: a GSI's trigger mode and polarity.
    public static let physdev_setup_gsi = StructDescription("physdev_setup_gsi", "physdev.h", [
        .int("gsi"), .u8("triggering"), .u8("polarity"),
    ])
    /// `struct physdev_get_free_pirq` (public/physdev.h).
    /// PHYSDEVOP_get_free_pirq: a free PIRQ of a type (MAP_PIRQ_TYPE_*).
    public static let physdev_get_free_pirq = StructDescription("physdev_get_free_pirq", "physdev.h", [
        .int("type"), .u32("pirq"),
    ])
    /// `struct physdev_pci_mmcfg_reserved` (public/physdev.h).
    /// PHYSDEVOP_pci_mmcfg_reserved: an MMCONFIG area and the buses it serves.
    public static let physdev_pci_mmcfg_reserved = StructDescription("physdev_pci_mmcfg_reserved", "physdev.h", [
        .u64("address"), .u16("segment"), .u8("start_bus"), .u8("end_bus"), .u32("flags"),
    ])
    /// `struct physdev_pci_device_add` (public/physdev.h).
    /// PHYSDEVOP_pci_device_add: a PCI device with its segment, flags and physical function.
    /// `uint32_t optarr[]` (a flexible array) occupies no bytes and is left out.
    public static let physdev_pci_device_add = StructDescription("physdev_pci_device_add", "physdev.h", [
        .u16("seg"), .u8("bus"), .u8("devfn"), .u32("flags"),
        .inlineStruct("physfn", [.u8("bus"), .u8("devfn")]),
    ])
    /// `struct physdev_pci_device` (public/physdev.h).
    /// PHYSDEVOP_pci_device_remove, prepare_msix and release_msix: a PCI device by segment, bus and devfn.
    public static let physdev_pci_device = StructDescription("physdev_pci_device", "physdev.h", [
        .u16("seg"), .u8("bus"), .u8("devfn"),
    ])
    /// `struct physdev_dbgp_op` (public/physdev.h).
    /// PHYSDEVOP_dbgp_op: reset or hand over a USB debug port.
    public static let physdev_dbgp_op = StructDescription("physdev_dbgp_op", "physdev.h", [
        .u8("op"), .u8("bus"), .union("u", [.record("pci", .physdev_pci_device)]),
    ])

    // MARK: public/version.h

    /// `struct xen_compile_info` (public/version.h).
    /// XENVER_compile_info's result: compiler, user, domain and date of Xen's build.
    public static let xen_compile_info = StructDescription("xen_compile_info", "version.h", [
        .char("compiler", 64), .char("compile_by", 16), .char("compile_domain", 32), .char("compile_date", 32),
    ])
    /// `struct xen_platform_parameters` (public/version.h).
    /// XENVER_platform_parameters's result: the start of Xen's virtual area (hypervisor hole).
    public static let xen_platform_parameters = StructDescription("xen_platform_parameters", "version.h", [
        .xenUlong("virt_start"),
    ])
    /// `struct xen_feature_info` (public/version.h).
    /// XENVER_get_features's argument: the submap index in, 32 XENFEAT_* bits out.
    public static let xen_feature_info = StructDescription("xen_feature_info", "version.h", [
        .uint("submap_idx"), .u32("submap"),
    ])
    /// `struct xen_build_id` (public/version.h).
    /// XENVER_build_id's argument: the buffer size in, Xen's build id (length and bytes) out.
    /// `unsigned char buf[]` (a flexible array) occupies no bytes and is left out.
    public static let xen_build_id = StructDescription("xen_build_id", "version.h", [.u32("len")])
    /// `struct xen_varbuf` (public/version.h, since Xen 4.20).
    /// The argument of XENVER_extraversion2, capabilities2, changeset2 and commandline2 (and, in
    /// 4.20's xen/common/kernel.c, of build_id): the buffer size in, that many bytes out, no NUL.
    /// `unsigned char buf[]` (a flexible array) occupies no bytes and is left out.
    public static let xen_varbuf = StructDescription("xen_varbuf", "version.h", [.u32("len")])

    // MARK: public/callback.h

    /// `struct callback_register` (public/callback.h).
    /// CALLBACKOP_register: a callback's type (CALLBACKTYPE_*), flags and address.
    public static let callback_register = StructDescription("callback_register", "callback.h",
        x86_32: [.u16("type"), .u16("flags"), .record("address", .xen_callback)],
        x86_64: [.u16("type"), .u16("flags"), .ulong("address")])
    /// `struct callback_unregister` (public/callback.h).
    /// CALLBACKOP_unregister: the callback type to remove.
    public static let callback_unregister = StructDescription("callback_unregister", "callback.h", [
        .u16("type"), .u16("_unused"),
    ])

    // MARK: public/nmi.h

    /// `struct xennmi_callback` (public/nmi.h).
    /// XENNMI_register_callback: the NMI handler's address.
    public static let xennmi_callback = StructDescription("xennmi_callback", "nmi.h", [
        .ulong("handler_address"), .ulong("pad"),
    ])

    /// `struct xsd_sockmsg` (public/io/xs_wire.h).
    /// The header of every xenstore message on /dev/xen/xenbus or the ring: its type
    /// (`xsd_sockmsg_type`), the request id the reply echoes, the transaction id (0: none) and
    /// the length of the payload that follows.
    public static let xsd_sockmsg = StructDescription("xsd_sockmsg", "io/xs_wire.h", [
        .u32("type"), .u32("req_id"), .u32("tx_id"), .u32("len"),
    ])
    /// `struct xenstore_domain_interface` (public/io/xs_wire.h).
    /// The shared page of a domain's xenstore ring: requests and replies, each with its consumer
    /// and producer index, then the server's features, the connection state and an error.
    public static let xenstore_domain_interface = StructDescription("xenstore_domain_interface", "io/xs_wire.h", [
        .char("req", 1024), .char("rsp", 1024), .u32("req_cons"), .u32("req_prod"), .u32("rsp_cons"), .u32("rsp_prod"),
        .u32("server_features"), .u32("connection"), .u32("error"),
    ])
}
