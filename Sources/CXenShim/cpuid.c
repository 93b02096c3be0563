// CPUID, plain and behind Xen's forced-emulation prefix.
#define _GNU_SOURCE
#include "CXenShim.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

void xd_cpuid(uint32_t leaf, uint32_t subleaf, xd_cpuid_regs *out)
{
#if defined(__x86_64__) || defined(__i386__)
    uint32_t a = leaf, b, c = subleaf, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    out->eax = a; out->ebx = b; out->ecx = c; out->edx = d;
#else
    (void)leaf; (void)subleaf;
    memset(out, 0, sizeof(*out));
#endif
}

static sigjmp_buf forced_jmp;

static void forced_sigill(int sig)
{
    (void)sig;
    siglongjmp(forced_jmp, 1);
}

int xd_cpuid_forced(uint32_t leaf, uint32_t subleaf, xd_cpuid_regs *out)
{
#if defined(__x86_64__) || defined(__i386__)
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = forced_sigill;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGILL, &sa, &old) != 0)
        return -1;

    // volatile: these live across siglongjmp.
    volatile int faulted = 0;
    volatile uint32_t a = leaf, b = 0, c = subleaf, d = 0;
    if (sigsetjmp(forced_jmp, 1) == 0) {
        uint32_t ra = a, rb, rc = c, rd;
        // public/arch-x86/xen.h: XEN_EMULATE_PREFIX is "ud2a ; .ascii \"xen\"" (0f 0b 78 65 6e).
        __asm__ volatile(".byte 0x0f,0x0b,0x78,0x65,0x6e\n\tcpuid"
                         : "+a"(ra), "=b"(rb), "+c"(rc), "=d"(rd));
        a = ra; b = rb; c = rc; d = rd;
    } else {
        faulted = 1;
    }
    sigaction(SIGILL, &old, NULL);
    if (faulted)
        return 1;
    out->eax = a; out->ebx = b; out->ecx = c; out->edx = d;
    return 0;
#else
    (void)leaf; (void)subleaf; (void)out;
    return 1;
#endif
}
