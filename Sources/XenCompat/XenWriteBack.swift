import XenInterface

/// Where Xen writes each covered structure back from its native layout into a 32-bit guest's
/// compat one, and what it does there with a value the compat member cannot hold. Read from
/// xen.git RELEASE-4.17.0...RELEASE-4.17.7 and master (c447b7308b13); a structure's members
/// behave alike in both unless `CompatHandleArray` says otherwise (only arrays differ).
///
/// Facts about Xen, not this project's policy (that is `NarrowingPolicy.strict`).
public enum XenWriteBack {
    /// The write-back of `structure`'s ordinary scalar members (those not in `members`), by
    /// structure C tag. A translated structure not listed has no native → compat write in Xen.
    public static let structures: [String: XenNarrowing] = [
        // Native → compat assignments (the XLAT_ macro, or code doing the same).
        "start_info": .init(.truncates, "common/compat/xlat.c", "xlat_start_info (XLAT_start_info)"),
        "cpu_user_regs": .init(.truncates, "arch/x86/domctl.c",
                               "arch_get_info_guest (XLAT_cpu_user_regs in 4.17; field by field since 9f892f84c2)"),
        "trap_info": .init(.truncates, "arch/x86/domctl.c", "arch_get_info_guest (XLAT_trap_info)"),
        "gnttab_setup_table": .init(.truncates, "common/compat/grant_table.c",
                                    "compat_grant_table_op (XLAT_gnttab_setup_table)"),
        "xen_memory_map": .init(.truncates, "arch/x86/x86_64/compat/mm.c", "compat_arch_memory_op (XLAT_memory_map)"),
        "xen_pod_target": .init(.truncates, "arch/x86/x86_64/compat/mm.c", "compat_arch_memory_op (XLAT_pod_target)"),
        "vcpu_runstate_info": .init(.truncates, "common/compat/xlat.c",
                                    "xlat_vcpu_runstate_info (XLAT_vcpu_runstate_info)"),
        "xen_vnuma_topology_info": .init(.truncates, "common/compat/memory.c", "compat_memory_op (XENMEM_get_vnumainfo)"),
        "multicall_entry": .init(.truncates, "common/compat/multicall.c", "xlat_multicall_entry"),
        // Only some members (a status, a count of the same width) go back; the rest never do.
        "gnttab_copy": .init(.neverWritten, "common/compat/grant_table.c", "compat_grant_table_op (status only)"),
        "gnttab_transfer": .init(.neverWritten, "common/compat/grant_table.c", "compat_grant_table_op (status only)"),
        "gnttab_get_status_frames": .init(.neverWritten, "common/compat/grant_table.c",
                                          "compat_grant_table_op (status, and in 4.17 uint64_t frames)"),
        "xen_memory_exchange": .init(.neverWritten, "common/compat/memory.c", "compat_memory_op (nr_exchanged only)"),
        "xen_mem_acquire_resource": .init(.neverWritten, "common/compat/memory.c",
                                          "compat_memory_op (nr_frames only, uint32_t in both)"),
        // Read from the guest only (compat → native by the XLAT_ macro).
        "mmuext_op": .init(.neverWritten, "arch/x86/x86_64/compat/mm.c", "compat_mmuext_op"),
        "xen_memory_reservation": .init(.neverWritten, "common/compat/memory.c", "compat_memory_op"),
        "xen_add_to_physmap": .init(.neverWritten, "common/compat/memory.c", "compat_memory_op"),
        "xen_add_to_physmap_batch": .init(.neverWritten, "common/compat/memory.c", "compat_memory_op"),
        "xen_remove_from_physmap": .init(.neverWritten, "common/compat/memory.c", "compat_memory_op"),
        "xen_foreign_memory_map": .init(.neverWritten, "arch/x86/x86_64/compat/mm.c", "compat_arch_memory_op"),
        "sched_poll": .init(.neverWritten, "common/sched/compat.c", "compat_poll"),
        "vcpu_set_singleshot_timer": .init(.neverWritten, "common/compat/domain.c", "compat_common_vcpu_op"),
        "xen_hvm_altp2m_set_mem_access_multi": .init(.neverWritten, "arch/x86/hvm/hvm.c",
                                                     "compat_altp2m_op (opaque only, uint64_t in both)"),
    ]

    /// Members whose write-back differs from their structure's: structure → member path → fact.
    public static let members: [String: [String: XenNarrowing]] = [
        // Before assigning nr_exchanged back, compat_memory_op BUG_ONs if it exceeds end_extent,
        // an unsigned int: a value above 2^32 - 1 cannot get through.
        "xen_memory_exchange": ["nr_exchanged": .init(.asserts, "common/compat/memory.c", "compat_memory_op")],
        // The compat handler's int return is stored in the compat entry's result by the
        // call_handlers_pv32/hvm32 macros; xlat_multicall_entry copies args only.
        // uint32_t native, uint16_t compat ("private" in the headers). Since 4.21 (9f892f84c2)
        // arch_get_info_guest no longer writes them at all; not modelled (4.17...4.20 assign).
        "cpu_user_regs": [
            "error_code": .init(.truncates, "arch/x86/domctl.c", "arch_get_info_guest (XLAT_cpu_user_regs; not written since 4.21)"),
            "entry_vector": .init(.truncates, "arch/x86/domctl.c", "arch_get_info_guest (XLAT_cpu_user_regs; not written since 4.21)"),
        ],
        "multicall_entry": [
            "result": .init(.truncates, "arch/x86/pv/hypercall.c", "pv_do_multicall_call (and hvm_do_multicall_call)"),
            "op": .init(.neverWritten, "common/compat/multicall.c", "xlat_multicall_entry (copies args only)"),
        ],
    ]

    /// Guest handles inside structures: the `XLAT_` macros hand them to per-call-site
    /// `XLAT_*_HNDL_*` hooks, and no hook of the covered call sites writes a native handle back
    /// (they translate the array behind it, or do nothing: compat/mm.c's memory_map hook is `((void)0)`).
    public static let handles = XenNarrowing(.neverWritten, "tools/compat-xlat-header.py (get-fields.sh in 4.17)",
                                             "handle_field (XLAT_*_HNDL_* hooks)")

    /// Native members the compat layout lacks (r8...r15 of cpu_user_regs).
    public static let nativeOnly = XenNarrowing(.dropped, "tools/compat-xlat-header.py (get-fields.sh in 4.17)",
                                                "build_body (only the compat members get a line)")

    /// What the generated `XLAT_` macro does, for a structure no call site writes back.
    public static let generated = XenNarrowing(.neverWritten, "tools/compat-xlat-header.py (get-fields.sh in 4.17)",
                                               "handle_field (a plain assignment per member)")

    /// Xen's write-back of `member` (a layout field path) of `structure`; `isHandle` for a
    /// guest handle.
    public static func narrowing(structure: String, member: String, isHandle: Bool) -> XenNarrowing {
        if let fact = members[structure]?[member] { return fact }
        if isHandle { return handles }
        return structures[structure] ?? generated
    }
}
