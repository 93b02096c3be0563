/* i386 entry: load our own flat GDT (the PVH ABI leaves GDTR undefined),
 * clear .bss, switch to our stack and call guest_main(start_info). */
#define CODE32 0x08
#define DATA32 0x10

    .code32
    .section .text.entry, "ax"
    .globl pvh_start
pvh_start:
    cli
    cld
    mov %ebx, %esi                 /* &hvm_start_info survives the bss clear */
    lgdt gdt_descriptor
    ljmp $CODE32, $1f
1:  mov $DATA32, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb
    mov $stack_top, %esp
    sub $12, %esp                  /* keep the stack 16-byte aligned at the call */
    push %esi
    call guest_main
2:  hlt
    jmp 2b

    .section .rodata
    .p2align 3
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff       /* 0x08: 32-bit flat code */
    .quad 0x00cf92000000ffff       /* 0x10: flat data */
gdt_end:
gdt_descriptor:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss
    .p2align 4
    .skip 16384
stack_top:
