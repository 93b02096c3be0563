// Structures of public/hvm/hvm_op.h and public/hvm/hvm_vcpu.h. hvm/params.h defines numbers only
// (see Constants.generated.swift); features.h likewise.

extension StructDescription {
    /// `struct xen_hvm_param` (public/hvm/hvm_op.h).
    /// HVMOP_set_param and get_param: an HVM_PARAM_* index and its value.
    public static let xen_hvm_param = StructDescription("xen_hvm_param", "hvm/hvm_op.h", [
        .domid("domid"), .u16("pad"), .u32("index"), .u64("value"),
    ])
    /// `struct xen_hvm_pagetable_dying` (public/hvm/hvm_op.h).
    /// HVMOP_pagetable_dying: the guest is about to stop using the page table at `gpa`.
    public static let xen_hvm_pagetable_dying = StructDescription("xen_hvm_pagetable_dying", "hvm/hvm_op.h", [
        .domid("domid"), .array("pad", .scalar(.uint16), 3), .u64("gpa"),
    ])
    /// `struct xen_hvm_get_time` (public/hvm/hvm_op.h).
    /// HVMOP_get_time: Xen system time in nanoseconds.
    public static let xen_hvm_get_time = StructDescription("xen_hvm_get_time", "hvm/hvm_op.h", [.u64("now")])
    /// `struct xen_hvm_xentrace` (public/hvm/hvm_op.h).
    /// HVMOP_xentrace: a trace record from the guest.
    /// HVMOP_TRACE_BUF_SIZE = 7 * sizeof(uint32_t) bytes of extra data (public/hvm/hvm_op.h).
    public static let xen_hvm_xentrace = StructDescription("xen_hvm_xentrace", "hvm/hvm_op.h", [
        .u16("event"), .u16("extra_bytes"), .array("extra", .scalar(.uint8), 28),
    ])
    /// `struct xen_hvm_get_mem_type` (public/hvm/hvm_op.h).
    /// HVMOP_get_mem_type: the HVMMEM_* type of a guest frame.
    public static let xen_hvm_get_mem_type = StructDescription("xen_hvm_get_mem_type", "hvm/hvm_op.h", [
        .domid("domid"), .u16("mem_type"), .array("pad", .scalar(.uint16), 2), .u64("pfn"),
    ])
    /// `struct xen_hvm_evtchn_upcall_vector` (public/hvm/hvm_op.h).
    /// HVMOP_set_evtchn_upcall_vector: the vector a vCPU's event upcalls arrive on.
    public static let xen_hvm_evtchn_upcall_vector = StructDescription(
        "xen_hvm_evtchn_upcall_vector", "hvm/hvm_op.h", [.u32("vcpu"), .u8("vector")])
    /// `struct xen_hvm_altp2m_domain_state` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_get_domain_state and set_domain_state: whether altp2m is on.
    public static let xen_hvm_altp2m_domain_state = StructDescription(
        "xen_hvm_altp2m_domain_state", "hvm/hvm_op.h", [.u8("state")])
    /// `struct xen_hvm_altp2m_vcpu_enable_notify` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_vcpu_enable_notify: the frame for #VE information of a vCPU.
    public static let xen_hvm_altp2m_vcpu_enable_notify = StructDescription(
        "xen_hvm_altp2m_vcpu_enable_notify", "hvm/hvm_op.h", [.u32("vcpu_id"), .u32("pad"), .u64("gfn")])
    /// `struct xen_hvm_altp2m_vcpu_disable_notify` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_vcpu_disable_notify: stop #VE for a vCPU.
    public static let xen_hvm_altp2m_vcpu_disable_notify = StructDescription(
        "xen_hvm_altp2m_vcpu_disable_notify", "hvm/hvm_op.h", [.u32("vcpu_id")])
    /// `struct xen_hvm_altp2m_view` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_create_p2m, destroy_p2m and switch_p2m: a view and its default access.
    public static let xen_hvm_altp2m_view = StructDescription("xen_hvm_altp2m_view", "hvm/hvm_op.h", [
        .u16("view"), .u16("hvmmem_default_access"),
    ])
    /// `struct xen_hvm_altp2m_mem_access` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_set_mem_access and get_mem_access: one frame's access in a view.
    public static let xen_hvm_altp2m_mem_access = StructDescription("xen_hvm_altp2m_mem_access", "hvm/hvm_op.h", [
        .u16("view"), .u16("access"), .u32("pad"), .u64("gfn"),
    ])
    /// `struct xen_hvm_altp2m_set_mem_access_multi` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_set_mem_access_multi: access for arrays of frames in a view.
    public static let xen_hvm_altp2m_set_mem_access_multi = StructDescription(
        "xen_hvm_altp2m_set_mem_access_multi", "hvm/hvm_op.h", [
            .u16("view"), .u16("pad"), .u32("nr"), .u64("opaque"), .handle("pfn_list"), .handle("access_list"),
        ])
    /// `struct xen_hvm_altp2m_change_gfn` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_change_gfn: remap a frame of a view to another.
    public static let xen_hvm_altp2m_change_gfn = StructDescription("xen_hvm_altp2m_change_gfn", "hvm/hvm_op.h", [
        .u16("view"), .u16("pad1"), .u32("pad2"), .u64("old_gfn"), .u64("new_gfn"),
    ])
    /// `struct xen_hvm_altp2m_suppress_ve` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_set_suppress_ve and get_suppress_ve: one frame's #VE suppression bit.
    public static let xen_hvm_altp2m_suppress_ve = StructDescription(
        "xen_hvm_altp2m_suppress_ve", "hvm/hvm_op.h", [
            .u16("view"), .u8("suppress_ve"), .u8("pad1"), .u32("pad2"), .u64("gfn"),
        ])
    /// `struct xen_hvm_altp2m_suppress_ve_multi` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_set_suppress_ve_multi: the bit over a range of frames, with the first error.
    public static let xen_hvm_altp2m_suppress_ve_multi = StructDescription(
        "xen_hvm_altp2m_suppress_ve_multi", "hvm/hvm_op.h", [
            .u16("view"), .u8("suppress_ve"), .u8("pad1"), .i32("first_error"), .u64("first_gfn"),
            .u64("last_gfn"), .u64("first_error_gfn"),
        ])
    /// `struct xen_hvm_altp2m_get_vcpu_p2m_idx` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_get_p2m_idx: the view a vCPU is using.
    public static let xen_hvm_altp2m_get_vcpu_p2m_idx = StructDescription(
        "xen_hvm_altp2m_get_vcpu_p2m_idx", "hvm/hvm_op.h", [.u32("vcpu_id"), .u16("altp2m_idx")])
    /// `struct xen_hvm_altp2m_set_visibility` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m_set_visibility: whether a view is visible to the guest.
    public static let xen_hvm_altp2m_set_visibility = StructDescription(
        "xen_hvm_altp2m_set_visibility", "hvm/hvm_op.h", [.u16("altp2m_idx"), .u8("visible"), .u8("pad")])
    /// `struct xen_hvm_altp2m_op` (public/hvm/hvm_op.h).
    /// HVMOP_altp2m's argument: interface version, sub-command, domain and a union of the requests.
    public static let xen_hvm_altp2m_op = StructDescription("xen_hvm_altp2m_op", "hvm/hvm_op.h", [
        .u32("version"), .u32("cmd"), .domid("domain"), .u16("pad1"), .u32("pad2"),
        .union("u", [
            .record("domain_state", .xen_hvm_altp2m_domain_state),
            .record("enable_notify", .xen_hvm_altp2m_vcpu_enable_notify),
            .record("view", .xen_hvm_altp2m_view), .record("mem_access", .xen_hvm_altp2m_mem_access),
            .record("change_gfn", .xen_hvm_altp2m_change_gfn),
            .record("set_mem_access_multi", .xen_hvm_altp2m_set_mem_access_multi),
            .record("suppress_ve", .xen_hvm_altp2m_suppress_ve),
            .record("suppress_ve_multi", .xen_hvm_altp2m_suppress_ve_multi),
            .record("disable_notify", .xen_hvm_altp2m_vcpu_disable_notify),
            .record("get_vcpu_p2m_idx", .xen_hvm_altp2m_get_vcpu_p2m_idx),
            .record("set_visibility", .xen_hvm_altp2m_set_visibility),
            .array("pad", .scalar(.uint8), 64),
        ]),
    ])

