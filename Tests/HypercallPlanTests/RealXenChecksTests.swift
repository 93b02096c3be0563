import Testing
@testable import HypercallPlan

/// The checks over results recorded in Xen 4.17 (the plans of `abi plan`), and over copies
/// altered the way a wrong layout or a wrong marshaling would show up.
@Suite struct RealXenChecksTests {
    private func recorded(_ abi: String) throws -> String {
        try fixture("xen-4.17-pvh-dom0.results-\(abi).txt")
    }

    private func verdicts(_ text32: String, _ text64: String) throws -> [CheckVerdict] {
        var checks = RealXenChecks(results32: try GuestResults(parsing: text32),
                                   results64: try GuestResults(parsing: text64))
        return checks.run()
    }

    private func failures(_ text32: String, _ text64: String) throws -> [String] {
        try verdicts(text32, text64).filter { !$0.passed }.map(\.name)
    }

    /// Replaces the hex of buffer `index` of call `call` by `transform(hex)`.
    private func alter(_ text: String, call: Int, buffer: Int, _ transform: (String) -> String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let prefix = "buffer call=\(call) index=\(buffer) "
            guard line.hasPrefix(prefix), let range = line.range(of: "hex=") else { return String(line) }
            return String(line[..<range.upperBound]) + transform(String(line[range.upperBound...]))
        }.joined(separator: "\n")
    }

    /// Overwrites the byte at `offset` of a hex string.
    private func poke(_ hex: String, _ offset: Int, _ byte: String) -> String {
        var chars = Array(hex)
        chars.replaceSubrange((2 * offset)..<(2 * offset + 2), with: Array(byte))
        return String(chars)
    }

    @Test func everyCheckPassesOnTheRecording() throws {
        let all = try verdicts(try recorded("32"), try recorded("64"))
        #expect(all.count > 60)
        #expect(all.filter { !$0.passed }.map(\.line) == [])
        #expect(all.contains { $0.name == "abi64 vcpu_op.get_runstate_info vcpu_runstate_info extent" })
        #expect(all.contains { $0.name.hasSuffix("compat translation") })
    }

    @Test func aWritePastTheLayoutFails() throws {
        // Call 8 is get_runstate_info, buffer 6 its runstate: byte 48 is past the 64-bit layout.
        let text = alter(try recorded("64"), call: 8, buffer: 6) { poke($0, 48, "00") }
        #expect(try failures(try recorded("32"), text) == ["abi64 vcpu_op.get_runstate_info vcpu_runstate_info extent"])
    }

    @Test func aStructureShorterThanTheLayoutFails() throws {
        // If Xen had written only 36 of the 44 bytes (a layout without time[3]), its bytes would still be sentinel.
        let text = alter(try recorded("32"), call: 8, buffer: 6) { hex in
            (36..<44).reduce(hex) { poke($0, $1, "a5") }
        }
        #expect(try failures(text, try recorded("64")).contains("abi32 vcpu_op.get_runstate_info vcpu_runstate_info extent"))
    }

    @Test func theDocumentedVirtStartIsRequired() throws {
        let text = alter(try recorded("64"), call: 5, buffer: 4) { poke($0, 7, "7f") }
        #expect(try failures(try recorded("32"), text)
                .contains("abi32/abi64 xen_version.platform_parameters virt_start by design"))
    }

    @Test func differingMemoryMapsFail() throws {
        // Call 9's records (buffer 8): change the type of the first e820 entry in one guest.
        let text = alter(try recorded("32"), call: 9, buffer: 8) { poke($0, 16, "07") }
        #expect(try failures(text, try recorded("64")) == ["abi32/abi64 memory_op.memory_map records agree"])
    }

    @Test func resultsOfTheWrongABIFail() throws {
        #expect(try failures(try recorded("64"), try recorded("64")).contains("abi32 guest"))
    }

    @Test func nonZeroPaddingFails() throws {
        let text = alter(try recorded("64"), call: 8, buffer: 6) { poke($0, 5, "01") }
        #expect(try failures(try recorded("32"), text) == ["abi64 vcpu_op.get_runstate_info vcpu_runstate_info padding"])
    }
}
