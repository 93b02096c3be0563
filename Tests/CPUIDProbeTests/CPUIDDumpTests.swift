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
        // Character.isNumber is true for "٣" and "½": the CPU number must be ASCII decimal.
        ("CPU \u{663}:\n", .syntax(line: 1, reason: "expected 'CPU:' or 'CPU N:'")),
        ("CPU \u{bd}:\n", .syntax(line: 1, reason: "expected 'CPU:' or 'CPU N:'")),
        ("CPU 0\n", .syntax(line: 1, reason: "a CPU header must end with ':'")),
        ("   0x1 0x0: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4\n   0x1 0x0: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", .duplicate(line: 2, leaf: 1, subleaf: 0)),
        // Found by Fuzz/Targets/cpuid-dump.swift: UInt32(_:radix:) takes a sign, the grammar does not.
        ("   0x40000 0x00: eax=0x40000001 ebx=0x4b4d64b ecx=0x55B4d56 edx=0x+00004D", .syntax(line: 1, reason: "expected edx=0x<hex>, got 'edx=0x+00004D'")),
        ("   0x+1 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", .syntax(line: 1, reason: "leaf and sub-leaf must be 0x-prefixed 32-bit hex numbers")),
        ("   0x1 0x-0: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", .syntax(line: 1, reason: "leaf and sub-leaf must be 0x-prefixed 32-bit hex numbers")),
        ("\u{0}\u{1}garbage", .syntax(line: 1, reason: "expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got 1 fields")),
    ])
    func rejectsBadDumps(text: String, expected: CPUIDDumpError) {
        #expect(throws: expected) { try CPUIDDump(parsing: text) }
    }

    /// The byte-level reading of ASCII lines and the Character-level one agree: the same leaf,
    /// spelled with tabs, CRLF, `0X`, short and upper-case digits, trailing blanks, or next to a
    /// non-ASCII comment (which takes the Character-level path), reads as the same registers.
    @Test(arguments: [
        "   0x40000000 0x00: eax=0x40000005 ebx=0x566e6558 ecx=0x65584d4d edx=0x4d4d566e",
        "0x40000000\t0x0:\teax=0x40000005\tebx=0x566E6558 ecx=0X65584D4D edx=0x4d4d566e  ",
        "\t 0X40000000 0x00: eax=0x40000005 ebx=0x566e6558 ecx=0x65584d4d edx=0x4d4d566e\r",
        "# é\n   0x40000000 0x00: eax=0x40000005 ebx=0x566e6558 ecx=0x65584d4d edx=0x4d4d566e \r",
    ])
    func leafLineSpellings(text: String) throws {
        let dump = try CPUIDDump(parsing: text)
        #expect(dump.cpus.count == 1 && dump.cpus[0].leaves.count == 1)
        #expect(dump.cpus[0].leaves.first?.key == TableCPUID.Key(leaf: 0x4000_0000, subleaf: 0))
        #expect(dump.cpus[0].leaves.first?.registers
                == CPUIDRegisters(eax: 0x4000_0005, ebx: 0x566e_6558, ecx: 0x6558_4d4d, edx: 0x4d4d_566e))
    }

    /// Lines the fast path hands on: each error is the Character-level reading's.
    @Test(arguments: [
        ("   0x1 0x0:eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", "expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got 5 fields"),
        ("   0x1 0x0 : eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", "expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got 7 fields"),
        ("   0x1 0x0:: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", "leaf and sub-leaf must be 0x-prefixed 32-bit hex numbers"),
        ("   0x1 0x0: eax=0x1ebx=0x2 ecx=0x3 edx=0x4 x", "expected eax=0x<hex>, got 'eax=0x1ebx=0x2'"),
        ("   0x1 0x0: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4\r\r", "expected edx=0x<hex>, got 'edx=0x4\r'"),
        ("   0x1 0x0: eax=0x1 ebx=0x2 ecx=0x3 edx=0x123456789", "expected edx=0x<hex>, got 'edx=0x123456789'"),
        ("   0x1 0x0: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4\u{301}", "expected edx=0x<hex>, got 'edx=0x4\u{301}'"),
    ])
    func fastPathRejectsAsTheDefinitionDoes(text: String, reason: String) {
        #expect(throws: CPUIDDumpError.syntax(line: 1, reason: reason)) { try CPUIDDump(parsing: text) }
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
