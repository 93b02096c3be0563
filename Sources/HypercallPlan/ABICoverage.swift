import XenCompat
import XenInterface

/// How a structure Xen's compat layer translates meets real Xen (or why it cannot here).
package enum CoverageStatus: String, Sendable {
    /// A call of the PVH test guests, or of the PV test guests (Xen 4.17 with CONFIG_PV32), passes
    /// it to Xen; the checks (`abi check-guests`, `abi check-pv-guests`) prove layout and translation.
    case proven
    /// Xen refuses the call to a PVH guest; the test guests prove the refusal, cited.
    case refused
    /// No guest of this stage can pass it; the reason cites Xen.
    case unreachable
}

/// One translated structure's proof.
package struct StructureCoverage: Sendable {
    /// The catalog's C tag (`xen_memory_reservation`).
    package let structure: String
    package let status: CoverageStatus
    /// The PVH test guests' plan calls that pass it (both ABIs), for proven and refused.
    package let pvhCalls: [String]
    /// The PV test guests' calls that pass it (guest/pv.c labels, both ABIs; `start_info` is the
    /// page Xen's domain builder wrote), checked by `PVGuestChecks`.
    package let pvCalls: [String]
    /// Why (for refused and unreachable), with the Xen source that says so.
    package let reason: String
}

