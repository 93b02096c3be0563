// Structures of public/xen.h and public/arch-x86/ (xen.h, xen-x86_32.h, xen-x86_64.h),
// as a guest sees them (__XEN_INTERFACE_VERSION__ = latest, not __XEN__/__XEN_TOOLS__).
// Member names and order follow the headers; the gcc probe test checks every offset.

extension StructDescription {
    // MARK: public/xen.h

    /// `struct mmu_update` (public/xen.h).
    /// A request of the mmu_update hypercall: one page-table entry (or M2P entry) and its new value.
    public static let mmu_update = StructDescription("mmu_update", "xen.h", [.u64("ptr"), .u64("val")])

    /// `struct mmuext_op` (public/xen.h).
    /// A request of the mmuext_op hypercall: an extended MMU command (pin a table, new base pointer, TLB flush, ...).
    public static let mmuext_op = StructDescription("mmuext_op", "xen.h", [
        .uint("cmd"),
        .union("arg1", [.pfn("mfn"), .ulong("linear_addr")]),
        .union("arg2", [.uint("nr_ents"), .handle("vcpumask"), .pfn("src_mfn")]),
    ])

    /// `struct multicall_entry` (public/xen.h).
    /// One call of a multicall batch: hypercall number, result written by Xen, six arguments.
    public static let multicall_entry = StructDescription("multicall_entry", "xen.h", [
        .xenUlong("op"), .xenUlong("result"), .array("args", .scalar(.xenUlong), 6),
    ])

    /// `struct vcpu_time_info` (public/xen.h).
    /// The per-vCPU system time and TSC scaling Xen publishes (vcpu_info.time), versioned like a seqlock.
    public static let vcpu_time_info = StructDescription("vcpu_time_info", "xen.h", [
        .u32("version"), .u32("pad0"), .u64("tsc_timestamp"), .u64("system_time"),
        .u32("tsc_to_system_mul"), .i8("tsc_shift"), .u8("flags"), .array("pad1", .scalar(.uint8), 2),
    ])

    /// `struct vcpu_info` (public/xen.h).
    /// A vCPU's slot in shared_info (or registered by VCPUOP_register_vcpu_info): event upcall state, arch part,
    /// time.
    public static let vcpu_info = StructDescription("vcpu_info", "xen.h", [
        .u8("evtchn_upcall_pending"), .u8("evtchn_upcall_mask"), .xenUlong("evtchn_pending_sel"),
        .record("arch", .arch_vcpu_info), .record("time", .vcpu_time_info),
    ])

    /// `XEN_LEGACY_MAX_VCPUS` (public/arch-x86/xen.h): the vcpu_info slots shared_info holds; vCPUs
    /// beyond them need VCPUOP_register_vcpu_info.
    public static let legacyMaxVCPUs = 32

    /// `struct shared_info` (public/xen.h).
    /// The page Xen shares with each domain: legacy vcpu_info slots, 2-level event channel bitmaps, wallclock.
    public static let shared_info = StructDescription("shared_info", "xen.h",
        x86_32: [
            .array("vcpu_info", .record(.vcpu_info), legacyMaxVCPUs),
            // sizeof(xen_ulong_t) * 8 entries each.
            .array("evtchn_pending", .scalar(.xenUlong), 32), .array("evtchn_mask", .scalar(.xenUlong), 32),
            .u32("wc_version"), .u32("wc_sec"), .u32("wc_nsec"),
            .record("arch", .arch_shared_info),
        ],
        x86_64: [
            .array("vcpu_info", .record(.vcpu_info), legacyMaxVCPUs),
            .array("evtchn_pending", .scalar(.xenUlong), 64), .array("evtchn_mask", .scalar(.xenUlong), 64),
            .u32("wc_version"), .u32("wc_sec"), .u32("wc_nsec"), .u32("wc_sec_hi"),
            .record("arch", .arch_shared_info),
        ])

    /// `struct start_info` (public/xen.h).
    /// What a PV guest finds at boot (rsi/esi): page counts, store and console channels, page tables, modules.
    public static let start_info = StructDescription("start_info", "xen.h", [
        .char("magic", 32), .ulong("nr_pages"), .ulong("shared_info"), .u32("flags"),
        .pfn("store_mfn"), .u32("store_evtchn"),
        .union("console", [
            .inlineStruct("domU", [.pfn("mfn"), .u32("evtchn")]),
            .inlineStruct("dom0", [.u32("info_off"), .u32("info_size")]),
        ]),
        .ulong("pt_base"), .ulong("nr_pt_frames"), .ulong("mfn_list"), .ulong("mod_start"), .ulong("mod_len"),
        .array("cmd_line", .scalar(.int8), 1024), .ulong("first_p2m_pfn"), .ulong("nr_p2m_frames"),
    ])

    /// `struct xen_multiboot_mod_list` (public/xen.h).
    /// One module of dom0's start_info module list (SIF_MULTIBOOT_MOD): physical range and command line.
    public static let xen_multiboot_mod_list = StructDescription("xen_multiboot_mod_list", "xen.h", [
        .u32("mod_start"), .u32("mod_end"), .u32("cmdline"), .u32("pad"),
    ])

