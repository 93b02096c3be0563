// The early entry: the drop-in for Xen's xen-detect runs from a constructor, before the Swift
// runtime's own constructors (the argv scan of /proc/self/maps, the backtracer's set-up, the
// image registration, libdispatch), which are most of a static Swift program's start-up and none
// of which the drop-in needs (BENCHMARKS.md, "The early entry"). The decision stays in Swift:
// this only captures argc/argv and calls xd_early_main, the xen-detect executable's early entry,
// which returns when the command line is not a plain drop-in run and the normal Swift main takes it.
#include "CXenShim.h"

#include <stdlib.h>
#include <unistd.h>

/* The executable's main, and the name SwiftPM gives the xen-detect module's entry point. In the
   xen-detect binary they are one function; in a test bundle that links the xen-detect module
   (its main is the test runner's) and in every other binary they differ or the second is absent,
   and the early entry stays off. Both weak references resolve to 0 when absent. */
extern int main(int, char **);
extern int xen_detect_main(int, char **) __attribute__((weak));
extern int xd_early_main(void) __attribute__((weak));

static int saved_argc;
static char **saved_argv;

/* glibc calls init_array functions with (argc, argv, envp), in static and dynamic executables.
   Priority 101, the first a program may use: before every constructor without a priority, which
   is all of the Swift runtime's. */
__attribute__((constructor(101))) static void xd_early_entry(int argc, char **argv, char **envp)
{
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
    if (!xd_early_main || !xen_detect_main || (void *)xen_detect_main != (void *)main)
        return;
    /* Without /proc (an initramfs before it is mounted, a bare chroot) the Swift runtime's
       backtracer set-up aborts the process ("Unable to obtain Swift runtime path", status 134):
       it looks for its helper next to /proc/self/exe even when switched off, unless it is told
       where the helper is. So it is switched off and told, unless the user chose. Before the
       early entry, which may already have read the runtime's settings. */
    if (access("/proc/self/exe", F_OK) != 0)
        setenv("SWIFT_BACKTRACE", "enable=no,swift-backtrace=/nonexistent", 0);
    (void)xd_early_main();
}

int xd_argc(void)
{
    return saved_argc;
}

char **xd_argv(void)
{
    return saved_argv;
}
