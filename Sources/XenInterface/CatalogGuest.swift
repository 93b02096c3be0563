// Structures of the guest-facing headers other than xen.h: memory.h, grant_table.h,
// event_channel.h, vcpu.h, sched.h, physdev.h, version.h, callback.h, nmi.h, hvm/hvm_op.h.
// Member names and order follow the headers; the gcc probe test checks every offset.

extension StructDescription {
    // MARK: public/memory.h

    public static let xen_memory_reservation = StructDescription("xen_memory_reservation", "memory.h", [
        .handle("extent_start"), .xenUlong("nr_extents"), .uint("extent_order"), .uint("mem_flags"),
        .domid("domid"),
    ])
    public static let xen_memory_exchange = StructDescription("xen_memory_exchange", "memory.h", [
        .record("in", .xen_memory_reservation), .record("out", .xen_memory_reservation),
        .xenUlong("nr_exchanged"),
    ])
    public static let xen_memory_domain = StructDescription("xen_memory_domain", "memory.h", [.domid("domid")])
    public static let xen_machphys_mfn_list = StructDescription("xen_machphys_mfn_list", "memory.h", [
        .uint("max_extents"), .handle("extent_start"), .uint("nr_extents"),
    ])
    public static let xen_machphys_mapping = StructDescription("xen_machphys_mapping", "memory.h", [
        .xenUlong("v_start"), .xenUlong("v_end"), .xenUlong("max_mfn"),
    ])
    public static let xen_add_to_physmap = StructDescription("xen_add_to_physmap", "memory.h", [
        .domid("domid"), .u16("size"), .uint("space"), .xenUlong("idx"), .pfn("gpfn"),
    ])
    public static let xen_add_to_physmap_batch = StructDescription("xen_add_to_physmap_batch", "memory.h", [
        .domid("domid"), .u16("space"), .u16("size"),
        .record("u", .xen_add_to_physmap_batch_extra),
        .handle("idxs"), .handle("gpfns"), .handle("errs"),
    ])
    public static let xen_add_to_physmap_batch_extra = StructDescription(
        "xen_add_to_physmap_batch_extra", "memory.h", union: true, [.domid("foreign_domid"), .u16("res0")])
    public static let xen_remove_from_physmap = StructDescription("xen_remove_from_physmap", "memory.h", [
        .domid("domid"), .pfn("gpfn"),
    ])
    public static let xen_memory_map = StructDescription("xen_memory_map", "memory.h", [
        .uint("nr_entries"), .handle("buffer"),
    ])
    public static let xen_foreign_memory_map = StructDescription("xen_foreign_memory_map", "memory.h", [
        .domid("domid"), .record("map", .xen_memory_map),
    ])
    public static let xen_pod_target = StructDescription("xen_pod_target", "memory.h", [
        .u64("target_pages"), .u64("tot_pages"), .u64("pod_cache_pages"), .u64("pod_entries"), .domid("domid"),
    ])
    public static let xen_mem_acquire_resource = StructDescription("xen_mem_acquire_resource", "memory.h", [
        .domid("domid"), .u16("type"), .u32("id"), .u32("nr_frames"), .u32("pad"), .u64("frame"),
        .handle("frame_list"),
    ])
    public static let xen_vmemrange = StructDescription("xen_vmemrange", "memory.h", [
        .u64("start"), .u64("end"), .uint("flags"), .uint("nid"),
    ])
    public static let xen_vnuma_topology_info = StructDescription("xen_vnuma_topology_info", "memory.h", [
        .domid("domid"), .u16("pad"), .uint("nr_vnodes"), .uint("nr_vcpus"), .uint("nr_vmemranges"),
        .union("vdistance", [.handle("h"), .u64("pad")]),
        .union("vcpu_to_vnode", [.handle("h"), .u64("pad")]),
        .union("vmemrange", [.handle("h"), .u64("pad")]),
    ])

    // MARK: public/grant_table.h

