/* x86_64 entry: Xen starts us in 32-bit protected mode; identity-map the
 * first 4 GiB with 2 MiB pages, enable PAE + EFER.LME + paging, jump to a
 * 64-bit code segment, clear .bss and call guest_main(start_info). */
#define CODE64 0x08
#define DATA   0x10
#define CR4_PAE      0x20
#define CR0_PE_PG    0x80000001
#define MSR_EFER     0xc0000080
#define EFER_LME     0x100
#define PTE_PRESENT_WRITABLE 0x3
#define PDE_LARGE    0x80

    .code32
    .section .text.entry, "ax"
    .globl pvh_start
pvh_start:
    cli
    cld
    mov %ebx, %esi                 /* &hvm_start_info */
    lgdt gdt_descriptor
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $CR0_PE_PG, %eax
    mov %eax, %cr0
    ljmp $CODE64, $long_mode

    .code64
long_mode:
    mov $DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    mov %esi, %esi                 /* upper halves are undefined after the switch */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %rdi, %rcx
    xor %eax, %eax
    rep stosb
    mov $stack_top, %rsp
    mov %rsi, %rdi
    call guest_main
1:  hlt
    jmp 1b

    .section .rodata
    .p2align 3
gdt:
    .quad 0
    .quad 0x00af9a000000ffff       /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff       /* 0x10: flat data */
gdt_end:
gdt_descriptor:
    .word gdt_end - gdt - 1
    .quad gdt

    /* Page tables: PML4 -> one PDPT -> four page directories of 2 MiB pages. */
    .section .data
    .p2align 12
pml4:
    .quad pdpt + PTE_PRESENT_WRITABLE
    .fill 511, 8, 0
pdpt:
    .quad pd + 0x0000 + PTE_PRESENT_WRITABLE
    .quad pd + 0x1000 + PTE_PRESENT_WRITABLE
    .quad pd + 0x2000 + PTE_PRESENT_WRITABLE
    .quad pd + 0x3000 + PTE_PRESENT_WRITABLE
    .fill 508, 8, 0
pd:
    .set frame, 0
    .rept 2048
    .quad (frame << 21) + PDE_LARGE + PTE_PRESENT_WRITABLE
    .set frame, frame + 1
    .endr

    .section .bss
    .p2align 4
    .skip 16384
stack_top:
