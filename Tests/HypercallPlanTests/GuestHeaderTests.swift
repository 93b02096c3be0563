import Foundation
import Testing
@testable import HypercallPlan

/// The guest (C, guest/plan.h) and the writer (Swift) must agree on the format's numbers:
/// read them from the header the guest is compiled with.
@Suite struct GuestHeaderTests {
    private func header() throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../guest/plan.h").standardized
        return try String(contentsOf: url, encoding: .utf8)
    }

    private func define(_ name: String, in text: String) -> UInt64? {
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 3, words[0] == "#define", words[1] == name else { continue }
            var value = words[2].lowercased()
            while value.hasSuffix("u") { value.removeLast() }
            return value.hasPrefix("0x") ? UInt64(value.dropFirst(2), radix: 16) : UInt64(value)
        }
        return nil
    }

    private func assertedSize(_ record: String, in text: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains("sizeof(struct \(record))") }),
              let eq = line.range(of: "== ") else { return nil }
        return Int(line[eq.upperBound...].prefix { $0.isNumber })
    }

    @Test func numbersMatchTheGuestsHeader() throws {
        let text = try header()
        #expect(define("PLAN_MAGIC", in: text) == UInt64(HypercallPlan.magic))
        #expect(define("PLAN_VERSION", in: text) == UInt64(HypercallPlan.version))
        #expect(define("PLAN_ARGS", in: text) == UInt64(HypercallPlan.argumentCount))
        #expect(define("PLAN_LABEL_SIZE", in: text) == UInt64(HypercallPlan.labelSize))
        #expect(define("PLAN_NOT_A_POINTER", in: text) == UInt64(HypercallPlan.notAPointer))
        #expect(define("PLAN_MAX_CALLS", in: text) == UInt64(HypercallPlan.maxCalls))
        #expect(define("PLAN_MAX_BUFFERS", in: text) == UInt64(HypercallPlan.maxBuffers))
        #expect(define("PLAN_MAX_BUFFER_SIZE", in: text) == UInt64(HypercallPlan.maxBufferSize))
        #expect(assertedSize("plan_header", in: text) == HypercallPlan.headerSize)
        #expect(assertedSize("plan_call", in: text) == HypercallPlan.callSize)
        #expect(assertedSize("plan_relocation", in: text) == HypercallPlan.relocationSize)
        #expect(assertedSize("plan_buffer", in: text) == HypercallPlan.bufferRecordSize)
    }
}
