import Foundation
import Testing
@testable import HypercallPlan

/// The PV checks over the results of the 32-bit PAE and the 64-bit PV test guest recorded as
/// PV dom0 of Xen 4.17 built with CONFIG_PV32=y (scripts/xen-stage/testguest-pv.sh), and over
/// copies altered the way a wrong layout or a Xen leak would show up.
@Suite struct PVGuestChecksTests {
    private let moduleLength: UInt64 = 1000
    private let dom0Pages: UInt64 = (128 << 20) >> 12

    private func recorded(_ abi: String) throws -> String {
        try fixture("xen-4.17-pv32-dom0.results-pv\(abi).txt")
    }

    private func verdicts(_ text32: String, _ text64: String) throws -> [CheckVerdict] {
        var checks = PVGuestChecks(pv32: try PVGuestResults(parsing: text32), pv64: try PVGuestResults(parsing: text64),
                                   moduleLength: moduleLength, dom0Pages: dom0Pages)
        return checks.run()
    }

    private func failures(_ text32: String, _ text64: String) throws -> [String] {
        try verdicts(text32, text64).filter { !$0.passed }.map(\.name)
    }

    /// Applies `transform` to the hex of the line starting with `prefix`.
    private func alter(_ text: String, _ prefix: String, _ transform: (String) -> String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix(prefix), let range = line.range(of: "hex=") else { return String(line) }
            return String(line[..<range.upperBound]) + transform(String(line[range.upperBound...]))
        }.joined(separator: "\n")
    }

    private func poke(_ hex: String, _ offset: Int, _ byte: String) -> String {
        var chars = Array(hex)
        chars.replaceSubrange((2 * offset)..<(2 * offset + 2), with: Array(byte))
        return String(chars)
    }

    @Test func everyCheckPassesOnTheRecording() throws {
        let all = try verdicts(try recorded("32"), try recorded("64"))
        #expect(all.count > 100)
        #expect(all.filter { !$0.passed }.map(\.line) == [])
        for name in ["pv32 start_info magic", "pv64 start_info magic", "pv32/pv64 start_info compat translation",
                     "pv32 mmuext_op.pin_l1_table mmuext_op contents", "pv64 multicall.batch multicall_entry contents",
                     "pv32/pv64 multicall.batch results agree", "pv32 xen_version.capabilities capabilities zero after NUL",
                     "pv32 set_trap_table.one trap_info contents", "pv64 mmu_update.read_only success_count"] {
            #expect(all.contains { $0.name == name }, "\(name)")
        }
    }

    @Test func theRecordingIsOfPVGuests() throws {
        let pv32 = try PVGuestResults(parsing: try recorded("32"))
        let pv64 = try PVGuestResults(parsing: try recorded("64"))
        #expect(pv32.guest.abi == .x86_32 && pv64.guest.abi == .x86_64)
        #expect(pv32.startInfoPage?.count == 4096 && pv64.startInfoPage?.count == 4096)
        #expect(pv32.facts["mfn"] != nil && pv64.facts["trap_handler"] != nil)
        // The PV hypercall page flavors: int $0x82 (32-bit), syscall (64-bit).
        #expect(pv32.guest.hypercallPage?.prefix(8) == [0xb8, 0, 0, 0, 0, 0xcd, 0x82, 0xc3])
        #expect(pv64.guest.hypercallPage?.prefix(5) == [0x51, 0x41, 0x53, 0xb8, 0])
    }

    @Test func aWrongMagicFails() throws {
        // "xen-3.0-x86_32p" without its "p": a non-PAE kernel's magic.
        let text = alter(try recorded("32"), "start_info ") { poke($0, 14, "00") }
        #expect(try failures(text, try recorded("64")) == ["pv32 start_info magic"])
    }

    @Test func aLeakAfterTheNULFails() throws {
        // Byte 15 of the 16-byte extraversion (".5" then zeros): a stray byte after the NUL (XSA-122).
        let text = alter(try recorded("64"), "buffer call=1 ") { poke($0, 15, "41") }
        #expect(try failures(try recorded("32"), text).contains("pv64 xen_version.extraversion extraversion zero after NUL"))
    }

    @Test func aChangedInputFails() throws {
        // Byte 0 of the pin's mmuext_op: cmd no longer MMUEXT_PIN_L1_TABLE, as if Xen wrote it.
        let text = alter(try recorded("32"), "buffer call=10 ") { poke($0, 0, "01") }
        #expect(try failures(text, try recorded("64")) == ["pv32 mmuext_op.pin_l1_table mmuext_op contents"])
    }

    @Test func aMulticallResultAtTheWrongOffsetFails() throws {
        // The 64-bit entry 0's result (offset 8) moved to offset 12: not where ABI64 puts it.
        let text = alter(try recorded("64"), "buffer call=6 ") { hex in
            var bytes = Array(hex)
            let result = Array(bytes[16..<24])
            bytes.replaceSubrange(16..<24, with: Array("00000000"))
            bytes.replaceSubrange(24..<32, with: result)
            return String(bytes)
        }
        let failed = try failures(try recorded("32"), text)
        #expect(failed.contains("pv64 multicall.batch multicall_entry contents"))
    }

    @Test func aWrongModuleLengthFails() throws {
        var checks = PVGuestChecks(pv32: try PVGuestResults(parsing: try recorded("32")),
                                   pv64: try PVGuestResults(parsing: try recorded("64")),
                                   moduleLength: 999, dom0Pages: dom0Pages)
        #expect(checks.run().filter { !$0.passed }.map(\.name) == ["pv32 start_info module", "pv64 start_info module"])
    }

    @Test func aMissingStartInfoFails() throws {
        let text = try recorded("64").split(separator: "\n").filter { !$0.hasPrefix("start_info ") }.joined(separator: "\n")
        #expect(try failures(try recorded("32"), text).contains("pv64 start_info"))
    }
}
