import Testing
import XenInterface
@testable import ABI64

@Suite struct Registers64Tests {
    func marshal(_ name: String, _ arguments: [UInt64]) throws -> [String] {
        let hypercall = try #require(HypercallSignature.named(name))
        return try Registers64.marshal(hypercall, arguments).map { "\($0.register)=\(String($0.value, radix: 16))" }
    }

    @Test func wideArgumentsTakeOneRegister() throws {
        #expect(try marshal("update_va_mapping", [0xffff_8880_0000_0000, 0x8000_0001_2345_6067, 2])
                == ["rax=e", "rdi=ffff888000000000", "rsi=8000000123456067", "rdx=2"])
        #expect(try marshal("set_timer_op", [0x1_2345_6789]) == ["rax=f", "rdi=123456789"])
    }

    @Test func fourthAndFifthArgumentsUseR10AndR8() throws {
        #expect(try marshal("mmu_update", [0x1000, 1, 0, 0x7ff0]) == ["rax=1", "rdi=1000", "rsi=1", "rdx=0", "r10=7ff0"])
        #expect(try marshal("update_va_mapping_otherdomain", [1, 2, 3, 4])
                == ["rax=16", "rdi=1", "rsi=2", "rdx=3", "r10=4"])
        #expect(try marshal("argo_op", [1, 2, 3, 4, 5]).last == "r8=5")
    }

    @Test func argumentCountIsChecked() throws {
        #expect(throws: ABIError.self) { try marshal("xen_version", [0]) }
        #expect(try marshal("set_segment_base", [0, 0x1000]) == ["rax=19", "rdi=0", "rsi=1000"])
    }

    @Test func resultNegativeErrnos() {
        #expect(Registers64.result(rax: UInt64(bitPattern: -22)).errno == .EINVAL)
        #expect(Registers64.result(rax: 0xffff_ffea).value == 0xffff_ffea)  // no sign extension from 32 bits
        #expect(Registers64.result(rax: 0).value == 0)
    }
}
