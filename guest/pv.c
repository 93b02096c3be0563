/*
 * xen-detect PV test guest: a freestanding PV kernel, built for i386 PAE (a 64-bit Xen serves
 * it through its compat layer; needs CONFIG_PV32) and for x86_64. Xen's domain builder enters
 * it with paging on and ESI/RSI = &start_info (pv-entry.S), its hypercall page already filled
 * at the XEN_ELFNOTE_HYPERCALL_PAGE address (pv-note.S). It prints start_info and the page,
 * then makes the PV-only calls whose structures Xen's compat layer translates (mmuext_op,
 * mmu_update, trap_info, the multicall) and prints each call's buffers in the PVH guest's
 * `XDG call/ret/buf/hex` format (docs/test-guest.md, "The PV test guests"). Every buffer is
 * pre-filled with a sentinel past its input, so the host sees how far Xen wrote.
 */
#include <stdint.h>
#include <stddef.h>
#include "xen.h"
#include "pv-xen.h"

#if defined(__x86_64__)
#define GUEST_ABI 64
#define REGISTER_HEX_DIGITS 16
#elif defined(__i386__)
#define GUEST_ABI 32
#define REGISTER_HEX_DIGITS 8
#else
#error "the test guest is x86 only"
#endif

#define SENTINEL     0xa5u  /* HypercallPlan.defaultSentinel */
#define SLACK        16u    /* bytes past each output, as the PVH plan leaves (PlanConstants.slack) */
#define ARENA_SIZE   (64u * 1024u)
#define BUFFER_ALIGN 64u
#define HEX_CHUNK    64u
#define PAGE_SIZE    4096u
#define PAGE_FIRST_ENTRIES 4
#define MULTICALL_INVALID_OP 63 /* no hypercall has this number (PlanConstants.invalidHypercall) */

extern uint8_t hypercall_page[XEN_HYPERCALL_PAGE_SIZE];
static uint8_t arena[ARENA_SIZE] __attribute__((aligned(4096)));
static size_t arena_used;
/* The page that becomes an L1 page table of our own (zeroed, made read-only, pinned, unpinned). */
static uint8_t table_page[PAGE_SIZE] __attribute__((aligned(4096)));

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--) *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--) *p++ = *q++;
    return d;
}

/* Entry `op` of the hypercall page. ABI32: ebx, ecx, edx, esi, edi. ABI64: rdi, rsi, rdx, r10, r8. */
static unsigned long hypercall(uint32_t op, unsigned long a1, unsigned long a2,
                               unsigned long a3, unsigned long a4, unsigned long a5)
{
    unsigned long ret;
    uintptr_t entry = (uintptr_t)hypercall_page + (uintptr_t)op * XEN_HYPERCALL_ENTRY_SIZE;
#if GUEST_ABI == 64
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    __asm__ volatile("call *%%rax"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : "0"(entry)
                     : "memory", "rcx", "r9", "r11");
#else
    __asm__ volatile("call *%%eax"
                     : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                     : "0"(entry)
                     : "memory");
#endif
    return ret;
}

/* ---- output: one console_io write per line (dom0 may use it) ---- */
#include "line.h"

static void end_line(void)
{
    put_char('\n');
    hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, line_length, (unsigned long)(uintptr_t)line, 0, 0);
    line_length = 0;
}

static void start_line(const char *tag)
{
    line_length = 0;
    put_str("XDG ");
    put_str(tag);
}

static void fail(const char *what, uint64_t value)
{
    start_line("error ");
    put_str(what);
    put_char(' ');
    put_hex(value, 0);
    end_line();
}

/* `XDG TAG OFFSET HEX` lines, 64 bytes each. */
static void print_hex_lines(const char *tag, const uint8_t *p, uint32_t size)
{
    for (uint32_t off = 0; off < size; off += HEX_CHUNK) {
        uint32_t n = size - off < HEX_CHUNK ? size - off : HEX_CHUNK;
        start_line(tag);
        put_hex(off, 0);
        put_char(' ');
        put_bytes(p + off, n);
        end_line();
    }
}

