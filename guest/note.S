/* PVH entry note (public/elfnote.h): Xen enters the guest here in 32-bit
 * protected mode, paging off, with EBX = &hvm_start_info. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
    .section .note.Xen, "a", @note
    .p2align 2
    .long 4                        /* name size: "Xen\0" */
    .long 4                        /* descriptor size */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .p2align 2
    .long pvh_start
    .p2align 2
