/// Every structure this toolkit describes, by C tag.
public enum Catalog {
    /// All covered structures, grouped by header in the order of the list.
    public static let structures: [StructDescription] = [
        // public/xen.h
        .mmu_update, .mmuext_op, .multicall_entry, .vcpu_time_info, .vcpu_info, .shared_info, .start_info,
        .xen_multiboot_mod_list, .dom0_vga_console_info,
        // public/arch-x86
        .trap_info, .cpu_user_regs, .arch_vcpu_info, .arch_shared_info, .vcpu_guest_context, .iret_context,
        .xen_callback, .xen_cpuid_leaf, .xen_msr_entry, .hvm_start_info, .hvm_modlist_entry,
        .hvm_memmap_table_entry,
        // public/memory.h
        .xen_memory_reservation, .xen_memory_exchange, .xen_memory_domain, .xen_machphys_mfn_list, .xen_machphys_mapping,
        .xen_add_to_physmap, .xen_add_to_physmap_batch_extra, .xen_add_to_physmap_batch, .xen_remove_from_physmap, .xen_memory_map,
        .xen_foreign_memory_map, .xen_pod_target, .xen_mem_acquire_resource, .xen_vmemrange,
        .xen_vnuma_topology_info,
        // public/grant_table.h
        .grant_entry_v1, .grant_entry_header, .grant_entry_v2, .gnttab_map_grant_ref, .gnttab_unmap_grant_ref,
        .gnttab_setup_table, .gnttab_dump_table, .gnttab_transfer, .gnttab_copy_ptr, .gnttab_copy,
        .gnttab_query_size, .gnttab_unmap_and_replace, .gnttab_set_version, .gnttab_get_status_frames,
        .gnttab_get_version, .gnttab_swap_grant_ref, .gnttab_cache_flush,
        // public/event_channel.h
        .evtchn_alloc_unbound, .evtchn_bind_interdomain, .evtchn_bind_virq, .evtchn_bind_pirq, .evtchn_bind_ipi,
        .evtchn_close, .evtchn_send, .evtchn_status, .evtchn_bind_vcpu, .evtchn_unmask, .evtchn_reset,
        .evtchn_init_control, .evtchn_expand_array, .evtchn_set_priority, .evtchn_op, .evtchn_fifo_control_block,
        // public/vcpu.h
        .vcpu_runstate_info, .vcpu_register_runstate_memory_area, .vcpu_set_periodic_timer,
        .vcpu_set_singleshot_timer, .vcpu_register_vcpu_info, .vcpu_get_physid, .vcpu_register_time_memory_area,
        // public/sched.h
        .sched_shutdown, .sched_poll, .sched_remote_shutdown, .sched_watchdog, .sched_pin_override,
        // public/physdev.h
        .physdev_eoi, .physdev_pirq_eoi_gmfn, .physdev_irq_status_query, .physdev_set_iopl, .physdev_set_iobitmap,
        .physdev_apic, .physdev_irq, .physdev_map_pirq, .physdev_unmap_pirq, .physdev_manage_pci,
        .physdev_restore_msi, .physdev_manage_pci_ext, .physdev_op, .physdev_setup_gsi, .physdev_get_free_pirq,
        .physdev_pci_mmcfg_reserved, .physdev_pci_device_add, .physdev_pci_device, .physdev_dbgp_op,
        // public/version.h
        .xen_compile_info, .xen_platform_parameters, .xen_feature_info, .xen_build_id,
        // public/callback.h, public/nmi.h
        .callback_register, .callback_unregister, .xennmi_callback,
        // public/hvm/hvm_op.h
        .xen_hvm_param, .xen_hvm_pagetable_dying, .xen_hvm_get_time, .xen_hvm_xentrace, .xen_hvm_get_mem_type,
        .xen_hvm_evtchn_upcall_vector, .xen_hvm_altp2m_domain_state, .xen_hvm_altp2m_vcpu_enable_notify,
        .xen_hvm_altp2m_vcpu_disable_notify, .xen_hvm_altp2m_view, .xen_hvm_altp2m_mem_access,
        .xen_hvm_altp2m_set_mem_access_multi, .xen_hvm_altp2m_change_gfn, .xen_hvm_altp2m_suppress_ve,
        .xen_hvm_altp2m_suppress_ve_multi, .xen_hvm_altp2m_get_vcpu_p2m_idx, .xen_hvm_altp2m_set_visibility,
        .xen_hvm_altp2m_op,
        // public/hvm/hvm_vcpu.h
        .vcpu_hvm_x86_32, .vcpu_hvm_x86_64, .vcpu_hvm_context,
        // public/io/xs_wire.h
        .xsd_sockmsg, .xenstore_domain_interface,
    ]

    /// The structures only a release newer than `XenRelease.baseline` defines, by the release whose
    /// headers introduced them (`structures` holds the baseline's).
    public static let introduced: [(since: XenRelease, structure: StructDescription)] = [
        (.xen4_20, .xen_varbuf),  // public/version.h of 4.20
    ]

    /// The structures Xen `release`'s headers define: the baseline's and those introduced up to `release`.
    public static func structures(in release: XenRelease) -> [StructDescription] {
        structures + introduced.filter { $0.since <= release }.map(\.structure)
    }

    /// The structure with C tag `name` (with or without a leading `struct `), of any release.
    public static func structure(_ name: String) -> StructDescription? {
        let tag = name.hasPrefix("struct ") ? String(name.dropFirst(7)) : name
        return structures.first { $0.name == tag } ?? introduced.first { $0.structure.name == tag }?.structure
    }
}