/// For every structure Xen's compat layer translates (xlat.lst `!` lines and the multicall entry:
/// `CompatCatalog`), which call of which test guest proves it in real Xen, or why none can.
package enum ABICoverage {
    package static let pvhGuest = "PVH test guest (guest/guest.c, abi32 and abi64)"
    package static let pvGuest = "PV test guest (guest/pv.c)"

    /// The structures to cover: xlat.lst's `!` lines covered by the catalog, plus multicall_entry.
    package static var translatedStructures: [String] {
        CompatCatalog.translated.map(\.structure.name) + [CompatCatalog.multicall.name]
    }

    private static let hvmGrantFilter = "xen/arch/x86/hvm/hypercall.c hvm_grant_table_op allows an HVM/PVH caller only "
        + "query_size, setup_table, set_version, get_version, copy, map/unmap_grant_ref and swap_grant_ref: the rest is -ENOSYS"

    package static let table: [StructureCoverage] = [
        .init(structure: "mmuext_op", status: .proven, pvhCalls: ["mmuext_op.pin_then_flush"],
              pvCalls: ["mmuext_op.tlb_flush_local", "mmuext_op.invlpg_local", "mmuext_op.pin_l1_table", "mmuext_op.unpin_table"],
              reason: "refused to a PVH guest: xen/arch/x86/mm.c do_mmuext_op: `!is_pv_domain(pg_owner)` is -EINVAL before any op is read; "
                + "the PV test guests prove the ops"),
        .init(structure: "start_info", status: .proven, pvhCalls: [], pvCalls: ["start_info"],
              reason: "written only for a PV guest by the domain builder (xen/arch/x86/pv/dom0_build.c, common/compat/xlat.c "
                + "xlat_start_info); a PVH guest gets hvm_start_info instead (xen/arch/x86/hvm/dom0_build.c)"),
        .init(structure: "cpu_user_regs", status: .unreachable, pvhCalls: [], pvCalls: [],
              reason: "only inside vcpu_guest_context: XEN_DOMCTL_{get,set}vcpucontext (toolstack, xen/arch/x86/domctl.c "
                + "arch_get_info_guest) and a PV guest's VCPUOP_initialise (common/compat/domain.c); a PVH guest's "
                + "VCPUOP_initialise takes vcpu_hvm_context (xen/arch/x86/hvm/domain.c arch_set_info_hvm_guest)"),
        .init(structure: "trap_info", status: .proven, pvhCalls: [], pvCalls: ["set_trap_table.one"],
              reason: "set_trap_table has no HVM entry (xen/include/hypercall-defs.c: `set_trap_table compat do - - -`): "
                + "-ENOSYS to a PVH guest; the PV test guests prove it"),
        .init(structure: "gnttab_copy", status: .proven, pvhCalls: ["grant.copy"], pvCalls: [], reason: ""),
        .init(structure: "gnttab_setup_table", status: .proven, pvhCalls: ["grant.setup_table"], pvCalls: [], reason: ""),
        .init(structure: "gnttab_transfer", status: .refused, pvhCalls: ["grant.transfer"], pvCalls: [],
              reason: hvmGrantFilter + "; a PV guest could pass it, the PV test guest does not plan it"),
        .init(structure: "gnttab_get_status_frames", status: .refused, pvhCalls: ["grant.get_status_frames"], pvCalls: [],
              reason: hvmGrantFilter + "; a PV guest (grant table v2) could pass it, the PV test guest does not plan it"),
        .init(structure: "xen_hvm_altp2m_set_mem_access_multi", status: .unreachable, pvhCalls: [], pvCalls: [],
              reason: "xen/arch/x86/hvm/hvm.c do_altp2m_op returns -EOPNOTSUPP before reading anything unless "
                + "hvm_altp2m_supported() (VMX with EPT; this stage's Xen runs on AMD SVM under QEMU) and the domain has "
                + "altp2m enabled (HVM_PARAM_ALTP2M, set by the toolstack)"),
        .init(structure: "xen_add_to_physmap", status: .proven, pvhCalls: ["memory_op.add_shared_info", "memory_op.map_grant_table"],
              pvCalls: [], reason: ""),
        .init(structure: "xen_add_to_physmap_batch", status: .proven, pvhCalls: ["memory_op.add_batch"], pvCalls: [], reason: ""),
        .init(structure: "xen_foreign_memory_map", status: .proven, pvhCalls: ["memory_op.set_memory_map"], pvCalls: [],
              reason: ""),
        .init(structure: "xen_memory_exchange", status: .refused, pvhCalls: ["memory_op.exchange"], pvCalls: [],
              reason: "xen/common/memory.c memory_exchange steals each page with steal_page, and xen/arch/x86/mm.c "
                + "steal_page is -EOPNOTSUPP for paging_mode_external (HVM/PVH): a PV guest could pass it, the PV test guest does not plan it"),
        .init(structure: "xen_memory_map", status: .proven, pvhCalls: ["memory_op.memory_map", "memory_op.memory_map_after_set"],
              pvCalls: [], reason: ""),
        .init(structure: "xen_memory_reservation", status: .proven,
              pvhCalls: ["memory_op.decrease_reservation", "memory_op.populate_physmap"], pvCalls: [], reason: ""),
        .init(structure: "xen_mem_acquire_resource", status: .refused, pvhCalls: ["memory_op.acquire_resource"], pvCalls: [],
              reason: "xen/common/memory.c acquire_resource: rcu_lock_remote_domain_by_id refuses the caller's own domain "
                + "(-ESRCH); proving it needs a second domain (a domU's resource), which this stage's dom0-only guests lack"),
        .init(structure: "xen_pod_target", status: .proven, pvhCalls: ["memory_op.get_pod_target"], pvCalls: [], reason: ""),
        .init(structure: "xen_remove_from_physmap", status: .proven,
              pvhCalls: ["memory_op.remove_shared_info", "memory_op.remove_batch"], pvCalls: [], reason: ""),
        .init(structure: "xen_vnuma_topology_info", status: .refused, pvhCalls: ["memory_op.get_vnumainfo"], pvCalls: [],
              reason: "xen/common/memory.c XENMEM_get_vnumainfo: d->vnuma == NULL is -EOPNOTSUPP, and Xen builds dom0 without "
                + "vNUMA (only the toolstack sets it, XEN_DOMCTL_setvnumainfo); Xen reads the structure (copy_from_guest, "
                + "domid) and writes nothing back"),
        .init(structure: "sched_poll", status: .proven, pvhCalls: ["sched_op.poll"], pvCalls: [], reason: ""),
        .init(structure: "vcpu_runstate_info", status: .proven, pvhCalls: ["vcpu_op.get_runstate_info"],
              pvCalls: ["vcpu_op.get_runstate_info"], reason: ""),
        .init(structure: "vcpu_set_singleshot_timer", status: .proven,
              pvhCalls: ["vcpu_op.singleshot_past", "vcpu_op.singleshot"], pvCalls: [], reason: ""),
        .init(structure: "multicall_entry", status: .proven, pvhCalls: ["multicall.batch"], pvCalls: ["multicall.batch"],
              reason: "the PV multicall (arch/x86/pv/hypercall.c pv_do_multicall_call) is the PV guest's"),
    ]

    /// The coverage of `structure`, if the table has it.
    package static func coverage(_ structure: String) -> StructureCoverage? { table.first { $0.structure == structure } }
}
