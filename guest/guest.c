/*
 * xen-detect test guest: a freestanding PVH kernel, built for i386 (ABI32,
 * served by Xen's compat layer) and for x86_64 (ABI64). Xen enters it in
 * 32-bit protected mode with EBX = &hvm_start_info (entry32.S / entry64.S);
 * it installs the hypercall page, prints it, then executes the hypercall
 * plan it finds as the first boot module and prints each result as
 * `XDG ...` lines (format in docs/test-guest.md).
 */
#include <stdint.h>
#include <stddef.h>
#include "xen.h"
#include "plan.h"

#if defined(__x86_64__)
#define GUEST_ABI 64
#define REGISTER_HEX_DIGITS 16
#elif defined(__i386__)
#define GUEST_ABI 32
#define REGISTER_HEX_DIGITS 8
#else
#error "the test guest is x86 only"
#endif

/* Room for the plan's buffers; each is placed BUFFER_ALIGN-aligned with a gap. */
#define ARENA_SIZE   (512u * 1024u)
#define BUFFER_ALIGN 64u
#define BUFFER_GAP   64u
#define HEX_CHUNK    64u  /* bytes per printed hex line */
#define PAGE_FIRST_ENTRIES 4
/* Physical memory the guest can address: 4 GiB (paging off in i386; entry64.S maps 4 GiB). */
#define REACHABLE_LIMIT 0xffffffffull

static uint8_t hypercall_page[XEN_HYPERCALL_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t arena[ARENA_SIZE] __attribute__((aligned(4096)));
static uintptr_t buffer_address[PLAN_MAX_BUFFERS];
static int page_installed;

/* ---- a few libc pieces gcc may emit calls to ---- */
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

/* ---- processor ---- */
static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

static void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/*
 * Call entry `op` of the hypercall page with five argument registers.
 * ABI32 (compat): ebx, ecx, edx, esi, edi. ABI64: rdi, rsi, rdx, r10, r8.
 * The stub loads eax itself, so eax carries the entry address in.
 */
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

/* ---- output: one console_io write per line, port 0xe9 before the page exists ---- */
#define DEBUG_PORT 0xe9 /* Xen's HVM debug console port (xen/arch/x86/hvm/hvm.c) */
#include "line.h"

static void end_line(void)
{
    put_char('\n');
    if (page_installed) {
        hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, line_length,
                  (unsigned long)(uintptr_t)line, 0, 0);
    } else {
        for (size_t i = 0; i < line_length; i++) outb(DEBUG_PORT, (uint8_t)line[i]);
    }
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

/* ---- hypercall page ---- */
static uint32_t find_xen_leaf_base(void)
{
    for (uint32_t base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_LAST_SEARCHED;
         base += XEN_CPUID_LEAF_STEP) {
        uint32_t a, b, c, d;
        cpuid(base, &a, &b, &c, &d);
        if (b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
            d == XEN_CPUID_SIGNATURE_EDX && a >= base + 2)
            return base;
    }
    return 0;
}

static int install_hypercall_page(void)
{
    uint32_t base = find_xen_leaf_base();
    if (base == 0) {
        fail("no-xen-signature", 0);
        return 0;
    }
    uint32_t a, b, c, d, version;
    cpuid(base + 1, &version, &b, &c, &d);
    cpuid(base + 2, &a, &b, &c, &d);
    /* base+2: eax = number of hypercall pages, ebx = MSR that installs them */
    wrmsr(b, (uint64_t)(uintptr_t)hypercall_page);
    page_installed = 1;
    start_line("xen leaf=");
    put_hex(base, 0);
    put_str(" version=");
    put_hex(version, 0);
    put_str(" msr=");
    put_hex(b, 0);
    put_str(" pages=");
    put_dec(a);
    put_str(" page=");
    put_hex((uintptr_t)hypercall_page, 0);
    end_line();
    return 1;
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
    put_bytes(hypercall_page + __HYPERVISOR_iret * XEN_HYPERCALL_ENTRY_SIZE,
              XEN_HYPERCALL_ENTRY_SIZE);
    end_line();
    for (uint32_t off = 0; off < XEN_HYPERCALL_PAGE_SIZE; off += HEX_CHUNK) {
        start_line("page ");
        put_hex(off, 0);
        put_char(' ');
        put_bytes(hypercall_page + off, HEX_CHUNK);
        end_line();
    }
}

/* ---- plan ---- */
static uint16_t read16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t read32(const uint8_t *p) { return read16(p) | (uint32_t)read16(p + 2) << 16; }
static uint64_t read64(const uint8_t *p) { return read32(p) | (uint64_t)read32(p + 4) << 32; }

static void write_pointer(uint8_t *p, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++) p[i] = (uint8_t)(v >> (8 * i));
}