static void print_hypercall_page(void)
{
    for (int op = 0; op < PAGE_FIRST_ENTRIES; op++) {
        start_line("entry ");
        put_dec(op);
        put_char(' ');
        put_bytes(hypercall_page + op * XEN_HYPERCALL_ENTRY_SIZE, XEN_HYPERCALL_ENTRY_SIZE);
        end_line();
    }
    start_line("entry ");
    put_dec(__HYPERVISOR_iret);
    put_char(' ');
    put_bytes(hypercall_page + __HYPERVISOR_iret * XEN_HYPERCALL_ENTRY_SIZE, XEN_HYPERCALL_ENTRY_SIZE);
    end_line();
    print_hex_lines("page ", hypercall_page, XEN_HYPERCALL_PAGE_SIZE);
}

/* ---- buffers and calls, printed as the PVH guest prints a plan's ---- */
struct buffer { uint8_t *p; uint32_t size; };
static struct buffer buffers[64];
static uint32_t buffer_count, call_count;

/* A buffer of `size` bytes plus SLACK, `input` copied in, the sentinel after it. */
static uint32_t new_buffer(const void *input, uint32_t input_length, uint32_t size)
{
    uint32_t k = buffer_count++;
    arena_used = (arena_used + 2 * BUFFER_ALIGN - 1) & ~(size_t)(BUFFER_ALIGN - 1);
    uint8_t *p = arena + arena_used;
    arena_used += size + SLACK;
    memset(p, SENTINEL, size + SLACK);
    if (input_length) memcpy(p, input, input_length);
    buffers[k].p = p;
    buffers[k].size = size + SLACK;
    return k;
}

static uintptr_t address(uint32_t k) { return (uintptr_t)buffers[k].p; }

static void print_buffer(uint32_t call, uint32_t k)
{
    start_line("buf ");
    put_dec(call);
    put_char(' ');
    put_dec(k);
    put_str(" addr=");
    put_hex(address(k), 0);
    put_str(" size=");
    put_dec(buffers[k].size);
    end_line();
    for (uint32_t off = 0; off < buffers[k].size; off += HEX_CHUNK) {
        uint32_t n = buffers[k].size - off < HEX_CHUNK ? buffers[k].size - off : HEX_CHUNK;
        start_line("hex ");
        put_dec(call);
        put_char(' ');
        put_dec(k);
        put_char(' ');
        put_dec(off);
        put_char(' ');
        put_bytes(buffers[k].p + off, n);
        end_line();
    }
}

/* Makes one call, printing it, its return register and buffers [first, buffer_count). */
static long call(const char *label, uint32_t op, uint32_t first, unsigned long a1, unsigned long a2,
                 unsigned long a3, unsigned long a4, unsigned long a5)
{
    uint32_t i = call_count++;
    unsigned long reg[5] = {a1, a2, a3, a4, a5};
    start_line("call ");
    put_dec(i);
    put_str(" op=");
    put_dec(op);
    put_str(" label=");
    put_str(label);
    put_str(" regs=");
    for (int a = 0; a < 5; a++) {
        if (a) put_char(',');
        put_hex(reg[a], 0);
    }
    end_line();
    unsigned long ret = hypercall(op, a1, a2, a3, a4, a5);
    start_line("ret ");
    put_dec(i);
    put_char(' ');
    put_hex(ret, REGISTER_HEX_DIGITS);
    put_char(' ');
    put_dec((long)ret);
    end_line();
    for (uint32_t k = first; k < buffer_count; k++) print_buffer(i, k);
    return (long)ret;
}

/* ---- the guest's own page tables (mapped read-only: !writable_page_tables) ---- */
static const struct start_info *si;

static uint64_t mfn_of(uintptr_t va)
{
    const unsigned long *p2m = (const unsigned long *)si->mfn_list;
    return p2m[va >> PAGE_SHIFT];  /* virtual = pseudo-physical: VIRT_BASE 0 */
}

/* The bootstrap page-table frame with machine frame `mfn` (all lie in [pt_base, +nr_pt_frames)). */
static const uint64_t *table_of(uint64_t mfn)
{
    for (unsigned long i = 0; i < si->nr_pt_frames; i++) {
        uintptr_t va = si->pt_base + i * PAGE_SIZE;
        if (mfn_of(va) == mfn) return (const uint64_t *)va;
    }
    return 0;
}

