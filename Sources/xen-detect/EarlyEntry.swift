import XenSystem

/// The early entry, called by CXenShim's constructor (entry.c) before the Swift runtime's own
/// constructors: a plain drop-in run (the default run, and every run with Xen's options) decides,
/// prints and exits here, so it costs no more start-up than the runtime's first page; anything
/// else returns, and main takes the command line with the runtime started. The same decisions as
/// main's (`Route`, `DropIn`), taken earlier. What runs here must not need the runtime's
/// registration of this image: no dynamic casts, no `print`, no `any Error` (BENCHMARKS.md).
@_cdecl("xd_early_main")
func earlyMain() -> Int32 {
    guard Route.isDropIn(first: ProcessArguments.first, count: ProcessArguments.count) else { return 0 }
    DropIn.runEarly()
    return 0
}
