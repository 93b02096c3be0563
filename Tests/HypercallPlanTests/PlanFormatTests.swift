import Testing
import XenInterface
@testable import HypercallPlan

/// A small plan with every kind of record: two calls, a pointer argument, a relocation.
private func samplePlan(_ abi: Architecture) -> HypercallPlan {
    var plan = HypercallPlan(abi: abi)
    let map = plan.addBuffer(PlanBuffer(size: 32, input: [16, 0, 0, 0]))
    let entries = plan.addBuffer(PlanBuffer(size: 336))
    plan.relocations.append(PlanRelocation(buffer: map, offset: abi.pointerWidth, target: entries,
                                           width: abi.pointerWidth))
    plan.calls.append(PlanCall(op: 12, label: "memory_op.memory_map",
                               arguments: [.value(9), .pointer(buffer: map)], buffers: map..<(entries + 1)))
    plan.calls.append(PlanCall(op: 17, label: "xen_version.version", arguments: [.value(0), .value(0)]))
    return plan
}

private func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * $1) }
}

@Suite struct PlanFormatTests {
    @Test(arguments: Architecture.allCases)
    func headerFieldsSitWhereTheGuestReadsThem(abi: Architecture) throws {
        let bytes = try samplePlan(abi).encoded()
        #expect(Array(bytes[0..<4]) == Array("XDPL".utf8))
        #expect(bytes[4] == 2 && bytes[5] == 0)
        #expect(bytes[6] == abi.planByte)
        #expect(bytes[7] == HypercallPlan.defaultSentinel)
        #expect(u32(bytes, 8) == 2 && u32(bytes, 12) == 2 && u32(bytes, 16) == 1)
        #expect(u32(bytes, 20) == UInt32(bytes.count))
        // header + 2 calls + 1 relocation + 2 buffer records (16 bytes in version 2) + 8 bytes of padded input
        #expect(bytes.count == 32 + 2 * 96 + 16 + 2 * 16 + 8)
        // first call: op, buffer range, argument 1 points into buffer 0, argument 0 is plain
        #expect(u32(bytes, 32) == 12)
        #expect(bytes[36] == 0 && bytes[38] == 2)
        #expect(bytes[40] == 0xff && bytes[41] == 0xff && bytes[42] == 0 && bytes[43] == 0)
        #expect(u32(bytes, 32 + 24) == 9)
        #expect(String(decoding: bytes[(32 + 64)..<(32 + 84)], as: UTF8.self) == "memory_op.memory_map")
        // relocation: width at byte 12
        let rel = 32 + 2 * 96
        #expect(bytes[rel + 12] == UInt8(abi.pointerWidth))
        #expect(u32(bytes, rel + 4) == UInt32(abi.pointerWidth))
    }

    @Test(arguments: Architecture.allCases)
    func decodingGivesBackTheSameBytes(abi: Architecture) throws {
        let bytes = try samplePlan(abi).encoded()
        let decoded = try HypercallPlan(decoding: bytes)
        #expect(decoded.abi == abi)
        #expect(decoded.calls.map(\.label) == ["memory_op.memory_map", "xen_version.version"])
        #expect(decoded.buffers[0].input == [16, 0, 0, 0])
        #expect(try decoded.encoded() == bytes)
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let bytes = try samplePlan(.x86_32).encoded()
        for n in 0..<bytes.count {
            #expect(throws: PlanError.self) { try HypercallPlan(decoding: Array(bytes[0..<n])) }
        }
    }

    @Test func aValueWiderThanA32BitRegisterIsRefusedForABI32() {
        var plan = HypercallPlan(abi: .x86_32)
        plan.calls.append(PlanCall(op: 15, label: "set_timer_op", arguments: [.value(1 << 32)]))
        #expect(throws: PlanError.self) { try plan.encoded() }
        plan.abi = .x86_64
        #expect(throws: Never.self) { try plan.encoded() }
    }

    @Test func relocationWidthMustMatchTheABIsPointers() {
        var plan = samplePlan(.x86_64)
        plan.relocations[0].width = 4
        #expect(throws: PlanError.self) { try plan.encoded() }
    }

    @Test func labelsWithSpacesOrTooLongAreRefused() {
        var plan = HypercallPlan(abi: .x86_64)
        plan.calls.append(PlanCall(op: 17, label: "has space", arguments: []))
        #expect(throws: PlanError.self) { try plan.encoded() }
        plan.calls[0].label = String(repeating: "x", count: 32)
        #expect(throws: PlanError.self) { try plan.encoded() }
    }

    @Test func opsPastTheHypercallPageAreRefused() {
        var plan = HypercallPlan(abi: .x86_64)
        plan.calls.append(PlanCall(op: 128, label: "past", arguments: []))
        #expect(throws: PlanError.self) { try plan.encoded() }
    }
}