/* The machine address of the L1 entry that maps `va`, 0 if the walk fails. */
static uint64_t l1_entry_maddr(uintptr_t va, uint64_t *entry)
{
#if GUEST_ABI == 64
    static const int shifts[] = {39, 30, 21};
#else
    static const int shifts[] = {30, 21};  /* PAE: the 4-entry L3 at pt_base, then L2 */
#endif
    const uint64_t *table = (const uint64_t *)si->pt_base;
    for (size_t level = 0; level < sizeof(shifts) / sizeof(shifts[0]); level++) {
        uint64_t e = table[(va >> shifts[level]) & 511];
        if (!(e & PTE_PRESENT)) return 0;
        table = table_of((e & PTE_FRAME) >> PAGE_SHIFT);
        if (!table) return 0;
    }
    unsigned index = (va >> PAGE_SHIFT) & 511;
    *entry = table[index];
    return (mfn_of((uintptr_t)table) << PAGE_SHIFT) + index * sizeof(uint64_t);
}

/* ---- the calls ---- */
static void xen_version_text(const char *label, int cmd, uint32_t length)
{
    uint32_t k = new_buffer(0, 0, length);
    call(label, __HYPERVISOR_xen_version, k, (unsigned long)cmd, address(k), 0, 0, 0);
}

/* mmuext_op(&op, 1, &done, DOMID_SELF): the op is read only, `done` an unsigned int out. */
static long mmuext(const char *label, unsigned int cmd, unsigned long arg1)
{
    struct mmuext_op op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = arg1;
    uint32_t k = new_buffer(&op, sizeof(op), sizeof(op));
    uint32_t done = new_buffer(0, 0, sizeof(unsigned int));
    return call(label, __HYPERVISOR_mmuext_op, k, address(k), 1, address(done), DOMID_SELF, 0);
}

static long mmu_update(const char *label, uint64_t ptr, uint64_t val)
{
    struct mmu_update u = {ptr | MMU_NORMAL_PT_UPDATE, val};
    uint32_t k = new_buffer(&u, sizeof(u), sizeof(u));
    uint32_t done = new_buffer(0, 0, sizeof(unsigned int));
    return call(label, __HYPERVISOR_mmu_update, k, address(k), 1, address(done), DOMID_SELF, 0);
}

static void trap_handler(void)
{
    for (;;) __asm__ volatile("hlt");
}

