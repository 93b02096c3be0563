import Foundation
import Testing
import XenInterface
@testable import HypercallPlan

/// Results files recorded from the test guest in Xen 4.17 (PVH dom0, QEMU TCG).
func fixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return try String(contentsOf: url, encoding: .utf8)
}

@Suite struct GuestResultsTests {
    @Test(arguments: [(Architecture.x86_32, "32"), (.x86_64, "64")])
    func recordedResultsParse(abi: Architecture, suffix: String) throws {
        let results = try GuestResults(parsing: try fixture("xen-4.17-pvh-dom0.results-\(suffix).txt"))
        #expect(results.abi == abi)
        #expect(results.status == "ok")
        #expect(results.hypercallPage?.count == 4096)
        #expect(results.calls.count == 16)  // the plan-version-1 recording
        let version = try #require(results.call("xen_version.version"))
        #expect(version.op == 17 && version.returned == 0x40011)
        let invalid = try #require(results.call("invalid.hypercall"))
        #expect(invalid.returned == -38)
        let map = try #require(results.call("memory_op.memory_map"))
        #expect(map.buffers.count == 2)
        #expect(map.buffers.values.map(\.count).sorted() == (abi == .x86_32 ? [24, 656] : [32, 656]))
    }

    @Test func aBufferWhoseHexDisagreesWithItsSizeIsRefused() {
        let text = """
            guest abi=32 status=ok calls=1
            call index=0 op=17 label=x regs=0x0 ret=0x0 signed=0
            buffer call=0 index=0 size=4 hex=a5a5
            """
        #expect(throws: PlanError.self) { try GuestResults(parsing: text) }
    }

    @Test func aFileWithoutItsGuestLineIsRefused() {
        #expect(throws: PlanError.self) { try GuestResults(parsing: "call index=0 op=1 label=x regs=0 signed=0\n") }
    }

    @Test func aGuestThatNeverFinishedSaysSo() throws {
        let results = try GuestResults(parsing: "guest abi=64 status=no-end-marker calls=0\n")
        #expect(results.status == "no-end-marker" && results.calls.isEmpty)
    }
}
