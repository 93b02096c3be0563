/* PV kernel ELF notes (public/elfnote.h) of the PV test guest: what Xen's domain builder needs to
 * boot it as a PV dom0 (docs/test-guest.md, "The PV test guests"). Word-sized values are 4 bytes
 * in the i386 build and 8 in the x86_64 build. */
#define XEN_ELFNOTE_ENTRY              1
#define XEN_ELFNOTE_HYPERCALL_PAGE     2
#define XEN_ELFNOTE_VIRT_BASE          3
#define XEN_ELFNOTE_PADDR_OFFSET       4
#define XEN_ELFNOTE_XEN_VERSION        5
#define XEN_ELFNOTE_GUEST_OS           6
#define XEN_ELFNOTE_LOADER             8
#define XEN_ELFNOTE_PAE_MODE           9
#define XEN_ELFNOTE_FEATURES           10
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17
#define XENFEAT_dom0                   11   /* public/features.h: Xen refuses a dom0 without it */

#if defined(__x86_64__)
#define WORD .quad
#define WORD_SIZE 8
#else
#define WORD .long
#define WORD_SIZE 4
#endif

/* NOTE type, descriptor: one "Xen" note whose descriptor is the given data. */
#define NOTE(type, size, data)  \
    .p2align 2;                 \
    .long 4;                    \
    .long size;                 \
    .long type;                 \
    .asciz "Xen";               \
    .p2align 2;                 \
    data;                       \
    .p2align 2

#define STR(s) .asciz s

    .section .note.Xen, "a", @note
    NOTE(XEN_ELFNOTE_GUEST_OS, 4, STR("xdg"))
    NOTE(XEN_ELFNOTE_XEN_VERSION, 8, STR("xen-3.0"))
    NOTE(XEN_ELFNOTE_LOADER, 8, STR("generic"))
#if defined(__x86_64__)
    NOTE(XEN_ELFNOTE_FEATURES, 22, STR("!writable_page_tables"))
#else
    NOTE(XEN_ELFNOTE_FEATURES, 42, STR("!writable_page_tables|pae_pgdir_above_4gb"))
    NOTE(XEN_ELFNOTE_PAE_MODE, 4, STR("yes"))
#endif
    NOTE(XEN_ELFNOTE_VIRT_BASE, WORD_SIZE, WORD 0)
    NOTE(XEN_ELFNOTE_PADDR_OFFSET, WORD_SIZE, WORD 0)
    NOTE(XEN_ELFNOTE_ENTRY, WORD_SIZE, WORD pv_start)
    NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, WORD_SIZE, WORD hypercall_page)
    NOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, 4, .long 1 << XENFEAT_dom0)
