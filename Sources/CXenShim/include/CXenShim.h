// The few instructions and C-only calls Swift cannot emit. Nothing else lives here.
#ifndef CXENSHIM_H
#define CXENSHIM_H

#include <stdint.h>
#include <getopt.h>  /* getopt_long for the drop-in's exact option parsing */
#include "CXenShimXenDevices.h"  /* the ioctls of /dev/xen/evtchn, gntalloc and gntdev */

#ifdef __cplusplus
extern "C" {
#endif

/// The four registers CPUID returns.
typedef struct {
    uint32_t eax, ebx, ecx, edx;
} xd_cpuid_regs;

/// Executes CPUID with EAX = leaf, ECX = subleaf.
void xd_cpuid(uint32_t leaf, uint32_t subleaf, xd_cpuid_regs *out);

/// Executes CPUID behind Xen's forced-emulation prefix (`ud2a; .ascii "xen"; cpuid`),
/// which a Xen PV guest kernel forwards to Xen and every other context faults with #UD.
/// Returns 0 when the instruction completed, 1 when it raised SIGILL (not a Xen PV
/// context), -1 with errno set when the SIGILL handler could not be installed.
/// The caller's SIGILL disposition is restored before returning. Safe to call from many
/// threads at once: each thread's jump buffer is its own (thread-local), and the window in
/// which the SIGILL handler is installed is taken by one thread at a time.
int xd_cpuid_forced(uint32_t leaf, uint32_t subleaf, xd_cpuid_regs *out);

/// ioctl(2) with a pointer argument: Swift cannot call the variadic ioctl.
/// Returns what ioctl returns; errno is left as ioctl set it.
long xd_ioctl(int fd, unsigned long request, void *arg);

/// Calls a hypercall-page entry at `entry` (mapped executable) with the 64-bit
/// hypercall argument registers rdi, rsi, rdx, r10, r8 and returns rax.
/// Only meaningful on x86_64.
long xd_call_stub(const void *entry, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long a4, unsigned long a5);

/// getopt's globals, which Swift 6 cannot touch directly: reset to the first argument, and
/// the current option's argument (NULL when none).
void xd_getopt_reset(void);
const char *xd_optarg(void);
/// The drop-in's option table for getopt_long (Xen's tools/misc/xen-detect.c table, then this
/// tool's long-only options; ends with a zero entry) and its short options.
const struct option *xd_dropin_long_options(void);
const char *xd_dropin_short_options(void);

/// This process's argc and argv, as glibc handed them to the constructors (argv is NULL when
/// no constructor ran, e.g. in a binary whose loader does not pass them).
int xd_argc(void);
char **xd_argv(void);

/// The commit the binary was built from (-DXD_BUILD_COMMIT), or NULL when the build did not say.
const char *xd_build_commit(void);

#ifdef __cplusplus
}
#endif

#endif
