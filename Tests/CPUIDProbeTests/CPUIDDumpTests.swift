import CPUIDProbe
import Testing
import XenSystem

@Suite struct CPUIDDumpTests {
    @Test func parsesThisMachinesRecording() throws {
        let dump = try CPUIDDump(parsing: try Fixture.text("kvm-epyc-host.cpuid"))
        #expect(dump.cpus.count == 2)
        #expect(dump.cpus[0].label == "CPU 0")
        let source = dump.source(name: "kvm")!
        let kvm = try source.cpuid(leaf: 0x4000_0000, subleaf: 0)
        #expect(kvm == CPUIDRegisters(eax: 0x4000_0001, ebx: 0x4b4d_564b, ecx: 0x564b_4d56, edx: 0x0000_004d))
        // Sub-leaf 0x0b of leaf 0x0d is recorded on its own.
        #expect(try source.cpuid(leaf: 0xd, subleaf: 0xb).eax == 0x10)
    }

    @Test func formatRoundTrips() throws {
        let r = CPUIDRegisters(eax: 0x4000_0005, ebx: 0x566e_6558, ecx: 0x6558_4d4d, edx: 0x4d4d_566e)
        let line = CPUIDDump.formatLine(leaf: 0x4000_0000, subleaf: 0, r)
        #expect(line == "   0x40000000 0x00: eax=0x40000005 ebx=0x566e6558 ecx=0x65584d4d edx=0x4d4d566e")
        let back = try CPUIDDump(parsing: "CPU:\n" + line + "\n")
        #expect(back.cpus[0].leaves.first?.registers == r)
    }

    @Test(arguments: [
        ("", CPUIDDumpError.empty),
        ("CPU 0:\n", .empty),
        ("# nothing but a comment\n", .empty),
        ("   0x40000000 0x00: eax=0x40000001 ebx=0x4b4d", .syntax(line: 1, reason: "expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got 4 fields")),
        ("CPU 0:\n   0x40000000 0x00 eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", .syntax(line: 2, reason: "sub-leaf must be followed by ':'")),
        ("   0x4000000g 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", .syntax(line: 1, reason: "leaf and sub-leaf must be 0x-prefixed 32-bit hex numbers")),
        ("   0x140000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", .syntax(line: 1, reason: "leaf and sub-leaf must be 0x-prefixed 32-bit hex numbers")),
        ("   0x40000000 0x00: eax=0x1 ebx=0x2 edx=0x3 ecx=0x4", .syntax(line: 1, reason: "expected ecx=0x<hex>, got 'edx=0x3'")),
        ("   0x40000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=", .syntax(line: 1, reason: "expected edx=0x<hex>, got 'edx='")),
        ("CPU zero:\n", .syntax(line: 1, reason: "expected 'CPU:' or 'CPU N:'")),
        ("CPU 0\n", .syntax(line: 1, reason: "a CPU header must end with ':'")),
        ("   0x1 0x0: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4\n   0x1 0x0: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", .duplicate(line: 2, leaf: 1, subleaf: 0)),
        ("\u{0}\u{1}garbage", .syntax(line: 1, reason: "expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got 1 fields")),
    ])
    func rejectsBadDumps(text: String, expected: CPUIDDumpError) {
        #expect(throws: expected) { try CPUIDDump(parsing: text) }
    }

    @Test func sameLeafInTwoCPUsIsNotADuplicate() throws {
        let line = "   0x00000001 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4"
        let dump = try CPUIDDump(parsing: "CPU 0:\n\(line)\nCPU 1:\n\(line)\n")
        #expect(dump.cpus.count == 2)
    }

    @Test func outOfOrderLeavesAreAccepted() throws {
        let dump = try CPUIDDump(parsing: """
               0x40000001 0x00: eax=0x00040011 ebx=0x0 ecx=0x0 edx=0x0
               0x40000000 0x00: eax=0x40000002 ebx=0x566e6558 ecx=0x65584d4d edx=0x4d4d566e
            """)
        #expect(try dump.source(name: "t")!.cpuid(leaf: 0x4000_0001, subleaf: 0).eax == 0x0004_0011)
    }

    @Test func absentLeavesReadAsZeroAndLeavesWithoutSubleavesIgnoreECX() throws {
        let table = TableCPUID(entries: [key(0x4000_0001): CPUIDRegisters(eax: 7, ebx: 0, ecx: 0, edx: 0),
                                         key(0xd, 0): .zero, key(0xd, 1): CPUIDRegisters(eax: 1, ebx: 0, ecx: 0, edx: 0)])
        #expect(try table.cpuid(leaf: 0x4000_0100, subleaf: 0) == .zero)
        #expect(try table.cpuid(leaf: 0x4000_0001, subleaf: 5).eax == 7)
        #expect(try table.cpuid(leaf: 0xd, subleaf: 2) == .zero)
    }
}