    /// `struct dom0_vga_console_info` (public/xen.h).
    /// The boot console dom0 inherits (text mode or VESA linear frame buffer), in start_info's console.dom0.
    public static let dom0_vga_console_info = StructDescription("dom0_vga_console_info", "xen.h", [
        .u8("video_type"),
        .union("u", [
            .inlineStruct("text_mode_3", [
                .u16("font_height"), .u16("cursor_x"), .u16("cursor_y"), .u16("rows"), .u16("columns"),
            ]),
            .inlineStruct("vesa_lfb", [
                .u16("width"), .u16("height"), .u16("bytes_per_line"), .u16("bits_per_pixel"),
                .u32("lfb_base"), .u32("lfb_size"), .u8("red_pos"), .u8("red_size"),
                .u8("green_pos"), .u8("green_size"), .u8("blue_pos"), .u8("blue_size"),
                .u8("rsvd_pos"), .u8("rsvd_size"), .u32("gbl_caps"), .u16("mode_attrs"), .u16("pad"),
                .u32("ext_lfb_base"),
            ]),
        ]),
    ])

    // MARK: public/arch-x86/xen.h, xen-x86_32.h, xen-x86_64.h

    /// `struct trap_info` (public/arch-x86/xen.h).
    /// One entry of set_trap_table: vector, privilege flags, code segment and handler address.
    public static let trap_info = StructDescription("trap_info", "arch-x86/xen.h", [
        .u8("vector"), .u8("flags"), .u16("cs"), .ulong("address"),
    ])

    /// A 64-bit register with its 32-bit aliases: `union { uint64_t rXX, eXX; uint32_t _eXX; }`.
    private static func register64(_ name: String) -> Field {
        .anonymousUnion([.u64("r" + name), .u64("e" + name), .u32("_e" + name)])
    }

    /// `struct cpu_user_regs` (public/arch-x86/xen-x86_32.h and xen-x86_64.h).
    /// A vCPU's general registers as Xen saves them (different member lists in xen-x86_32.h and xen-x86_64.h).
    public static let cpu_user_regs = StructDescription("cpu_user_regs", "arch-x86/xen-x86_32.h, xen-x86_64.h",
        x86_32: [
            .u32("ebx"), .u32("ecx"), .u32("edx"), .u32("esi"), .u32("edi"), .u32("ebp"), .u32("eax"),
            .u16("error_code"), .u16("entry_vector"), .u32("eip"), .u16("cs"), .u8("saved_upcall_mask"),
            .u8("_pad0"), .u32("eflags"), .u32("esp"),
            .u16("ss"), .u16("_pad1"), .u16("es"), .u16("_pad2"), .u16("ds"), .u16("_pad3"),
            .u16("fs"), .u16("_pad4"), .u16("gs"), .u16("_pad5"),
        ],
        x86_64: [
            .u64("r15"), .u64("r14"), .u64("r13"), .u64("r12"), register64("bp"), register64("bx"),
            .u64("r11"), .u64("r10"), .u64("r9"), .u64("r8"),
            register64("ax"), register64("cx"), register64("dx"), register64("si"), register64("di"),
            .u32("error_code"), .u32("entry_vector"), register64("ip"),
            .u16("cs"), .array("_pad0", .scalar(.uint16), 1), .u8("saved_upcall_mask"),
            .array("_pad1", .scalar(.uint8), 3), register64("flags"), register64("sp"),
            .u16("ss"), .array("_pad2", .scalar(.uint16), 3), .u16("es"), .array("_pad3", .scalar(.uint16), 3),
            .u16("ds"), .array("_pad4", .scalar(.uint16), 3), .u16("fs"), .array("_pad5", .scalar(.uint16), 3),
            .u16("gs"), .array("_pad6", .scalar(.uint16), 3),
        ])

    /// `struct arch_vcpu_info` (public/arch-x86/xen-x86_32.h and xen-x86_64.h).
    /// The x86 part of vcpu_info: cr2 of the last page fault, and padding.
    public static let arch_vcpu_info = StructDescription("arch_vcpu_info", "arch-x86/xen-x86_32.h, xen-x86_64.h",
        x86_32: [.ulong("cr2"), .array("pad", .scalar(.unsignedLong), 5)],
        x86_64: [.ulong("cr2"), .ulong("pad")])

    /// `struct arch_shared_info` (public/arch-x86/xen.h).
    /// The x86 part of shared_info: max_pfn, the P2M frame list and P2M virtual mapping, NMI reason.
    public static let arch_shared_info = StructDescription("arch_shared_info", "arch-x86/xen.h",
        x86_32: [
            .ulong("max_pfn"), .pfn("pfn_to_mfn_frame_list_list"), .ulong("nmi_reason"),
            .ulong("p2m_cr3"), .ulong("p2m_vaddr"), .ulong("p2m_generation"), .u32("wc_sec_hi"),
        ],
        x86_64: [
            .ulong("max_pfn"), .pfn("pfn_to_mfn_frame_list_list"), .ulong("nmi_reason"),
            .ulong("p2m_cr3"), .ulong("p2m_vaddr"), .ulong("p2m_generation"),
        ])

