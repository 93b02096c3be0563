import Testing
import XenInterface
import ABI32
import ABI64
import XenCompat

/// Typed values through both ABIs and the compat translation.
@Suite struct TypedStructuresTests {
    @Test func multicallEntryKeepsNegativeResultsInBothABIs() throws {
        let entry = MulticallEntry(op: 1, result: -22, args: [1, 2, 3, 4, 5, 6])
        let small = try entry.encode(X86_32())
        let large = try entry.encode(X86_64())
        #expect(small.count == 32 && large.count == 64)
        #expect(Array(small[4..<8]) == [0xea, 0xff, 0xff, 0xff])
        #expect(try MulticallEntry.decode(small, X86_32()) == entry)
        #expect(try MulticallEntry.decode(large, X86_64()) == entry)
        #expect(try CompatCatalog.translator("multicall_entry").toNative(small) == large)
    }

    @Test func reservationTooLargeForI386IsAnError() throws {
        let reservation = MemoryReservation(extentStart: 0x1_0000_0000, nrExtents: 1, domid: 0x7ff0)
        #expect(throws: ABIError.valueOutOfRange(structure: "xen_memory_reservation", field: "extent_start",
                                                 value: 0x1_0000_0000, bytes: 4)) {
            try reservation.encode(X86_32())
        }
        let fits = MemoryReservation(extentStart: 0x8000, nrExtents: 16, extentOrder: 9, domid: 0x7ff0)
        #expect(try MemoryReservation.decode(try fits.encode(X86_32()), X86_32()) == fits)
        #expect(try MemoryReservation.decode(try fits.encode(X86_64()), X86_64()) == fits)
    }

    @Test func runstateAndMMUStructuresRoundTrip() throws {
        let runstate = VCPURunstateInfo(state: 2, stateEntryTime: 123_456_789, time: [1, 2, 3, 4])
        let bytes32 = try runstate.encode(X86_32())
        #expect(bytes32.count == 44)
        let native = try CompatCatalog.translator("vcpu_runstate_info").toNative(bytes32)
        #expect(try VCPURunstateInfo.decode(native, X86_64()) == runstate)
        let update = MMUUpdate(ptr: 0x1_2345_6001, val: 0x8000_0000_0000_0067)
        #expect(try update.encode(X86_32()) == update.encode(X86_64()))
        let op = MMUExtOp(cmd: 17, arg1: 0x1234, arg2: 0x5678)  // MMUEXT_COPY_PAGE
        #expect(try MMUExtOp.decode(try op.encode(X86_32()), X86_32()) == op)
        #expect(try MMUExtOp.decode(try op.encode(X86_64()), X86_64()) == op)
    }
}
