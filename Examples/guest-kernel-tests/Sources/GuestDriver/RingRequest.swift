import XenInterface

// This driver's own structures, each described once with XenInterface's vocabulary; ABI32 and
// ABI64 derive both layouts from the one description, and XenCompat the translation between them.
extension StructDescription {
    /// The request the driver puts on its shared ring, as its C header declares it:
    ///
    ///     struct demo_ring_request {
    ///         uint32_t id;
    ///         uint64_t sector;                      /* only 4-aligned on x86_32 */
    ///         xen_ulong_t nr_frames;                /* unsigned long: 4 or 8 bytes */
    ///         XEN_GUEST_HANDLE(xen_pfn_t) frames;   /* one pointer: 4 or 8 bytes */
    ///         uint16_t flags;
    ///         uint8_t pad[2];
    ///         uint64_aligned_t cookie;              /* 8-aligned on both */
    ///     };
    public static let demo_ring_request = StructDescription("demo_ring_request", "demo/ring.h", [
        .u32("id"), .u64("sector"), .xenUlong("nr_frames"), .handle("frames"), .u16("flags"),
        .array("pad", .scalar(.uint8), 2), Field("cookie", .scalar(.uint64Aligned)),
    ])

    /// A balloon request that embeds Xen's own `struct xen_memory_reservation` (public/memory.h),
    /// taken from the catalog rather than written again:
    ///
    ///     struct demo_balloon_request {
    ///         uint16_t flags;
    ///         struct xen_memory_reservation reservation;
    ///         uint64_t target_pages;
    ///     };
    public static let demo_balloon_request = StructDescription("demo_balloon_request", "demo/balloon.h", [
        .u16("flags"), .record("reservation", .xen_memory_reservation), .u64("target_pages"),
    ])
}
