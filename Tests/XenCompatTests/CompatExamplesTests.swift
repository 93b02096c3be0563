import Testing
import XenInterface
@testable import XenCompat

/// Hand-worked examples: the bytes Xen's compat layer would produce, written out.
@Suite struct CompatExamplesTests {
    func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    @Test func runstateInfoMovesTimesFromOffset4To8AndSignExtendsState() throws {
        let translator = try CompatCatalog.translator("vcpu_runstate_info")
        #expect(translator.compat.size == 44 && translator.native.size == 48)
        // state = -1 (int), state_entry_time = 0x1122334455667788, time[] = 1, 2, 3, 4.
        let compat = le(0xffff_ffff, 4) + le(0x1122_3344_5566_7788, 8) + [1, 2, 3, 4].flatMap { le($0, 8) }
        let native = try translator.toNative(compat)
        #expect(native == le(0xffff_ffff, 4) + le(0, 4) + le(0x1122_3344_5566_7788, 8) + [1, 2, 3, 4].flatMap { le($0, 8) })
        #expect(try translator.toCompat(native) == compat)
    }

    @Test func multicallResultIsSignExtendedAndArgsZeroExtended() throws {
        let translator = try CompatCatalog.translator("multicall_entry")
        #expect(translator.compat.size == 32 && translator.native.size == 64)
        // op = 1 (mmu_update), result = -EINVAL (0xffffffea), args = 0x80000000, 1, 2, 3, 4, 5.
        let compat = le(1, 4) + le(0xffff_ffea, 4) + [0x8000_0000, 1, 2, 3, 4, 5].flatMap { le($0, 4) }
        let native = try translator.toNative(compat)
        #expect(native == le(1, 8) + le(UInt64(bitPattern: -22), 8) + [0x8000_0000, 1, 2, 3, 4, 5].flatMap { le($0, 8) })
        #expect(try translator.toCompat(native) == compat)
    }

    @Test func multicallArgumentWiderThan32BitsIsRejectedWithERANGE() throws {
        let translator = try CompatCatalog.translator("multicall_entry")
        var native = [UInt8](repeating: 0, count: 64)
        native[16 + 4] = 1  // args[0] = 1 << 32
        #expect(throws: ABIError.unrepresentable(structure: "multicall_entry", field: "args", value: 1 << 32,
                                                 errno: .ERANGE, xen: translator.xenNarrowing(of: "args"))) {
            try translator.toCompat(native)
        }
        // A result of 2^31 is neither a negative errno nor a 32-bit positive long: rejected too.
        var result = [UInt8](repeating: 0, count: 64)
        result[8 + 3] = 0x80
        #expect(throws: ABIError.self) { try translator.toCompat(result) }
    }

    @Test func reservationCountThatOverflowsIsRejected() throws {
        let translator = try CompatCatalog.translator("xen_memory_reservation")
        var value = StructValue()
        value["nr_extents"] = 0x1_0000_0000
        let native = try translator.native.encode(value)
        #expect(throws: ABIError.unrepresentable(structure: "xen_memory_reservation", field: "nr_extents",
                                                 value: 0x1_0000_0000, errno: .ERANGE,
                                                 xen: translator.xenNarrowing(of: "nr_extents"))) {
            try translator.toCompat(native)
        }
        value["nr_extents"] = 0xffff_ffff
        let fits = try translator.toCompat(try translator.native.encode(value))
        #expect(try translator.compat.decode(fits)["nr_extents"] == 0xffff_ffff)
    }

    @Test func mmuextOpCarriesArg2AsItsWidestMember() throws {
        let translator = try CompatCatalog.translator("mmuext_op")
        #expect(translator.compat.size == 12 && translator.native.size == 24)
        let arg2 = try #require(translator.moves.first { $0.path.hasPrefix("arg2.") })
        #expect(arg2.nativeWidth == 8)
        var value = StructValue()
        value["arg1.mfn"] = 0x1_2345_6789
        #expect(throws: ABIError.self) { try translator.toCompat(try translator.native.encode(value)) }
    }

    @Test func cpuUserRegsMapsEaxToRaxAndRejectsHighRegisters() throws {
        let translator = try CompatCatalog.translator("cpu_user_regs")
        var compat = StructValue()
        compat["eax"] = 0xdead_beef
        compat["eflags"] = 0x202
        compat["cs"] = 0x61
        let native = try translator.native.decode(try translator.toNative(try translator.compat.encode(compat)))
        #expect(native["rax"] == 0xdead_beef && native["rflags"] == 0x202 && native["cs"] == 0x61)
        var high = StructValue()
        high["r8"] = 1
        #expect(throws: ABIError.unrepresentable(structure: "cpu_user_regs", field: "r8", value: 1, errno: .ERANGE,
                                                 xen: translator.xenNarrowing(of: "r8"))) {
            try translator.toCompat(try translator.native.encode(high))
        }
    }

    @Test func batchesTranslateEveryEntryAndShortBatchesFail() throws {
        let translator = try CompatCatalog.translator("multicall_entry")
        let one = le(17, 4) + le(0, 4) + [1, 2, 3, 4, 5, 6].flatMap { le($0, 4) }
        let native = try translator.toNative(batch: one + one + one, count: 3)
        #expect(native.count == 3 * 64)
        #expect(try translator.toCompat(batch: native, count: 3) == one + one + one)
        #expect(throws: ABIError.shortBuffer(structure: "multicall_entry", needed: 96, got: 95)) {
            try translator.toNative(batch: Array((one + one + one).dropLast()), count: 3)
        }
    }

    @Test func singleStructureLengthsAreChecked() throws {
        let translator = try CompatCatalog.translator("trap_info")
        #expect(throws: ABIError.wrongLength(structure: "trap_info", expected: 8, got: 7)) {
            try translator.toNative([UInt8](repeating: 0, count: 7))
        }
        #expect(throws: ABIError.self) { try CompatCatalog.translator("no_such_struct") }
    }

    @Test func reusedBuffersGetTheirPaddingZeroed() throws {
        let translator = try CompatCatalog.translator("mmuext_op")
        let compat = le(5, 4) + le(0x1234, 4) + le(7, 4)
        var dirty = [UInt8](repeating: 0xaa, count: 2 * translator.native.size)
        try translator.toNative(batch: compat + compat, count: 2, into: &dirty)
        let once = try translator.toNative(compat)
        #expect(Array(dirty[0..<24]) == once && Array(dirty[24..<48]) == once)
        #expect(once == le(5, 4) + le(0, 4) + le(0x1234, 8) + le(7, 8))
        var small = [UInt8](repeating: 0, count: 10)
        #expect(throws: ABIError.self) { try translator.toNative(batch: compat, count: 1, into: &small) }
    }

    @Test func absurdCountsAreErrorsNotTraps() throws {
        let translator = try CompatCatalog.translator("multicall_entry")
        for count in [-1, Int.max, Int.max / 32, Int.max / 64 + 1] {
            #expect(throws: ABIError.self) { try translator.toNative(batch: [], count: count) }
            #expect(throws: ABIError.self) { try translator.toCompat(batch: [], count: count) }
        }
        #expect(try translator.toNative(batch: [], count: 0) == [])
    }

    @Test func namedPadMembersAreCarriedSoXenStillSeesThem() throws {
        let translator = try CompatCatalog.translator("xen_hvm_altp2m_set_mem_access_multi")
        var compat = StructValue()
        compat["pad"] = 0xbeef
        compat["nr"] = 3
        let native = try translator.native.decode(try translator.toNative(try translator.compat.encode(compat)))
        #expect(native["pad"] == 0xbeef && native["nr"] == 3)
    }
}
