import Foundation
import Testing

/// `xen-detect abi check-pv-guests`, run as the built binary over the PV guests' recording.
@Suite struct ABIPVGuestCheckCommandTests {
    private let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HypercallPlanTests/Fixtures")
    private var r32: String { results.appendingPathComponent("xen-4.17-pv32-dom0.results-pv32.txt").path }
    private var r64: String { results.appendingPathComponent("xen-4.17-pv32-dom0.results-pv64.txt").path }

    @Test func passesOnTheRecordingAndFailsOnSwappedResults() throws {
        let good = try Binary.run(["abi", "check-pv-guests", r32, r64, "--module-length", "1000"])
        #expect(good.status == 0)
        let last = good.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("pv guests in real Xen: ") && last.hasSuffix(" passed, 0 failed"))
        let swapped = try Binary.run(["abi", "check-pv-guests", r64, r32, "--module-length", "1000"])
        #expect(swapped.status == 1)
        #expect(swapped.stdout.contains("FAIL pv32 guest"))
    }

    @Test func anotherDom0MemFailsNrPages() throws {
        let result = try Binary.run(["abi", "check-pv-guests", r32, r64, "--module-length", "1000", "--dom0-mem-mib", "256"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL pv32 start_info nr_pages: 32768, dom0_mem is 65536 pages"))
    }

    @Test func badInputIsOneLineAndADistinctStatus() throws {
        let missing = try Binary.run(["abi", "check-pv-guests", "/nonexistent", r64, "--module-length", "1000"])
        #expect(missing.status == 65)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        let usage = try Binary.run(["abi", "check-pv-guests", r32, r64])
        #expect(usage.status == 64)
    }
}
