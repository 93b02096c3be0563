/* PV entry (both builds): Xen's domain builder starts the kernel with paging on, in the mode
 * of its ELF notes (ring 1, PAE for i386; ring 3, long mode for x86_64), flat segments loaded,
 * ESI/RSI = &start_info. Switch to our stack and call pv_main(start_info). */
    .section .text.entry, "ax"
    .globl pv_start
pv_start:
    cld
#if defined(__x86_64__)
    mov $stack_top, %rsp
    mov %rsi, %rdi
    call pv_main
#else
    mov $stack_top, %esp
    sub $12, %esp                  /* keep the stack 16-byte aligned at the call */
    push %esi
    call pv_main
#endif
1:  jmp 1b                         /* pv_main asks Xen to reboot; never reached */

    /* The page Xen fills with hypercall stubs (XEN_ELFNOTE_HYPERCALL_PAGE). */
    .section .text.hypercall, "ax"
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0

    .section .bss
    .p2align 4
    .skip 16384
stack_top:
