import CPUIDProbe
import Testing
import XenSystem
import XenSystemTesting

@Suite struct CPUIDSourceTests {
    static func devcpu(answer: @escaping @Sendable (UInt64, Int) -> [UInt8]) -> RecordingSystem {
        let s = RecordingSystem()
        s.devices["/dev/cpu/1/cpuid"] = answer
        return s
    }

    @Test func devcpuReadsSixteenBytesAtLeafAndSubleafOffset() throws {
        let s = Self.devcpu { offset, count in
            // Little-endian eax..edx: eax = low 32 bits of the offset, edx = high 32 bits.
            let leaf = UInt32(truncatingIfNeeded: offset), sub = UInt32(truncatingIfNeeded: offset >> 32)
            return [leaf, 0x1122_3344, 0x5566_7788, sub].flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
        }
        let source = try DevCPUSource(cpu: 1, system: s)
        let r = try source.cpuid(leaf: 0x4000_0003, subleaf: 2)
        #expect(r == CPUIDRegisters(eax: 0x4000_0003, ebx: 0x1122_3344, ecx: 0x5566_7788, edx: 2))
        #expect(s.calls.contains(.pread("/dev/cpu/1/cpuid", count: 16, offset: 0x2_4000_0003)))
        #expect(source.name == "devcpu:1")
    }

    @Test func devcpuShortReadIsAnError() throws {
        let source = try DevCPUSource(cpu: 1, system: Self.devcpu { _, _ in [1, 2, 3] })
        #expect(throws: CPUIDSourceError.shortRead(path: "/dev/cpu/1/cpuid", leaf: 1, subleaf: 0, bytes: 3)) {
            try source.cpuid(leaf: 1, subleaf: 0)
        }
    }

    @Test func devcpuOpenErrorsKeepErrnoAndKind() {
        let s = RecordingSystem()
        s.devices["/dev/cpu/0/cpuid"] = { _, _ in [] }
        s.openErrors["/dev/cpu/0/cpuid"] = .permissionDenied
        do {
            _ = try DevCPUSource(cpu: 0, system: s)
            Issue.record("opened")
        } catch {
            #expect(error.kind == .permission)
            #expect(error.description == "open /dev/cpu/0/cpuid: Permission denied")
        }
        #expect(throws: CPUIDSourceError.self) { try DevCPUSource(cpu: 7, system: s) }
    }

    @Test func devcpuClosesItsDescriptor() throws {
        let s = Self.devcpu { _, _ in [UInt8](repeating: 0, count: 16) }
        do { _ = try DevCPUSource(cpu: 1, system: s) }
        #expect(s.calls.last == .close("/dev/cpu/1/cpuid"))
    }

    @Test func countingSourceCountsOnlyCompletedInstructions() {
        let c = CountingCPUID(FaultingSource())
        _ = try? c.cpuid(leaf: 0x4000_0000, subleaf: 0)
        #expect(c.executions == 0 && c.faults == 1)
    }

    @Test(arguments: [("native", SourceSpecification.native), ("pv", .pv), ("devcpu", .devcpu(cpu: 0)),
                      ("devcpu:3", .devcpu(cpu: 3)), ("dump:/tmp/x", .dump(path: "/tmp/x"))])
    func sourceSpecifications(text: String, expected: SourceSpecification) throws {
        #expect(try SourceSpecification(parsing: text) == expected)
    }

    @Test(arguments: ["", "devcpu:", "devcpu:-1", "devcpu:x", "dump:", "Native", "devcpu:99999999999"])
    func badSourceSpecifications(text: String) {
        #expect(throws: SourceSpecification.ParseError.self) { try SourceSpecification(parsing: text) }
    }
}
