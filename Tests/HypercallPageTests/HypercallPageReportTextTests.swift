import Testing
@testable import HypercallPage
import Rendering

/// How a decoded page renders (docs/hypercalls.md keys).
@Suite struct HypercallPageReportTextTests {
    @Test func reportSummaryAndAnomalyLines() {
        let report = HypercallPageDecoder.decode([UInt8](repeating: 0, count: 4096))
        #expect(report.summary(verified: false, expected: .svm) == "unknown flavor, 128 entries, NOT verified (expected svm)")
        #expect(report.anomalyLines(limit: 2) == ["  entry 0: not a hypercall stub", "  entry 1: not a hypercall stub", "  ... 126 more"])
        #expect(report.json(verified: false) == .object([
            ("flavor", .null), ("verified", .bool(false)), ("entries", .int(128)),
            ("anomalies", .array((0..<128).map { .string("entry \($0): not a hypercall stub") })),
        ]))
    }
}