struct plan_view {
    const uint8_t *base;
    uint32_t length;
    uint32_t calls, buffers, relocations;
    uint8_t sentinel;
    uint32_t calls_at, relocations_at;
    uint32_t buffer_size[PLAN_MAX_BUFFERS];
};

static struct plan_view plan;

/* Checks the plan completely and places its buffers; prints why it refuses. */
static int load_plan(const uint8_t *base, uint64_t module_size)
{
    if (module_size < sizeof(struct plan_header)) { fail("plan-too-short", module_size); return 0; }
    if (read32(base) != PLAN_MAGIC) { fail("plan-magic", read32(base)); return 0; }
    if (read16(base + 4) != PLAN_VERSION) { fail("plan-version", read16(base + 4)); return 0; }
    if (base[6] != GUEST_ABI) { fail("plan-abi", base[6]); return 0; }
    plan.base = base;
    plan.sentinel = base[7];
    plan.calls = read32(base + 8);
    plan.buffers = read32(base + 12);
    plan.relocations = read32(base + 16);
    plan.length = read32(base + 20);
    if (plan.length > module_size) { fail("plan-length", plan.length); return 0; }
    if (plan.calls > PLAN_MAX_CALLS) { fail("plan-calls", plan.calls); return 0; }
    if (plan.buffers > PLAN_MAX_BUFFERS) { fail("plan-buffers", plan.buffers); return 0; }
    if (plan.relocations > PLAN_MAX_BUFFERS) { fail("plan-relocations", plan.relocations); return 0; }

    uint64_t at = sizeof(struct plan_header);
    plan.calls_at = (uint32_t)at;
    at += (uint64_t)plan.calls * sizeof(struct plan_call);
    plan.relocations_at = (uint32_t)at;
    at += (uint64_t)plan.relocations * sizeof(struct plan_relocation);
    if (at > plan.length) { fail("plan-tables-past-end", at); return 0; }

    uint64_t used = 0;
    for (uint32_t k = 0; k < plan.buffers; k++) {
        if (at + sizeof(struct plan_buffer) > plan.length) { fail("plan-buffer-record", k); return 0; }
        uint32_t size = read32(base + at), input = read32(base + at + 4), align = read32(base + at + 8);
        at += sizeof(struct plan_buffer);
        if (size > PLAN_MAX_BUFFER_SIZE || input > size) { fail("plan-buffer-size", k); return 0; }
        if (at + input > plan.length) { fail("plan-buffer-input", k); return 0; }
        if (align == 0) align = BUFFER_ALIGN;
        if (align > PLAN_PAGE_SIZE || (align & (align - 1))) { fail("plan-buffer-alignment", k); return 0; }
        used = (used + BUFFER_GAP + align - 1) & ~(uint64_t)(align - 1);
        if (used + size > ARENA_SIZE) { fail("plan-arena-full", k); return 0; }
        uint8_t *place = arena + used;
        memset(place, plan.sentinel, size);
        memcpy(place, base + at, input);
        buffer_address[k] = (uintptr_t)place;
        plan.buffer_size[k] = size;
        start_line("place ");
        put_dec(k);
        put_str(" addr=");
        put_hex((uintptr_t)place, 0);
        put_str(" size=");
        put_dec(size);
        end_line();
        used += size;
        at += (input + 7u) & ~7u;
    }

    for (uint32_t r = 0; r < plan.relocations; r++) {
        const uint8_t *rec = base + plan.relocations_at + r * sizeof(struct plan_relocation);
        uint16_t holder = read16(rec), target = read16(rec + 2);
        uint32_t offset = read32(rec + 4), addend = read32(rec + 8);
        uint8_t width = rec[12], kind = rec[13];
        if (holder >= plan.buffers || target >= plan.buffers) { fail("reloc-buffer", r); return 0; }
        if ((width != 4 && width != 8) || (uint64_t)offset + width > plan.buffer_size[holder]) {
            fail("reloc-place", r);
            return 0;
        }
        if (kind != PLAN_RELOC_ADDRESS && kind != PLAN_RELOC_FRAME) { fail("reloc-kind", r); return 0; }
        uint64_t pointer = (uint64_t)buffer_address[target] + addend;
        if (kind == PLAN_RELOC_FRAME) pointer /= PLAN_PAGE_SIZE;
        if (width == 4 && pointer > 0xffffffffu) { fail("reloc-width", r); return 0; }
        write_pointer((uint8_t *)buffer_address[holder] + offset, pointer, width);
    }

    for (uint32_t i = 0; i < plan.calls; i++) {
        const uint8_t *rec = base + plan.calls_at + i * sizeof(struct plan_call);
        uint32_t first = read16(rec + 4), count = read16(rec + 6);
        if (first + count > plan.buffers) { fail("call-buffers", i); return 0; }
        uint32_t op = read32(rec);
        if (op != PLAN_OP_COPY && op != PLAN_OP_SHOW &&
            op >= XEN_HYPERCALL_PAGE_SIZE / XEN_HYPERCALL_ENTRY_SIZE) { fail("call-op", i); return 0; }
        for (int a = 0; a < PLAN_ARGS; a++) {
            uint16_t k = read16(rec + 8 + 2 * a);
            uint64_t v = read64(rec + 24 + 8 * a);
            if (k != PLAN_NOT_A_POINTER && k >= plan.buffers) { fail("call-arg-buffer", i); return 0; }
            if (GUEST_ABI == 32 && v > 0xffffffffu) { fail("call-arg-width", i); return 0; }
        }
        if (op == PLAN_OP_COPY) {
            /* Both ends inside their buffers: a copy never leaves the arena. */
            uint16_t to = read16(rec + 8), from = read16(rec + 10);
            uint64_t to_at = read64(rec + 24), from_at = read64(rec + 32), n = read64(rec + 40);
            if (to == PLAN_NOT_A_POINTER || from == PLAN_NOT_A_POINTER ||
                to_at + n > plan.buffer_size[to] || from_at + n > plan.buffer_size[from]) {
                fail("call-copy", i);
                return 0;
            }
        }
    }
    return 1;
}

