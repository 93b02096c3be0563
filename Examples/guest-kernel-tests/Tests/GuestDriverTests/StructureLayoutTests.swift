import ABI32
import ABI64
import GuestDriver
import Testing
import XenInterface

/// The driver's structures laid out for both ABIs, against offsets worked out by hand from the
/// System V rules (i386: `uint64_t` is 4-aligned inside a structure, `unsigned long` and pointers
/// are 4 bytes; x86-64: natural alignment, LP64), and against Xen's own structure from the catalog.
@Suite struct StructureLayoutTests {

    /// Each member as "path@offset+size".
    static func members(_ layout: StructLayout) -> [String] {
        layout.fields.map { "\($0.path)@\($0.offset)+\($0.size)" }
    }

    @Test func ringRequestOn32Bit() {
        let layout = StructDescription.demo_ring_request.layout32
        // id 0..4; sector right after it (4-aligned); nr_frames and frames 4 bytes each;
        // cookie at the next multiple of 8, so the structure is 8-aligned.
        #expect(Self.members(layout) == ["id@0+4", "sector@4+8", "nr_frames@12+4", "frames@16+4", "flags@20+2",
                                          "pad@22+2", "cookie@24+8"])
        #expect(layout.size == 32 && layout.alignment == 8)
    }

    @Test func ringRequestOn64Bit() {
        let layout = StructDescription.demo_ring_request.layout64
        // 4 bytes of padding after id; nr_frames and frames are 8 bytes; 4 bytes before cookie.
        #expect(Self.members(layout) == ["id@0+4", "sector@8+8", "nr_frames@16+8", "frames@24+8", "flags@32+2",
                                          "pad@34+2", "cookie@40+8"])
        #expect(layout.size == 48 && layout.alignment == 8)
    }

    /// Xen's `struct xen_memory_reservation` (public/memory.h), as the catalog describes it; the
    /// xen-detect package proves these sizes against the real header with gcc -m32/-m64.
    @Test func catalogMemoryReservation() {
        let compat = StructDescription.xen_memory_reservation.layout32
        let native = StructDescription.xen_memory_reservation.layout64
        #expect(Self.members(compat) == ["extent_start@0+4", "nr_extents@4+4", "extent_order@8+4", "mem_flags@12+4",
                                          "domid@16+2"])
        #expect(compat.size == 20 && compat.alignment == 4)
        #expect(Self.members(native) == ["extent_start@0+8", "nr_extents@8+8", "extent_order@16+4", "mem_flags@20+4",
                                          "domid@24+2"])
        #expect(native.size == 32 && native.alignment == 8)
    }

    /// The embedded catalog structure sits at its own alignment, and its members keep their
    /// catalog offsets relative to it.
    @Test(arguments: [Architecture.x86_32, .x86_64])
    func balloonRequestEmbedsTheCatalogStructure(_ architecture: Architecture) throws {
        let model: any DataModel = architecture == .x86_32 ? X86_32() : X86_64()
        let outer = StructDescription.demo_balloon_request.layout(model)
        let inner = StructDescription.xen_memory_reservation.layout(model)
        let at = architecture == .x86_32 ? 4 : 8  // after uint16_t flags, at the reservation's alignment
        for field in inner.fields {
            let embedded = try #require(outer.field("reservation." + field.path))
            #expect(embedded.offset == at + field.offset && embedded.size == field.size)
        }
        let target = try #require(outer.field("target_pages"))
        // x86_32: 4 + 20 = 24 (uint64_t 4-aligned), size 32, align 4; x86_64: 8 + 32 = 40, size 48, align 8.
        #expect(target.offset == (architecture == .x86_32 ? 24 : 40))
        #expect(outer.size == (architecture == .x86_32 ? 32 : 48))
        #expect(outer.alignment == inner.alignment)
    }
}
