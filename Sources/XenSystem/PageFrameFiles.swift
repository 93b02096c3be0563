/// The /proc files that tell which machine frame backs a virtual page, and whether the kernel
/// may move it (Linux Documentation/admin-guide/mm/pagemap.rst). Described once here for the
/// installer that reads them and the fakes that simulate them.
public enum PageFrameFiles {
    /// One 64-bit entry per virtual page of this process.
    public static let pagemapPath = "/proc/self/pagemap"
    /// One 64-bit entry of flags per frame (root only).
    public static let kpageflagsPath = "/proc/kpageflags"
    /// pagemap's and kpageflags' entries are both 64 bits, little-endian.
    public static let entrySize = MemoryLayout<UInt64>.size
    /// pagemap bit 63: the page is present.
    public static let pagemapPresent: UInt64 = 1 << 63
    /// pagemap bits 0-54: the page frame number (zero without CAP_SYS_ADMIN).
    public static let pagemapFrameMask: UInt64 = (1 << 55) - 1
    /// include/uapi/linux/kernel-page-flags.h KPF_LRU (bit 5): the frame is on the LRU lists, the
    /// only pages compaction migrates besides movable driver pages.
    public static let KPF_LRU: UInt64 = 1 << 5
}