static void print_buffer(uint32_t call, uint32_t k)
{
    start_line("buf ");
    put_dec(call);
    put_char(' ');
    put_dec(k);
    put_str(" addr=");
    put_hex(buffer_address[k], 0);
    put_str(" size=");
    put_dec(plan.buffer_size[k]);
    end_line();
    const uint8_t *p = (const uint8_t *)buffer_address[k];
    for (uint32_t off = 0; off < plan.buffer_size[k]; off += HEX_CHUNK) {
        uint32_t n = plan.buffer_size[k] - off < HEX_CHUNK ? plan.buffer_size[k] - off : HEX_CHUNK;
        start_line("hex ");
        put_dec(call);
        put_char(' ');
        put_dec(k);
        put_char(' ');
        put_dec(off);
        put_char(' ');
        put_bytes(p + off, n);
        end_line();
    }
}

static void run_plan(void)
{
    for (uint32_t i = 0; i < plan.calls; i++) {
        const uint8_t *rec = plan.base + plan.calls_at + i * sizeof(struct plan_call);
        uint32_t op = read32(rec);
        unsigned long reg[PLAN_ARGS];
        for (int a = 0; a < PLAN_ARGS; a++) {
            uint16_t k = read16(rec + 8 + 2 * a);
            uint64_t v = read64(rec + 24 + 8 * a);
            if (k != PLAN_NOT_A_POINTER) v += buffer_address[k];
            reg[a] = (unsigned long)v;
        }
        start_line("call ");
        put_dec(i);
        put_str(" op=");
        put_hex(op, 0);
        put_str(" label=");
        for (int c = 0; c < PLAN_LABEL_SIZE && rec[64 + c]; c++) {
            char ch = (char)rec[64 + c];
            put_char(ch > ' ' && ch < 0x7f ? ch : '?');
        }
        put_str(" regs=");
        for (int a = 0; a < PLAN_ARGS; a++) {
            if (a) put_char(',');
            put_hex(reg[a], 0);
        }
        end_line();

        unsigned long ret = 0;
        if (op == PLAN_OP_COPY)
            memcpy((void *)reg[0], (const void *)reg[1], (size_t)reg[2]);
        else if (op != PLAN_OP_SHOW)
            ret = hypercall(op, reg[0], reg[1], reg[2], reg[3], reg[4]);

        start_line("ret ");
        put_dec(i);
        put_char(' ');
        put_hex(ret, REGISTER_HEX_DIGITS);
        put_char(' ');
        put_dec((long)ret);
        end_line();
        uint32_t first = read16(rec + 4), count = read16(rec + 6);
        for (uint32_t k = first; k < first + count; k++) print_buffer(i, k);
    }
}

