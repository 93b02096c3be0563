import ABI32
import ABI64
import Testing
import XenCompat
import XenInterface

/// The code of "Validate a structure and its compat translation in a unit test" (XenCompat.docc).
@Suite struct ValidateStructureArticleTests {
    @Test func describeOnceLayOutTwice() throws {
        // A request of your own driver's ring, described once as its C header declares it.
        let request = StructDescription("my_ring_request", "my/ring.h", [
            .u16("id"), .u8("operation"), .u8("nr_segments"),
            .xenUlong("sector"),
            .handle("buffer"),
        ])
        let layout32 = request.layout32   // ABI32: the x86_32 data model
        let layout64 = request.layout64   // ABI64: the x86_64 data model
        #expect(layout32.size == 12 && layout64.size == 24)
        #expect(layout32.field("sector")?.offset == 4 && layout64.field("sector")?.offset == 8)
        #expect(layout32.field("buffer")?.offset == 8 && layout64.field("buffer")?.offset == 16)
    }

    @Test func catalogStructures() throws {
        // Xen's own structures are in the catalog, their layouts proven against Xen's headers with gcc.
        let runstate = StructDescription.vcpu_runstate_info   // public/vcpu.h
        #expect(runstate.layout32.size == 44 && runstate.layout64.size == 48)
        #expect(runstate.layout32.field("state_entry_time")?.offset == 4)
        #expect(runstate.layout64.field("state_entry_time")?.offset == 8)
        #expect(Catalog.structure("vcpu_runstate_info")?.name == "vcpu_runstate_info")
    }

    @Test func translateBothWays() throws {
        let translator = try CompatCatalog.translator("vcpu_runstate_info")
        var value = StructValue()
        value["state"] = 1                         // RUNSTATE_runnable
        value["state_entry_time"] = 0x1122_3344_5566_7788
        let compat = try translator.compat.encode(value)  // the 44 bytes a 32-bit guest writes
        let native = try translator.toNative(compat)      // the 48 bytes Xen's native code reads
        #expect(try translator.native.decode(native)["state_entry_time"] == 0x1122_3344_5566_7788)
        #expect(try translator.toCompat(native) == compat)
    }

    @Test func aValueThatDoesNotFitIsRefused() throws {
        let translator = try CompatCatalog.translator("xen_memory_reservation")
        var value = StructValue()
        value["nr_extents"] = 0x1_0000_0000              // needs 33 bits; compat has 32
        let native = try translator.native.encode(value)
        #expect(throws: ABIError.self) { try translator.toCompat(native) }
        do {
            _ = try translator.toCompat(native)
        } catch {
            guard case .unrepresentable(_, let field, _, let errno, _) = error else { throw error }
            #expect(field == "nr_extents" && errno == .ERANGE)
        }
        // Xen itself keeps the low 32 bits here; `.xen` does what Xen does.
        let truncated = try translator.toCompat(native, narrowing: .xen)
        #expect(try translator.compat.decode(truncated)["nr_extents"] == 0)
    }

    @Test func yourOwnStructureTranslates() throws {
        let request = StructDescription("my_ring_request", "my/ring.h", [
            .u16("id"), .u8("operation"), .u8("nr_segments"),
            .xenUlong("sector"),
            .handle("buffer"),
        ])
        let translator = try CompatTranslator(request)
        var value = StructValue()
        value["id"] = 7
        value["sector"] = 0xffff_ffff
        let native = try translator.toNative(try translator.compat.encode(value))
        #expect(try translator.native.decode(native)["sector"] == 0xffff_ffff)
        value["sector"] = 0x1_0000_0000
        #expect(throws: ABIError.self) { try translator.toCompat(try translator.native.encode(value)) }
    }

    @Test func marshalRegistersForBothABIs() throws {
        let memoryOp = HypercallSignature.all.first { $0.hypercall == .memory_op }!
        let arguments: [UInt64] = [UInt64(XENMEM.maximum_ram_page), 0]
        let registers32 = try Registers32.marshal(memoryOp, arguments)
        let registers64 = try Registers64.marshal(memoryOp, arguments)
        #expect(registers32 == [RegisterValue("eax", 12), RegisterValue("ebx", 2), RegisterValue("ecx", 0)])
        #expect(registers64 == [RegisterValue("rax", 12), RegisterValue("rdi", 2), RegisterValue("rsi", 0)])
        // A return value too large for a negative errno is a value; -22 is -EINVAL.
        #expect(Registers32.result(eax: 0xffff_ffea).errno == .EINVAL)
        #expect(Registers64.result(rax: 0x8_0000).value == 0x8_0000)
    }
}
