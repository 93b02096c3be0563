/*
 * Constants from Xen's public headers that the test guest needs, each under
 * its header's name. The guest has no libc and no Xen headers: it is built
 * freestanding so that it runs as the very first code Xen enters.
 */
#ifndef XDG_XEN_H
#define XDG_XEN_H

/* public/arch-x86/cpuid.h */
#define XEN_CPUID_FIRST_LEAF        0x40000000u
#define XEN_CPUID_LEAF_STEP         0x100u
#define XEN_CPUID_LAST_SEARCHED     0x40010000u
#define XEN_CPUID_SIGNATURE_EBX     0x566e6558u /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX     0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX     0x4d4d566eu /* "nVMM" */

/* public/xen.h */
#define __HYPERVISOR_console_io     18
#define __HYPERVISOR_iret           23
#define __HYPERVISOR_sched_op       29
#define CONSOLEIO_write             0
#define XEN_HYPERCALL_ENTRY_SIZE    32  /* one 32-byte stub per hypercall in the page */
#define XEN_HYPERCALL_PAGE_SIZE     4096

/* public/sched.h */
#define SCHEDOP_shutdown            2
#define SHUTDOWN_reboot             1

/* public/arch-x86/hvm/start_info.h */
#define XEN_HVM_START_MAGIC_VALUE   0x336ec578u

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

#endif