    public static let grant_entry_v1 = StructDescription("grant_entry_v1", "grant_table.h", [
        .u16("flags"), .domid("domid"), .u32("frame"),
    ])
    public static let grant_entry_header = StructDescription("grant_entry_header", "grant_table.h", [
        .u16("flags"), .domid("domid"),
    ])
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
    public static let gnttab_map_grant_ref = StructDescription("gnttab_map_grant_ref", "grant_table.h", [
        .u64("host_addr"), .u32("flags"), .gref("ref"), .domid("dom"), .i16("status"), .grantHandle("handle"),
        .u64("dev_bus_addr"),
    ])
    public static let gnttab_unmap_grant_ref = StructDescription("gnttab_unmap_grant_ref", "grant_table.h", [
        .u64("host_addr"), .u64("dev_bus_addr"), .grantHandle("handle"), .i16("status"),
    ])
    public static let gnttab_setup_table = StructDescription("gnttab_setup_table", "grant_table.h", [
        .domid("dom"), .u32("nr_frames"), .i16("status"), .handle("frame_list"),
    ])
    public static let gnttab_dump_table = StructDescription("gnttab_dump_table", "grant_table.h", [
        .domid("dom"), .i16("status"),
    ])
    public static let gnttab_transfer = StructDescription("gnttab_transfer", "grant_table.h", [
        .pfn("mfn"), .domid("domid"), .gref("ref"), .i16("status"),
    ])
    public static let gnttab_copy_ptr = StructDescription("gnttab_copy_ptr", "grant_table.h", [
        .union("u", [.gref("ref"), .pfn("gmfn")]), .domid("domid"), .u16("offset"),
    ])
    public static let gnttab_copy = StructDescription("gnttab_copy", "grant_table.h", [
        .record("source", .gnttab_copy_ptr), .record("dest", .gnttab_copy_ptr),
        .u16("len"), .u16("flags"), .i16("status"),
    ])
    public static let gnttab_query_size = StructDescription("gnttab_query_size", "grant_table.h", [
        .domid("dom"), .u32("nr_frames"), .u32("max_nr_frames"), .i16("status"),
    ])
    public static let gnttab_unmap_and_replace = StructDescription("gnttab_unmap_and_replace", "grant_table.h", [
        .u64("host_addr"), .u64("new_addr"), .grantHandle("handle"), .i16("status"),
    ])
    public static let gnttab_set_version = StructDescription("gnttab_set_version", "grant_table.h", [
        .u32("version"),
    ])
    public static let gnttab_get_status_frames = StructDescription("gnttab_get_status_frames", "grant_table.h", [
        .u32("nr_frames"), .domid("dom"), .i16("status"), .handle("frame_list"),
    ])
    public static let gnttab_get_version = StructDescription("gnttab_get_version", "grant_table.h", [
        .domid("dom"), .u16("pad"), .u32("version"),
    ])
    public static let gnttab_swap_grant_ref = StructDescription("gnttab_swap_grant_ref", "grant_table.h", [
        .gref("ref_a"), .gref("ref_b"), .i16("status"),
    ])
    public static let gnttab_cache_flush = StructDescription("gnttab_cache_flush", "grant_table.h", [
        .union("a", [.u64("dev_bus_addr"), .gref("ref")]), .u16("offset"), .u16("length"), .u32("op"),
    ])

    // MARK: public/event_channel.h

    public static let evtchn_alloc_unbound = StructDescription("evtchn_alloc_unbound", "event_channel.h", [
        .domid("dom"), .domid("remote_dom"), .port("port"),
    ])
    public static let evtchn_bind_interdomain = StructDescription("evtchn_bind_interdomain", "event_channel.h", [
        .domid("remote_dom"), .port("remote_port"), .port("local_port"),
    ])
    public static let evtchn_bind_virq = StructDescription("evtchn_bind_virq", "event_channel.h", [
        .u32("virq"), .u32("vcpu"), .port("port"),
    ])
    public static let evtchn_bind_pirq = StructDescription("evtchn_bind_pirq", "event_channel.h", [
        .u32("pirq"), .u32("flags"), .port("port"),
    ])
    public static let evtchn_bind_ipi = StructDescription("evtchn_bind_ipi", "event_channel.h", [
        .u32("vcpu"), .port("port"),
    ])
    public static let evtchn_close = StructDescription("evtchn_close", "event_channel.h", [.port("port")])
    public static let evtchn_send = StructDescription("evtchn_send", "event_channel.h", [.port("port")])
    public static let evtchn_status = StructDescription("evtchn_status", "event_channel.h", [
        .domid("dom"), .port("port"), .u32("status"), .u32("vcpu"),
        .union("u", [
            .inlineStruct("unbound", [.domid("dom")]),
            .inlineStruct("interdomain", [.domid("dom"), .port("port")]),
            .u32("pirq"), .u32("virq"),
        ]),
    ])
    public static let evtchn_bind_vcpu = StructDescription("evtchn_bind_vcpu", "event_channel.h", [
        .port("port"), .u32("vcpu"),
    ])
    public static let evtchn_unmask = StructDescription("evtchn_unmask", "event_channel.h", [.port("port")])
    public static let evtchn_reset = StructDescription("evtchn_reset", "event_channel.h", [.domid("dom")])
    public static let evtchn_init_control = StructDescription("evtchn_init_control", "event_channel.h", [
        .u64("control_gfn"), .u32("offset"), .u32("vcpu"), .u8("link_bits"),
        .array("_pad", .scalar(.uint8), 7),
    ])
    public static let evtchn_expand_array = StructDescription("evtchn_expand_array", "event_channel.h", [
        .u64("array_gfn"),
    ])
    public static let evtchn_set_priority = StructDescription("evtchn_set_priority", "event_channel.h", [
        .port("port"), .u32("priority"),
    ])
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
    /// EVTCHN_FIFO_MAX_QUEUES = EVTCHN_FIFO_PRIORITY_MIN + 1 = 16 (public/event_channel.h).
    public static let evtchn_fifo_control_block = StructDescription(
        "evtchn_fifo_control_block", "event_channel.h", [
            .u32("ready"), .u32("_rsvd"), .array("head", .scalar(.uint32), 16),
        ])

