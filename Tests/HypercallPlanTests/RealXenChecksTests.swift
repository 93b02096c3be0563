import Foundation
import Testing
@testable import HypercallPlan

/// The checks over results recorded in Xen 4.17 and 4.20 (the plans of `abi plan`), and over
/// copies altered the way a wrong layout or a wrong marshaling would show up.
@Suite struct RealXenChecksTests {
    /// The plan-version-2 recording (the whole catalogue) of Xen `release`.
    private func recorded(_ abi: String, xen release: String = "4.17") throws -> String {
        try fixture("xen-\(release)-pvh-dom0.plan2.results-\(abi).txt")
    }

    /// The results with the `xen version=` the guest read replaced by `version`.
    private func claiming(_ version: String, _ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("xen "), let range = line.range(of: #"version=0x[0-9a-f]+"#, options: .regularExpression)
            else { return String(line) }
            return line.replacingCharacters(in: range, with: "version=\(version)")
        }.joined(separator: "\n")
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
        #expect(all.count > 300)
        #expect(all.filter { !$0.passed }.map(\.line) == [])
        #expect(all.contains { $0.name == "abi64 vcpu_op.get_runstate_info vcpu_runstate_info extent" })
        #expect(all.contains { $0.name.hasSuffix("after the NUL") })
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

    @Test func everyCheckPassesOnTheXen420Recording() throws {
        let all = try verdicts(try recorded("32", xen: "4.20"), try recorded("64", xen: "4.20"))
        #expect(all.count > 300)
        #expect(all.filter { !$0.passed }.map(\.line) == [])
        #expect(try GuestResults(parsing: try recorded("64", xen: "4.20")).xenVersion == 0x40014)
    }

    /// Xen 4.18 stopped telling an HVM guest HYPERVISOR_VIRT_START: the release the guests ran on
    /// decides the expectation, and each recording fails the other release's.
    @Test func theVirtStartExpectedIsTheRelease() throws {
        let name = "abi32/abi64 xen_version.platform_parameters virt_start by design"
        // The 32-bit setup_table frame_list is the other expectation the release decides (below).
        #expect(try failures(claiming("0x40011", try recorded("32", xen: "4.20")),
                             claiming("0x40011", try recorded("64", xen: "4.20"))) == [name, Self.frameListWritten])
        #expect(try failures(claiming("0x40012", try recorded("32")), claiming("0x40012", try recorded("64")))
                == [name, Self.frameListUntouched])
        #expect(PlanConstants.hvmVirtStart(.x86_64, xenVersion: 0x40011) == PlanConstants.HYPERVISOR_VIRT_START_x86_64)
        #expect(PlanConstants.hvmVirtStart(.x86_64, xenVersion: 0x40012) == 0)
    }

    static let frameListWritten = "abi32 grant.setup_table frame_list extent"
    static let frameListUntouched = "abi32 grant.setup_table frame_list untouched (Xen 4.18+ compat)"

    /// Xen 4.18 stopped truncating frame numbers in the compat GNTTABOP_setup_table (commit
    /// 1043dfb165): the 32-bit PVH guest's unmapped grant frame (INVALID_GFN) is written up to 4.17
    /// (0xffffffff) and not at all from 4.18, the status still GNTST_okay.
    @Test func theCompatFrameListExpectedIsTheRelease() throws {
        let all = try verdicts(try recorded("32", xen: "4.20"), try recorded("64", xen: "4.20"))
        #expect(all.first { $0.name == Self.frameListUntouched }?.passed == true)
        #expect(!all.contains { $0.name == Self.frameListWritten })
        #expect(try verdicts(try recorded("32"), try recorded("64")).first { $0.name == Self.frameListWritten }?.passed == true)
        // A 4.20 guest given a frame (4.17's truncated one) fails the 4.18+ expectation.
        let given = alter(try recorded("32", xen: "4.20"), call: 38, buffer: 39) { poke(poke(poke(poke($0, 0, "ff"), 1, "ff"), 2, "ff"), 3, "ff") }
        #expect(try failures(given, try recorded("64", xen: "4.20")) == [Self.frameListUntouched])
    }

    @Test func guestsOfDifferentReleasesFail() throws {
        #expect(try failures(try recorded("32"), try recorded("64", xen: "4.20"))
                .contains("abi32/abi64 xen_version.platform_parameters virt_start by design"))
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
