import Testing
@testable import HypercallPage

/// The expected pages, byte for byte against the writers in xen.git RELEASE-4.17.7 (the entries
/// below spell a few out; the whole pages are checked against binutils' encoding).
struct HypercallStubTests {
    @Test func vmxEntryIsMovVmcallRet() {
        // vmx.c: b8 <i32> 0f 01 c1 c3
        #expect(HypercallStub.code(.vmx, index: 17) == [0xb8, 0x11, 0, 0, 0, 0x0f, 0x01, 0xc1, 0xc3])
    }

    @Test func svmEntryIsMovVmmcallRet() {
        // svm.c: b8 <i32> 0f 01 d9 c3
        #expect(HypercallStub.code(.svm, index: 0x7f) == [0xb8, 0x7f, 0, 0, 0, 0x0f, 0x01, 0xd9, 0xc3])
    }

    @Test func pv64EntryPushesRcxR11AroundSyscall() {
        // pv/hypercall.c ring3: 51 | 41 53 | b8 <i32> | 0f 05 | 41 5b | 59 | c3
        #expect(HypercallStub.code(.pv64, index: 2) ==
                [0x51, 0x41, 0x53, 0xb8, 2, 0, 0, 0, 0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3])
    }

    @Test func pv32EntryIsMovInt82Ret() {
        // pv/hypercall.c ring1: b8 <i32> cd 82 c3
        #expect(HypercallStub.code(.pv32, index: 29) == [0xb8, 29, 0, 0, 0, 0xcd, 0x82, 0xc3])
    }

    @Test func iretEntries() {
        #expect(HypercallStub.code(.vmx, index: 23) == [0x0f, 0x0b])
        #expect(HypercallStub.code(.svm, index: 23) == [0x0f, 0x0b])
        #expect(HypercallStub.code(.pv64, index: 23) == [0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05])
        #expect(HypercallStub.code(.pv32, index: 23) == [0x50, 0xb8, 23, 0, 0, 0, 0xcd, 0x82])
    }

    /// Each flavor's whole page against the one binutils assembles from the mnemonics of Xen's
    /// writers (AssembledPage): every entry's encoding, its place, the int3 fill and the iret
    /// entry. The svm page is also what Xen wrote in the stage (RecordedPageTests).
    @Test(arguments: HypercallStubFlavor.allCases)
    func pageEqualsTheOneBinutilsAssembles(_ flavor: HypercallStubFlavor) throws {
        let assembled = try AssembledPage.page(flavor)
        let ours = HypercallStub.expectedPage(flavor)
        #expect(assembled.count == 4096)
        for i in 0..<(4096 / 32) {
            #expect(ours[(i * 32)..<(i * 32 + 32)] == assembled[(i * 32)..<(i * 32 + 32)], "\(flavor) entry \(i)")
        }
        #expect(ours.count == assembled.count)
    }

    @Test func expectedFlavorFollowsVendorAndContext() {
        #expect(HypercallStubFlavor.expected(cpuVendor: "AuthenticAMD", context: .pvh) == .svm)
        #expect(HypercallStubFlavor.expected(cpuVendor: "GenuineIntel", context: .hvm) == .vmx)
        #expect(HypercallStubFlavor.expected(cpuVendor: "GenuineIntel", context: .pv) == .pv64)
        #expect(HypercallStubFlavor.expected(cpuVendor: "TCGTCGTCGTCG", context: .hvm) == nil)
        #expect(HypercallStubFlavor.expected(cpuVendor: "AuthenticAMD", context: nil) == nil)
    }
}
