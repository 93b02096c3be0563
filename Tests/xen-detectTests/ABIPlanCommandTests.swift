import Foundation
import Testing

/// `xen-detect abi plan` and `abi check-guests`, run as the built binary.
@Suite struct ABIPlanCommandTests {
    private let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HypercallPlanTests/Fixtures")

    private func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * $1) } }

    @Test(arguments: [("32", UInt8(32)), ("x86_64", UInt8(64))])
    func writesAPlanFileForTheABI(abi: String, byte: UInt8) throws {
        let path = NSTemporaryDirectory() + "xd-plan-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Binary.run(["abi", "plan", "--abi", abi, "-o", path])
        #expect(result.status == 0 && result.stderr.isEmpty)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count > 32)
        #expect(Array(bytes[0..<4]) == Array("XDPL".utf8))
        #expect(bytes[6] == byte)
        #expect(u32(bytes, 8) == 50)                       // every call of the catalogue (plan version 2)
        #expect(u32(bytes, 20) == UInt32(bytes.count))     // total_length
    }

    @Test func namesChooseCallsAndListShowsTheSplitTimeout() throws {
        let list = try Binary.run(["abi", "plan", "--abi", "32", "--list", "set_timer_op.cancel"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("calls=1 "))
        #expect(list.stdout.contains("set_timer_op.cancel op=15 regs=0x0,0x0\n"))
        let list64 = try Binary.run(["abi", "plan", "--abi", "64", "--list", "set_timer_op.cancel"])
        #expect(list64.stdout.contains("set_timer_op.cancel op=15 regs=0x0\n"))
    }

    @Test func anUnknownCallIsAUsageError() throws {
        let result = try Binary.run(["abi", "plan", "--abi", "64", "no_such.call"])
        #expect(result.status == 64)
        #expect(result.stderr == "xen-detect: unknown plan call 'no_such.call'\n")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: ["4.17", "4.20"])
    func checkGuestsPassesOnTheRecordingAndFailsOnSwappedResults(release: String) throws {
        let r32 = results.appendingPathComponent("xen-\(release)-pvh-dom0.plan2.results-32.txt").path
        let r64 = results.appendingPathComponent("xen-\(release)-pvh-dom0.plan2.results-64.txt").path
        let good = try Binary.run(["abi", "check-guests", r32, r64])
        #expect(good.status == 0)
        let last = good.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("abi in real Xen: ") && last.hasSuffix(" passed, 0 failed"))
        let swapped = try Binary.run(["abi", "check-guests", r64, r32])
        #expect(swapped.status == 1)
        #expect(swapped.stdout.contains("FAIL abi32 guest"))
    }
}
