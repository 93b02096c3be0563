import ABI32
import ABI64
import GuestDriver
import Testing
import XenCompat
import XenInterface
import XenSystem

/// Xen's compat translation of structures recorded in real Xen: the buffers Xen 4.20 wrote for the
/// 32-bit and the 64-bit PVH test guests of the xen-detect package, copied from its
/// Tests/HypercallPlanTests/Fixtures/xen-4.20-pvh-dom0.results-32.txt and -64.txt (the `buffer`
/// lines of `vcpu_op.get_runstate_info` and `memory_op.memory_map`, without the 0xa5 canary).
@Suite struct CompatTranslationTests {
    /// vcpu_runstate_info (public/vcpu.h) as Xen wrote it for the 32-bit guest: int state,
    /// uint64_t state_entry_time, uint64_t time[4]; 44 bytes, no padding (uint64_t is 4-aligned).
    static let runstate32 = "00000000" + "21b48db20a000000"
        + "2f8aa80600000000" + "03c7f80100000000" + "0000000000000000" + "3d10839e07000000"
    /// The same structure as Xen wrote it for the 64-bit guest: 48 bytes, 4 of padding after state.
    static let runstate64 = "00000000" + "00000000" + "0e2953af0a000000"
        + "432e4c0900000000" + "6037f80300000000" + "0000000000000000" + "a084649a07000000"
    /// xen_memory_map (public/memory.h) as the 64-bit guest passed it and Xen updated it:
    /// nr_entries 11 (Xen's count of E820 entries), 4 bytes of padding, the buffer handle 0x110900.
    static let memoryMap64 = "0b000000" + "00000000" + "0009110000000000"

    @Test func runstateFrom32BitGuestToNative() throws {
        let compat = try #require(bytes(hex: Self.runstate32))
        let translator = try CompatTranslator(.vcpu_runstate_info)
        #expect(translator.compat.size == 44 && translator.native.size == 48)

        let native = try translator.toNative(compat)
        // state, then 4 zero bytes of native padding, then the five uint64_t unchanged.
        #expect(native == Array(compat[0..<4]) + [0, 0, 0, 0] + Array(compat[4...]))
        let values = try StructDescription.vcpu_runstate_info.layout64.decodeExactly(native)
        #expect(values["state"] == 0)  // RUNSTATE_running: the vCPU that made the call
        #expect(values["state_entry_time"] == 0x0a_b28d_b421)
        #expect(values.fields["time"] == [0x06a8_8a2f, 0x01f8_c703, 0, 0x07_9e83_103d])
    }

    @Test func runstateFromNativeTo32BitGuest() throws {
        let native = try #require(bytes(hex: Self.runstate64))
        let translator = try CompatTranslator(.vcpu_runstate_info)
        let compat = try translator.toCompat(native)
        #expect(compat == Array(native[0..<4]) + Array(native[8...]))
        // Decoded in either layout, the values are the same.
        #expect(try StructDescription.vcpu_runstate_info.layout32.decodeExactly(compat)
                == StructDescription.vcpu_runstate_info.layout64.decodeExactly(native))
    }

    @Test func memoryMapFromNativeTo32BitGuest() throws {
        let native = try #require(bytes(hex: Self.memoryMap64))
        let compat = try CompatTranslator(.xen_memory_map).toCompat(native)
        // uint nr_entries, then the handle in 4 bytes: the layout the 32-bit guest recorded
        // (0b000000 00991000 there, its own buffer at 0x109900).
        #expect(compat == [0x0b, 0, 0, 0, 0x00, 0x09, 0x11, 0x00])
    }

    /// A 64-bit buffer above 4 GiB cannot be named by a 32-bit guest's handle: the strict policy
    /// (xen-detect's, and the default) refuses it with -ERANGE rather than truncating it. Xen
    /// itself never writes this handle back (its XLAT_memory_map hook for it does nothing).
    @Test func memoryMapBufferAbove4GiBIsRefused() throws {
        var native = try #require(bytes(hex: Self.memoryMap64))
        native[12] = 0x01  // buffer = 0x1_0011_0900
        let translator = try CompatTranslator(.xen_memory_map)
        #expect(throws: ABIError.self) { try translator.toCompat(native) }
        do {
            _ = try translator.toCompat(native)
        } catch {
            guard case let .unrepresentable(structure, field, value, errno, xen) = error else {
                Issue.record("expected .unrepresentable, got \(error)")
                return
            }
            #expect(structure == "xen_memory_map" && field == "buffer" && value == 0x1_0011_0900)
            #expect(errno == .ERANGE && errno.rawValue == 34)
            #expect(errno == CompatTranslator.unrepresentableErrno)
            #expect(!xen.refuses)  // Xen would not have refused: this is the project's policy
            #expect(error.kind == .badInput)
        }
        // Xen's own behaviour, asked for explicitly, keeps the low 32 bits.
        #expect(try translator.toCompat(native, narrowing: .xen) == [0x0b, 0, 0, 0, 0x00, 0x09, 0x11, 0x00])
    }

    /// The driver's own structure: a round trip keeps every value (sector is 64 bits in both ABIs),
    /// and a 64-bit backend's nr_frames above 2^32 - 1 cannot reach a 32-bit frontend.
    @Test func ringRequestOfTheDriver() throws {
        let translator = try CompatTranslator(.demo_ring_request)
        let fits = StructValue(["id": [7], "sector": [0x1_2345_6789], "nr_frames": [16], "frames": [0x10_9000],
                                "flags": [1], "pad": [0, 0], "cookie": [0xfeed_f00d_cafe_beef]])
        let compat = try translator.compat.encode(fits)
        let native = try translator.toNative(compat)
        #expect(try translator.native.decodeExactly(native) == fits)
        #expect(try translator.toCompat(native) == compat)

        var tooWide = fits
        tooWide["nr_frames"] = 0x1_0000_0000
        #expect(throws: ABIError.unrepresentable(structure: "demo_ring_request", field: "nr_frames",
                                                 value: 0x1_0000_0000, errno: .ERANGE,
                                                 xen: translator.xenNarrowing(of: "nr_frames"))) {
            try translator.toCompat(try translator.native.encode(tooWide))
        }
    }
}
