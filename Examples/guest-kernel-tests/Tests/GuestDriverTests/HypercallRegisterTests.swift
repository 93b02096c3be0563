import ABI32
import ABI64
import Testing
import XenInterface

/// Hypercall registers in both ABIs, with the typed constants of Xen's headers. The register
/// values of memory_op are those the xen-detect package's test guests passed to real Xen 4.20
/// (Tests/HypercallPlanTests/Fixtures/xen-4.20-pvh-dom0.results-32.txt and -64.txt, the
/// `memory_op.current_reservation` call: its argument is the address of a domid_t DOMID_SELF).
@Suite struct HypercallRegisterTests {
    /// The signature of `hypercall`, from the table of public/xen.h's hypercalls.
    static func signature(_ hypercall: HypercallNumber) throws -> HypercallSignature {
        try #require(HypercallSignature.of(hypercall))
    }

    @Test func currentReservationOn64Bit() throws {
        let registers = try Registers64.marshal(try Self.signature(.memory_op),
                                                [UInt64(XENMEM.current_reservation), 0x11_0c00])
        #expect(registers == [RegisterValue("rax", 12), RegisterValue("rdi", 3), RegisterValue("rsi", 0x11_0c00)])
        // Xen answered 0x8000: the domain's 32768 pages.
        #expect(Registers64.result(rax: 0x8000).value == 32768)
    }

    @Test func currentReservationOn32Bit() throws {
        let registers = try Registers32.marshal(try Self.signature(.memory_op),
                                                [UInt64(XENMEM.current_reservation), 0x10_9c00])
        #expect(registers == [RegisterValue("eax", 12), RegisterValue("ebx", 3), RegisterValue("ecx", 0x10_9c00)])
        #expect(Registers32.result(eax: 0x8000).value == 32768)
    }

    /// set_timer_op(uint64_t timeout): one register on x86_64, low then high half on x86_32
    /// (Xen's hypercall-defs.c declares the compat handler with two 32-bit words).
    @Test func sixtyFourBitArgumentTakesTwoRegistersOn32Bit() throws {
        let timeout: UInt64 = 0x0000_0012_3456_789a  // a deadline in ns of Xen system time
        let signature = try Self.signature(.set_timer_op)
        #expect(try Registers64.marshal(signature, [timeout])
                == [RegisterValue("rax", 15), RegisterValue("rdi", timeout)])
        #expect(try Registers32.marshal(signature, [timeout])
                == [RegisterValue("eax", 15), RegisterValue("ebx", 0x3456_789a), RegisterValue("ecx", 0x12)])
    }

    /// update_va_mapping(va, uint64_t val, flags): the PTE's halves land between the two words.
    @Test func wideArgumentBetweenWords() throws {
        let signature = try Self.signature(.update_va_mapping)
        let pte: UInt64 = 0x8000_0001_2345_6067  // NX, frame 0x123456, present|rw|user|accessed|dirty
        #expect(try Registers32.marshal(signature, [0xb800_0000, pte, 2])
                == [RegisterValue("eax", 14), RegisterValue("ebx", 0xb800_0000), RegisterValue("ecx", 0x2345_6067),
                    RegisterValue("edx", 0x8000_0001), RegisterValue("esi", 2)])
    }

    /// A word argument wider than 32 bits cannot be passed by a 32-bit guest.
    @Test func wordTooWideFor32BitIsRefused() throws {
        #expect(throws: ABIError.self) {
            try Registers32.marshal(try Self.signature(.memory_op), [UInt64(XENMEM.current_reservation), 0x1_0000_0000])
        }
    }

    /// The recorded answer to hypercall 63, which Xen 4.20 does not have: -ENOSYS in EAX/RAX.
    @Test func errorsAreXenErrnos() {
        #expect(Registers32.result(eax: 0xffff_ffda).errno == .ENOSYS)
        #expect(Registers64.result(rax: 0xffff_ffff_ffff_ffda).errno == .ENOSYS)
        #expect(Registers64.result(rax: 0xffff_ffff_ffff_ffda).description == "-ENOSYS")
    }
}