    // MARK: public/vcpu.h

    public static let vcpu_runstate_info = StructDescription("vcpu_runstate_info", "vcpu.h", [
        .int("state"), .u64("state_entry_time"), .array("time", .scalar(.uint64), 4),
    ])
    public static let vcpu_register_runstate_memory_area = StructDescription(
        "vcpu_register_runstate_memory_area", "vcpu.h", [
            .union("addr", [.handle("h"), .pointer("v"), .u64("p")]),
        ])
    public static let vcpu_set_periodic_timer = StructDescription("vcpu_set_periodic_timer", "vcpu.h", [
        .u64("period_ns"),
    ])
    public static let vcpu_set_singleshot_timer = StructDescription("vcpu_set_singleshot_timer", "vcpu.h", [
        .u64("timeout_abs_ns"), .u32("flags"),
    ])
    public static let vcpu_register_vcpu_info = StructDescription("vcpu_register_vcpu_info", "vcpu.h", [
        .u64("mfn"), .u32("offset"), .u32("rsvd"),
    ])
    public static let vcpu_get_physid = StructDescription("vcpu_get_physid", "vcpu.h", [.u64("phys_id")])
    public static let vcpu_register_time_memory_area = StructDescription(
        "vcpu_register_time_memory_area", "vcpu.h", [
            .union("addr", [.handle("h"), .pointer("v"), .u64("p")]),
        ])

    // MARK: public/sched.h

    public static let sched_shutdown = StructDescription("sched_shutdown", "sched.h", [.uint("reason")])
    public static let sched_poll = StructDescription("sched_poll", "sched.h", [
        .handle("ports"), .uint("nr_ports"), .u64("timeout"),
    ])
    public static let sched_remote_shutdown = StructDescription("sched_remote_shutdown", "sched.h", [
        .domid("domain_id"), .uint("reason"),
    ])
    public static let sched_watchdog = StructDescription("sched_watchdog", "sched.h", [
        .u32("id"), .u32("timeout"),
    ])
    public static let sched_pin_override = StructDescription("sched_pin_override", "sched.h", [.i32("pcpu")])

    // MARK: public/physdev.h