static int find_plan(const struct hvm_start_info *si)
{
    start_line("start magic=");
    put_hex(si->magic, 0);
    put_str(" version=");
    put_dec(si->version);
    put_str(" flags=");
    put_hex(si->flags, 0);
    put_str(" modules=");
    put_dec(si->nr_modules);
    end_line();
    if (si->magic != XEN_HVM_START_MAGIC_VALUE) { fail("start-info-magic", si->magic); return 0; }
    if (si->nr_modules < 1) { fail("no-plan-module", 0); return 0; }
    if (si->modlist_paddr > REACHABLE_LIMIT - sizeof(struct hvm_modlist_entry)) {
        fail("modlist-unreachable", si->modlist_paddr);
        return 0;
    }
    const struct hvm_modlist_entry *m = (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
    start_line("module paddr=");
    put_hex(m->paddr, 0);
    put_str(" size=");
    put_dec((int64_t)m->size);
    end_line();
    if (m->size > REACHABLE_LIMIT || m->paddr > REACHABLE_LIMIT - m->size) {
        fail("module-unreachable", m->paddr);
        return 0;
    }
    return load_plan((const uint8_t *)(uintptr_t)m->paddr, m->size);
}

static void shutdown_reboot(void)
{
    /* Xen reboots the machine when dom0 asks to; QEMU -no-reboot then exits. */
    uint32_t reason = SHUTDOWN_reboot;
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)(uintptr_t)&reason, 0, 0, 0);
}

void guest_main(uintptr_t start_info_address)
{
    const struct hvm_start_info *si = (const struct hvm_start_info *)start_info_address;
    int installed = install_hypercall_page();
    start_line("begin abi=");
    put_dec(GUEST_ABI);
    put_str(" start_info=");
    put_hex(start_info_address, 0);
    end_line();
    int ok = 0;
    if (installed) {
        print_hypercall_page();
        if (find_plan(si)) {
            run_plan();
            ok = 1;
        }
    }
    start_line("end abi=");
    put_dec(GUEST_ABI);
    put_str(ok ? " status=ok calls=" : " status=error calls=");
    put_dec(ok ? plan.calls : 0);
    end_line();
    if (installed) shutdown_reboot();
}