static void run_calls(void)
{
    call("xen_version.version", __HYPERVISOR_xen_version, buffer_count, XENVER_version, 0, 0, 0, 0);
    xen_version_text("xen_version.extraversion", XENVER_extraversion, XEN_EXTRAVERSION_LEN);
    xen_version_text("xen_version.capabilities", XENVER_capabilities, XEN_CAPABILITIES_INFO_LEN);
    xen_version_text("xen_version.changeset", XENVER_changeset, XEN_CHANGESET_INFO_LEN);
    {
        /* xen_platform_parameters { xen_ulong_t virt_start; } */
        uint32_t k = new_buffer(0, 0, sizeof(xen_ulong_t));
        call("xen_version.platform_parameters", __HYPERVISOR_xen_version, k, XENVER_platform_parameters,
             address(k), 0, 0, 0);
    }
    {
        /* vcpu_runstate_info: 44 bytes in ABI32, 48 in ABI64 (the host knows the layouts) */
        uint32_t k = new_buffer(0, 0, GUEST_ABI == 64 ? 48 : 44);
        call("vcpu_op.get_runstate_info", __HYPERVISOR_vcpu_op, k, VCPUOP_get_runstate_info, 0,
             address(k), 0, 0);
    }
    {
        /* A batch of three: xen_version(XENVER_version), an unknown hypercall (-ENOSYS), a yield.
         * Xen writes each entry's `result` and carries on after the failing one. */
        struct multicall_entry batch[3];
        memset(batch, 0, sizeof(batch));
        batch[0].op = __HYPERVISOR_xen_version;
        batch[0].args[0] = XENVER_version;
        batch[1].op = MULTICALL_INVALID_OP;
        batch[2].op = __HYPERVISOR_sched_op;
        batch[2].args[0] = SCHEDOP_yield;
        for (int e = 0; e < 3; e++) batch[e].result = (xen_ulong_t)0x5a5a5a5a5a5a5a5aull;
        uint32_t k = new_buffer(batch, sizeof(batch), sizeof(batch));
        call("multicall.batch", __HYPERVISOR_multicall, k, address(k), 3, 0, 0, 0);
    }
    mmuext("mmuext_op.tlb_flush_local", MMUEXT_TLB_FLUSH_LOCAL, 0);
    mmuext("mmuext_op.invlpg_local", MMUEXT_INVLPG_LOCAL, (unsigned long)(uintptr_t)table_page);

    /* A page table of our own: zero the page, drop the write access of our mapping of it (Xen
     * refuses to pin a page mapped writable), pin it as an L1 table, unpin it, map it writable. */
    memset(table_page, 0, sizeof(table_page));
    uint64_t pte = 0;
    uint64_t pte_maddr = l1_entry_maddr((uintptr_t)table_page, &pte);
    uint64_t table_mfn = mfn_of((uintptr_t)table_page);
    start_line("pv table_page=");
    put_hex((uintptr_t)table_page, 0);
    put_str(" mfn=");
    put_hex(table_mfn, 0);
    put_str(" pte_maddr=");
    put_hex(pte_maddr, 0);
    put_str(" pte=");
    put_hex(pte, 0);
    put_str(" trap_handler=");
    put_hex((uintptr_t)trap_handler, 0);
    end_line();
    if (pte_maddr == 0 || (pte & PTE_FRAME) >> PAGE_SHIFT != table_mfn) {
        fail("page-table-walk", pte);
    } else {
        mmu_update("mmu_update.read_only", pte_maddr, pte & ~PTE_WRITABLE);
        mmuext("mmuext_op.pin_l1_table", MMUEXT_PIN_L1_TABLE, (unsigned long)table_mfn);
        mmuext("mmuext_op.unpin_table", MMUEXT_UNPIN_TABLE, (unsigned long)table_mfn);
        mmu_update("mmu_update.writable", pte_maddr, pte | PTE_WRITABLE);
    }
    {
        /* One handler (vector 3, int3) and the zero entry that ends the table. */
        struct trap_info traps[2];
        memset(traps, 0, sizeof(traps));
        traps[0].vector = 3;
        traps[0].flags = 3;  /* the privilege level that may raise it: int3 from any ring */
        traps[0].cs = FLAT_KERNEL_CS;
        traps[0].address = (unsigned long)(uintptr_t)trap_handler;
        uint32_t k = new_buffer(traps, sizeof(traps), sizeof(traps));
        call("set_trap_table.one", __HYPERVISOR_set_trap_table, k, address(k), 0, 0, 0, 0);
    }
}

static void shutdown_reboot(void)
{
    /* Xen reboots the machine when dom0 asks to; QEMU -no-reboot then exits. */
    uint32_t reason = SHUTDOWN_reboot;
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)(uintptr_t)&reason, 0, 0, 0);
}

void pv_main(const struct start_info *start_info)
{
    si = start_info;
    start_line("begin abi=");
    put_dec(GUEST_ABI);
    put_str(" flavor=pv start_info=");
    put_hex((uintptr_t)si, 0);
    end_line();
    start_line("xen version=");
    put_hex(hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0), 0);
    put_str(" page=");
    put_hex((uintptr_t)hypercall_page, 0);
    end_line();
    print_hypercall_page();
    /* start_info is the first bytes of a page of its own (xen/arch/x86/pv/dom0_build.c). */
    print_hex_lines("start_info ", (const uint8_t *)si, PAGE_SIZE);
    run_calls();
    start_line("end abi=");
    put_dec(GUEST_ABI);
    put_str(" status=ok calls=");
    put_dec(call_count);
    end_line();
    shutdown_reboot();
}