    public static let physdev_eoi = StructDescription("physdev_eoi", "physdev.h", [.u32("irq")])
    public static let physdev_pirq_eoi_gmfn = StructDescription("physdev_pirq_eoi_gmfn", "physdev.h", [
        .pfn("gmfn"),
    ])
    public static let physdev_irq_status_query = StructDescription("physdev_irq_status_query", "physdev.h", [
        .u32("irq"), .u32("flags"),
    ])
    public static let physdev_set_iopl = StructDescription("physdev_set_iopl", "physdev.h", [.u32("iopl")])
    public static let physdev_set_iobitmap = StructDescription("physdev_set_iobitmap", "physdev.h", [
        .handle("bitmap"), .u32("nr_ports"),
    ])
    public static let physdev_apic = StructDescription("physdev_apic", "physdev.h", [
        .ulong("apic_physbase"), .u32("reg"), .u32("value"),
    ])
    public static let physdev_irq = StructDescription("physdev_irq", "physdev.h", [.u32("irq"), .u32("vector")])
    public static let physdev_map_pirq = StructDescription("physdev_map_pirq", "physdev.h", [
        .domid("domid"), .int("type"), .int("index"), .int("pirq"), .int("bus"), .int("devfn"),
        .int("entry_nr"), .u64("table_base"),
    ])
    public static let physdev_unmap_pirq = StructDescription("physdev_unmap_pirq", "physdev.h", [
        .domid("domid"), .int("pirq"),
    ])
    public static let physdev_manage_pci = StructDescription("physdev_manage_pci", "physdev.h", [
        .u8("bus"), .u8("devfn"),
    ])
    public static let physdev_restore_msi = StructDescription("physdev_restore_msi", "physdev.h", [
        .u8("bus"), .u8("devfn"),
    ])
    public static let physdev_manage_pci_ext = StructDescription("physdev_manage_pci_ext", "physdev.h", [
        .u8("bus"), .u8("devfn"), .u32("is_extfn"), .u32("is_virtfn"),
        .inlineStruct("physfn", [.u8("bus"), .u8("devfn")]),
    ])
    public static let physdev_op = StructDescription("physdev_op", "physdev.h", [
        .u32("cmd"),
        .union("u", [
            .record("irq_status_query", .physdev_irq_status_query), .record("set_iopl", .physdev_set_iopl),
            .record("set_iobitmap", .physdev_set_iobitmap), .record("apic_op", .physdev_apic),
            .record("irq_op", .physdev_irq),
        ]),
    ])
    public static let physdev_setup_gsi = StructDescription("physdev_setup_gsi", "physdev.h", [
        .int("gsi"), .u8("triggering"), .u8("polarity"),
    ])
    public static let physdev_get_free_pirq = StructDescription("physdev_get_free_pirq", "physdev.h", [
        .int("type"), .u32("pirq"),
    ])
    public static let physdev_pci_mmcfg_reserved = StructDescription("physdev_pci_mmcfg_reserved", "physdev.h", [
        .u64("address"), .u16("segment"), .u8("start_bus"), .u8("end_bus"), .u32("flags"),
    ])
    /// `uint32_t optarr[]` (a flexible array) occupies no bytes and is left out.
    public static let physdev_pci_device_add = StructDescription("physdev_pci_device_add", "physdev.h", [
        .u16("seg"), .u8("bus"), .u8("devfn"), .u32("flags"),
        .inlineStruct("physfn", [.u8("bus"), .u8("devfn")]),
    ])
    public static let physdev_pci_device = StructDescription("physdev_pci_device", "physdev.h", [
        .u16("seg"), .u8("bus"), .u8("devfn"),
    ])
    public static let physdev_dbgp_op = StructDescription("physdev_dbgp_op", "physdev.h", [
        .u8("op"), .u8("bus"), .union("u", [.record("pci", .physdev_pci_device)]),
    ])

    // MARK: public/version.h

    public static let xen_compile_info = StructDescription("xen_compile_info", "version.h", [
        .char("compiler", 64), .char("compile_by", 16), .char("compile_domain", 32), .char("compile_date", 32),
    ])
    public static let xen_platform_parameters = StructDescription("xen_platform_parameters", "version.h", [
        .xenUlong("virt_start"),
    ])
    public static let xen_feature_info = StructDescription("xen_feature_info", "version.h", [
        .uint("submap_idx"), .u32("submap"),
    ])
    /// `unsigned char buf[]` (a flexible array) occupies no bytes and is left out.
    public static let xen_build_id = StructDescription("xen_build_id", "version.h", [.u32("len")])

    // MARK: public/callback.h

    public static let callback_register = StructDescription("callback_register", "callback.h",
        x86_32: [.u16("type"), .u16("flags"), .record("address", .xen_callback)],
        x86_64: [.u16("type"), .u16("flags"), .ulong("address")])
    public static let callback_unregister = StructDescription("callback_unregister", "callback.h", [
        .u16("type"), .u16("_unused"),
    ])

    // MARK: public/nmi.h

    public static let xennmi_callback = StructDescription("xennmi_callback", "nmi.h", [
        .ulong("handler_address"), .ulong("pad"),
    ])
}