    /// `struct vcpu_guest_context` (public/arch-x86/xen.h).
    /// A PV vCPU's whole state (VCPUOP_initialise, XEN_DOMCTL_getvcpucontext): FPU, registers, traps, GDT, LDT,
    /// callbacks.
    public static let vcpu_guest_context = StructDescription("vcpu_guest_context", "arch-x86/xen.h",
        x86_32: [
            .inlineStruct("fpu_ctxt", [.char("x", 512)]), .ulong("flags"), .record("user_regs", .cpu_user_regs),
            .array("trap_ctxt", .record(.trap_info), 256), .ulong("ldt_base"), .ulong("ldt_ents"),
            .array("gdt_frames", .scalar(.unsignedLong), 16), .ulong("gdt_ents"),
            .ulong("kernel_ss"), .ulong("kernel_sp"), .array("ctrlreg", .scalar(.unsignedLong), 8),
            .array("debugreg", .scalar(.unsignedLong), 8), .ulong("event_callback_cs"),
            .ulong("event_callback_eip"), .ulong("failsafe_callback_cs"), .ulong("failsafe_callback_eip"),
            .ulong("vm_assist"),
        ],
        x86_64: [
            .inlineStruct("fpu_ctxt", [.char("x", 512)]), .ulong("flags"), .record("user_regs", .cpu_user_regs),
            .array("trap_ctxt", .record(.trap_info), 256), .ulong("ldt_base"), .ulong("ldt_ents"),
            .array("gdt_frames", .scalar(.unsignedLong), 16), .ulong("gdt_ents"),
            .ulong("kernel_ss"), .ulong("kernel_sp"), .array("ctrlreg", .scalar(.unsignedLong), 8),
            .array("debugreg", .scalar(.unsignedLong), 8), .ulong("event_callback_eip"),
            .ulong("failsafe_callback_eip"), .ulong("syscall_callback_eip"), .ulong("vm_assist"),
            .u64("fs_base"), .u64("gs_base_kernel"), .u64("gs_base_user"),
        ])

    /// `struct iret_context` (public/arch-x86/xen-x86_64.h).
    /// The frame HYPERVISOR_iret pops on x86_64 (xen-x86_64.h only).
    public static let iret_context = StructDescription("iret_context", "arch-x86/xen-x86_64.h", only: .x86_64,
        ["rax", "r11", "rcx", "flags", "rip", "cs", "rflags", "rsp", "ss"].map { Field.u64($0) })

    /// `struct xen_callback` (public/arch-x86/xen-x86_32.h).
    /// A callback address on x86_32: code segment and EIP (xen-x86_32.h only; x86_64 uses a plain address).
    public static let xen_callback = StructDescription("xen_callback", "arch-x86/xen-x86_32.h", only: .x86_32,
        [.ulong("cs"), .ulong("eip")])

    /// `struct xen_cpuid_leaf` (public/arch-x86/xen.h).
    /// One CPUID leaf of a domain's policy: leaf, subleaf and the four registers.
    public static let xen_cpuid_leaf = StructDescription("xen_cpuid_leaf", "arch-x86/xen.h", [
        .u32("leaf"), .u32("subleaf"), .u32("a"), .u32("b"), .u32("c"), .u32("d"),
    ])

    /// `struct xen_msr_entry` (public/arch-x86/xen.h).
    /// One MSR of a domain's policy: index, flags and value.
    public static let xen_msr_entry = StructDescription("xen_msr_entry", "arch-x86/xen.h", [
        .u32("idx"), .u32("flags"), .u64("val"),
    ])

    // MARK: public/arch-x86/hvm/start_info.h (what a PVH guest finds in EBX at entry)

    /// `struct hvm_start_info` (public/arch-x86/hvm/start_info.h).
    /// What a PVH guest finds in EBX at entry: magic, module list, command line, RSDP and memory map addresses.
    public static let hvm_start_info = StructDescription("hvm_start_info", "arch-x86/hvm/start_info.h", [
        .u32("magic"), .u32("version"), .u32("flags"), .u32("nr_modules"), .u64("modlist_paddr"),
        .u64("cmdline_paddr"), .u64("rsdp_paddr"), .u64("memmap_paddr"), .u32("memmap_entries"), .u32("reserved"),
    ])
    /// `struct hvm_modlist_entry` (public/arch-x86/hvm/start_info.h).
    /// One module of hvm_start_info's module list: physical address, size, command line.
    public static let hvm_modlist_entry = StructDescription("hvm_modlist_entry", "arch-x86/hvm/start_info.h", [
        .u64("paddr"), .u64("size"), .u64("cmdline_paddr"), .u64("reserved"),
    ])
    /// `struct hvm_memmap_table_entry` (public/arch-x86/hvm/start_info.h).
    /// One E820-style entry of hvm_start_info's memory map: address, size, type.
    public static let hvm_memmap_table_entry = StructDescription(
        "hvm_memmap_table_entry", "arch-x86/hvm/start_info.h", [
            .u64("addr"), .u64("size"), .u32("type"), .u32("reserved"),
        ])
}
