import Testing
import XenInterface
@testable import ABI32

@Suite struct Registers32Tests {
    func marshal(_ name: String, _ arguments: [UInt64]) throws -> [String] {
        let hypercall = try #require(HypercallSignature.named(name))
        return try Registers32.marshal(hypercall, arguments).map { "\($0.register)=\(String($0.value, radix: 16))" }
    }

    @Test func updateVaMappingSplitsThePteOverEcxAndEdx() throws {
        #expect(try marshal("update_va_mapping", [0xc000_0000, 0x8000_0001_2345_6067, 2])
                == ["eax=e", "ebx=c0000000", "ecx=23456067", "edx=80000001", "esi=2"])
    }

    @Test func otherDomainUsesAllFiveRegisters() throws {
        #expect(try marshal("update_va_mapping_otherdomain", [0x1000, 0x1_0000_0063, 0, 0x7ff0])
                == ["eax=16", "ebx=1000", "ecx=63", "edx=1", "esi=0", "edi=7ff0"])
    }

    @Test func setTimerOpAndUpdateDescriptorSplitEveryWideArgument() throws {
        #expect(try marshal("set_timer_op", [0x1_2345_6789]) == ["eax=f", "ebx=23456789", "ecx=1"])
        #expect(try marshal("update_descriptor", [0x1_0000_2000, 0x00cf_9a00_0000_ffff])
                == ["eax=a", "ebx=2000", "ecx=1", "edx=ffff", "esi=cf9a00"])
    }

    @Test func plainCallsUseEbxEcxEdx() throws {
        #expect(try marshal("xen_version", [0, 0]) == ["eax=11", "ebx=0", "ecx=0"])
        #expect(try marshal("grant_table_op", [2, 0x8000, 1]) == ["eax=14", "ebx=2", "ecx=8000", "edx=1"])
    }

    @Test func negativeIntArgumentsAreTwosComplementAndWideWordsAreRejected() throws {
        #expect(try marshal("sched_op", [UInt64(bitPattern: -1), 0]) == ["eax=1d", "ebx=ffffffff", "ecx=0"])
        let memoryOp = try #require(HypercallSignature.named("memory_op"))
        #expect(throws: ABIError.self) { try Registers32.marshal(memoryOp, [0x1_0000_0000, 0]) }
        #expect(throws: ABIError.self) { try Registers32.marshal(memoryOp, [1]) }
        #expect(ABIError.badArgument("x").kind == .badInput)
    }

    @Test func resultIsSignExtendedFromEax() {
        #expect(Registers32.result(eax: 0xffff_ffea).errno == .EINVAL)
        #expect(Registers32.result(eax: 0xffff_ffda).errno == .ENOSYS)
        #expect(Registers32.result(eax: 0x4_0011).value == 0x4_0011)
        #expect(Registers32.result(eax: 0x8000_0000).value == Int64(Int32.min))
    }

    @Test func setCallbacksHasTheI386Selectors() throws {
        #expect(try marshal("set_callbacks", [0x61, 0xc010_0000, 0x61, 0xc010_0100]).count == 5)
        #expect(throws: ABIError.self) { try marshal("set_segment_base", [0, 0]) }
    }
}
