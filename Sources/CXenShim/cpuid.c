// CPUID, plain and behind Xen's forced-emulation prefix.
#define _GNU_SOURCE
#include "CXenShim.h"

#include <errno.h>
#include <pthread.h>
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

// Thread safety. SIGILL from the escaped CPUID is synchronous: the kernel delivers it to the
// thread that executed the instruction, so the handler finds that thread's own jump buffer in
// thread-local storage and can never jump onto another thread's stack. The disposition itself
// is process-wide, so installing the handler, probing and restoring the caller's disposition
// is one window that probing threads take in turn (forced_lock); without it, a second thread
// could save the first one's handler as "the caller's" and leave it installed for good.
static pthread_mutex_t forced_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local sigjmp_buf forced_jmp;
static _Thread_local volatile sig_atomic_t forced_armed;
static struct sigaction forced_previous;  // the caller's disposition, for a SIGILL not ours

static void forced_sigill(int sig, siginfo_t *info, void *context)
{
    if (forced_armed) {
        forced_armed = 0;
        siglongjmp(forced_jmp, 1);
    }
    // A SIGILL on a thread that is not probing (a real illegal instruction elsewhere while the
    // window is open): hand it to the disposition the caller had.
    if (forced_previous.sa_flags & SA_SIGINFO) {
        forced_previous.sa_sigaction(sig, info, context);
    } else if (forced_previous.sa_handler == SIG_IGN) {
        return;
    } else if (forced_previous.sa_handler != SIG_DFL) {
        forced_previous.sa_handler(sig);
    } else {
        // Default action: restore it and return; the instruction faults again and terminates.
        signal(SIGILL, SIG_DFL);
    }
}

int xd_cpuid_forced(uint32_t leaf, uint32_t subleaf, xd_cpuid_regs *out)
{
#if defined(__x86_64__) || defined(__i386__)
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = forced_sigill;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    int e = pthread_mutex_lock(&forced_lock);
    if (e != 0) {
        errno = e;
        return -1;
    }
    if (sigaction(SIGILL, &sa, &forced_previous) != 0) {
        e = errno;
        pthread_mutex_unlock(&forced_lock);
        errno = e;
        return -1;
    }

    // volatile: these live across siglongjmp.
    volatile int faulted = 0;
    volatile uint32_t a = leaf, b = 0, c = subleaf, d = 0;
    // savemask = 1: the jump restores the signal mask, so SIGILL is not left blocked.
    if (sigsetjmp(forced_jmp, 1) == 0) {
        forced_armed = 1;
        uint32_t ra = a, rb, rc = c, rd;
        // public/arch-x86/xen.h: XEN_EMULATE_PREFIX is "ud2a ; .ascii \"xen\"" (0f 0b 78 65 6e).
        __asm__ volatile(".byte 0x0f,0x0b,0x78,0x65,0x6e\n\tcpuid"
                         : "+a"(ra), "=b"(rb), "+c"(rc), "=d"(rd));
        forced_armed = 0;
        a = ra; b = rb; c = rc; d = rd;
    } else {
        faulted = 1;
    }
    sigaction(SIGILL, &forced_previous, NULL);
    pthread_mutex_unlock(&forced_lock);
    if (faulted)
        return 1;
    out->eax = a; out->ebx = b; out->ecx = c; out->edx = d;
    return 0;
#else
    (void)leaf; (void)subleaf; (void)out;
    return 1;
#endif
}