    // MARK: public/hvm/hvm_vcpu.h (VCPUOP_initialise's argument for HVM and PVH guests)

    /// `struct vcpu_hvm_x86_32` (public/hvm/hvm_vcpu.h).
    /// The 32-bit register state of vcpu_hvm_context: general registers, control registers, segments.
    public static let vcpu_hvm_x86_32 = StructDescription("vcpu_hvm_x86_32", "hvm/hvm_vcpu.h",
        ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cr0", "cr3", "cr4", "pad1"].map { .u32($0) }
        + [.u64("efer")]
        + ["cs_base", "ds_base", "ss_base", "es_base", "tr_base",
           "cs_limit", "ds_limit", "ss_limit", "es_limit", "tr_limit"].map { .u32($0) }
        + ["cs_ar", "ds_ar", "ss_ar", "es_ar", "tr_ar"].map { .u16($0) }
        + [.array("pad2", .scalar(.uint16), 3)])
    /// `struct vcpu_hvm_x86_64` (public/hvm/hvm_vcpu.h).
    /// The 64-bit register state of vcpu_hvm_context: general and control registers (flat segments).
    public static let vcpu_hvm_x86_64 = StructDescription("vcpu_hvm_x86_64", "hvm/hvm_vcpu.h",
        ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "rip", "rflags", "cr0", "cr3", "cr4", "efer"]
            .map { .u64($0) })
    /// `struct vcpu_hvm_context` (public/hvm/hvm_vcpu.h).
    /// VCPUOP_initialise's argument for an HVM or PVH vCPU: the mode and its register state.
    public static let vcpu_hvm_context = StructDescription("vcpu_hvm_context", "hvm/hvm_vcpu.h", [
        .u32("mode"), .u32("pad"),
        .union("cpu_regs", [.record("x86_32", .vcpu_hvm_x86_32), .record("x86_64", .vcpu_hvm_x86_64)]),
    ])
}
