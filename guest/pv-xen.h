/*
 * Constants from Xen's public headers that only the PV test guest needs, each under its
 * header's name (xen.h holds those both guests use).
 */
#ifndef XDG_PV_XEN_H
#define XDG_PV_XEN_H

/* public/xen.h */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update     1
#define __HYPERVISOR_xen_version    17
#define __HYPERVISOR_multicall      13
#define __HYPERVISOR_vcpu_op        24
#define __HYPERVISOR_mmuext_op      26
#define MMU_NORMAL_PT_UPDATE        0
#define MMUEXT_PIN_L1_TABLE         0
#define MMUEXT_UNPIN_TABLE          4
#define MMUEXT_TLB_FLUSH_LOCAL      6
#define MMUEXT_INVLPG_LOCAL         7
#define DOMID_SELF                  0x7ff0u
#define MAX_GUEST_CMDLINE           1024

/* public/version.h */
#define XENVER_version              0
#define XENVER_extraversion         1
#define XENVER_capabilities         3
#define XENVER_changeset            4
#define XENVER_platform_parameters  5
#define XEN_EXTRAVERSION_LEN        16
#define XEN_CAPABILITIES_INFO_LEN   1024
#define XEN_CHANGESET_INFO_LEN      64

/* public/vcpu.h */
#define VCPUOP_get_runstate_info    4

/* public/sched.h */
#define SCHEDOP_yield               0

/* public/arch-x86/xen-x86_32.h, xen-x86_64.h: the kernel's flat code selector */
#if defined(__x86_64__)
#define FLAT_KERNEL_CS              0xe033
#else
#define FLAT_KERNEL_CS              0xe019
#endif

/* public/arch-x86/xen.h: xen_pfn_t and xen_ulong_t are unsigned long in both ABIs */
typedef unsigned long xen_pfn_t;
typedef unsigned long xen_ulong_t;

/* public/xen.h, as a guest of this ABI sees it (the Swift catalog's start_info, mmuext_op,
 * mmu_update, multicall_entry; the host checks the printed bytes against those layouts). */
struct start_info {
    char magic[32];
    unsigned long nr_pages;
    unsigned long shared_info;
    uint32_t flags;
    xen_pfn_t store_mfn;
    uint32_t store_evtchn;
    union {
        struct { xen_pfn_t mfn; uint32_t evtchn; } domU;
        struct { uint32_t info_off; uint32_t info_size; } dom0;
    } console;
    unsigned long pt_base;
    unsigned long nr_pt_frames;
    unsigned long mfn_list;
    unsigned long mod_start;
    unsigned long mod_len;
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    unsigned long first_p2m_pfn;
    unsigned long nr_p2m_frames;
};

struct mmuext_op {
    unsigned int cmd;
    union { xen_pfn_t mfn; unsigned long linear_addr; } arg1;
    union { unsigned int nr_ents; void *vcpumask; xen_pfn_t src_mfn; } arg2;
};

struct mmu_update {
    uint64_t ptr;
    uint64_t val;
};

struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};

/* public/arch-x86/xen.h */
struct trap_info {
    uint8_t vector;
    uint8_t flags;
    uint16_t cs;
    unsigned long address;
};

/* x86 page-table entries (Intel SDM vol. 3, 4.5): present, writable, the frame's bits. */
#define PTE_PRESENT   0x1ull
#define PTE_WRITABLE  0x2ull
#define PTE_FRAME     0x000ffffffffff000ull
#define PAGE_SHIFT    12

#endif
