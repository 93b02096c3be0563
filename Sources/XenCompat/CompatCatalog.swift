import XenInterface

/// What Xen's xen/include/xlat.lst says about the covered guest-facing structures: `!` needs
/// translation, `?` must be layout-identical in both ABIs (Xen checks them with CHECK_ macros).
/// Names are xlat.lst's (without `xen_`); structures are the catalog's C tags.
public enum CompatCatalog {
    /// xlat.lst `!` lines whose header is guest-facing and covered here. (mem_access_op and
    /// reserved_device_memory_map are `!` too, but memory.h defines them for tools only.)
    public static let translated: [(xlat: String, structure: StructDescription)] = [
        ("mmuext_op", .mmuext_op), ("start_info", .start_info),
        ("cpu_user_regs", .cpu_user_regs), ("trap_info", .trap_info),
        ("gnttab_copy", .gnttab_copy), ("gnttab_setup_table", .gnttab_setup_table),
        ("gnttab_transfer", .gnttab_transfer), ("gnttab_get_status_frames", .gnttab_get_status_frames),
        ("hvm_altp2m_set_mem_access_multi", .xen_hvm_altp2m_set_mem_access_multi),
        ("add_to_physmap", .xen_add_to_physmap), ("add_to_physmap_batch", .xen_add_to_physmap_batch),
        ("foreign_memory_map", .xen_foreign_memory_map), ("memory_exchange", .xen_memory_exchange),
        ("memory_map", .xen_memory_map), ("memory_reservation", .xen_memory_reservation),
        ("mem_acquire_resource", .xen_mem_acquire_resource), ("pod_target", .xen_pod_target),
        ("remove_from_physmap", .xen_remove_from_physmap), ("vnuma_topology_info", .xen_vnuma_topology_info),
        ("sched_poll", .sched_poll), ("vcpu_runstate_info", .vcpu_runstate_info),
        ("vcpu_set_singleshot_timer", .vcpu_set_singleshot_timer),
    ]

    /// Translated by common/compat/multicall.c rather than by an xlat.lst line.
    public static let multicall: StructDescription = .multicall_entry

    /// xlat.lst `?` lines whose header is guest-facing and covered here. (xenctl_bitmap is
    /// tools-only.)
    public static let checked: [(xlat: String, structure: StructDescription)] = [
        ("dom0_vga_console_info", .dom0_vga_console_info), ("mmu_update", .mmu_update),
        ("vcpu_time_info", .vcpu_time_info),
        ("evtchn_alloc_unbound", .evtchn_alloc_unbound), ("evtchn_bind_interdomain", .evtchn_bind_interdomain),
        ("evtchn_bind_ipi", .evtchn_bind_ipi), ("evtchn_bind_pirq", .evtchn_bind_pirq),
        ("evtchn_bind_vcpu", .evtchn_bind_vcpu), ("evtchn_bind_virq", .evtchn_bind_virq),
        ("evtchn_close", .evtchn_close), ("evtchn_expand_array", .evtchn_expand_array),
        ("evtchn_init_control", .evtchn_init_control), ("evtchn_op", .evtchn_op), ("evtchn_reset", .evtchn_reset),
        ("evtchn_send", .evtchn_send), ("evtchn_set_priority", .evtchn_set_priority),
        ("evtchn_status", .evtchn_status), ("evtchn_unmask", .evtchn_unmask),
        ("gnttab_cache_flush", .gnttab_cache_flush), ("gnttab_dump_table", .gnttab_dump_table),
        ("gnttab_map_grant_ref", .gnttab_map_grant_ref), ("gnttab_unmap_grant_ref", .gnttab_unmap_grant_ref),
        ("gnttab_unmap_and_replace", .gnttab_unmap_and_replace), ("gnttab_set_version", .gnttab_set_version),
        ("gnttab_get_version", .gnttab_get_version), ("grant_entry_v1", .grant_entry_v1),
        ("grant_entry_header", .grant_entry_header), ("grant_entry_v2", .grant_entry_v2),
        ("gnttab_swap_grant_ref", .gnttab_swap_grant_ref), ("vmemrange", .xen_vmemrange),
        ("physdev_eoi", .physdev_eoi), ("physdev_get_free_pirq", .physdev_get_free_pirq),
        ("physdev_irq", .physdev_irq), ("physdev_irq_status_query", .physdev_irq_status_query),
        ("physdev_manage_pci", .physdev_manage_pci), ("physdev_manage_pci_ext", .physdev_manage_pci_ext),
        ("physdev_pci_device", .physdev_pci_device), ("physdev_pci_device_add", .physdev_pci_device_add),
        ("physdev_pci_mmcfg_reserved", .physdev_pci_mmcfg_reserved), ("physdev_unmap_pirq", .physdev_unmap_pirq),
        ("physdev_restore_msi", .physdev_restore_msi), ("physdev_set_iopl", .physdev_set_iopl),
        ("physdev_setup_gsi", .physdev_setup_gsi), ("sched_pin_override", .sched_pin_override),
        ("sched_remote_shutdown", .sched_remote_shutdown), ("sched_shutdown", .sched_shutdown),
        ("vcpu_get_physid", .vcpu_get_physid), ("vcpu_register_vcpu_info", .vcpu_register_vcpu_info),
        ("vcpu_set_periodic_timer", .vcpu_set_periodic_timer),
        ("vcpu_hvm_context", .vcpu_hvm_context), ("vcpu_hvm_x86_32", .vcpu_hvm_x86_32),
        ("vcpu_hvm_x86_64", .vcpu_hvm_x86_64),
    ]

    /// A translator for any covered structure that exists in both ABIs (the `!` ones, the
    /// multicall entry, and any other whose members all have a native counterpart).
    public static func translator(_ name: String) throws(ABIError) -> CompatTranslator {
        guard let description = Catalog.structure(name) else { throw .unknownName(name) }
        return try CompatTranslator(description)
    }
}
