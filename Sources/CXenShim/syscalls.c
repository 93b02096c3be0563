// System calls Swift cannot make directly (variadic ioctl) and the stub call.
#include "CXenShim.h"

#include <getopt.h>
#include <sys/ioctl.h>

long xd_ioctl(int fd, unsigned long request, void *arg)
{
    return ioctl(fd, request, arg);
}

long xd_call_stub(const void *entry, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long a4, unsigned long a5)
{
#if defined(__x86_64__)
    // The 64-bit hypercall ABI (public/arch-x86/xen-x86_64.h): arguments in
    // rdi, rsi, rdx, r10, r8; result in rax. The stub may clobber rcx and r11.
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    unsigned long rax;
    // Step over the red zone: the call pushes its return address below rsp.
    __asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
                     "call *%[entry]\n\t"
                     "lea 128(%%rsp), %%rsp"
                     : "=a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [entry] "r"(entry)
                     : "rcx", "r11", "r9", "memory", "cc");
    return (long)rax;
#else
    (void)entry; (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    return -38; /* -ENOSYS */
#endif
}

void xd_getopt_reset(void)
{
    optind = 0; /* glibc: 0 also resets getopt's internal state (a second parse of the same argv) */
}

const char *xd_optarg(void)
{
    return optarg;
}

/* The commit the binary was built from, when the build named it (scripts/build-release.sh passes
   -Xcc -DXD_BUILD_COMMIT="..."), else NULL. */
const char *xd_build_commit(void)
{
#ifdef XD_BUILD_COMMIT
    return XD_BUILD_COMMIT;
#else
    return 0;
#endif
}

/* The drop-in's options, as getopt_long reads them: Xen's own table (tools/misc/xen-detect.c,
   Xen 4.17: help, quiet, pv, hvm, none; short options "hqPHN"), then this tool's long-only ones.
   A C table, so that the drop-in parses its command line without building Swift arrays before
   the Swift runtime has started (entry.c). */
static const struct option dropin_long_options[] = {
    { "help", no_argument, 0, 'h' },
    { "quiet", no_argument, 0, 'q' },
    { "pv", no_argument, 0, 'P' },
    { "hvm", no_argument, 0, 'H' },
    { "none", no_argument, 0, 'N' },
    /* Beyond Xen's tool: */
    { "json", no_argument, 0, 'j' },
    { "source", required_argument, 0, 's' },
    { "exhaustive", no_argument, 0, 'e' },
    { 0, 0, 0, 0 },
};

const struct option *xd_dropin_long_options(void)
{
    return dropin_long_options;
}

const char *xd_dropin_short_options(void)
{
    return "hqPHN";
}
