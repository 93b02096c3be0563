// fuzz-options: -max_len=8200
// Fuzz target: the hypercall page decoder (HypercallPage.HypercallPageDecoder) and the page-file
// reader (raw bytes or hex text). Properties:
// - decode is total: one entry per whole 32-byte slot of the first 4096 bytes, .wrongSize iff the
//   page is not 4096 bytes;
// - a page is well formed iff it is byte for byte the page Xen writes for its flavor
//   (HypercallStub.expectedPage): Xen's own pages decode well formed with their flavor, and any
//   page that decodes well formed equals the expected page of the flavor it reports;
// - pageBytes: the hex text of any bytes (any white space between digits) reads back to the
//   bytes; an odd number of digits is nil; content that is not hex text is taken as raw bytes.
import HypercallPage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHypercallPage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzBytes(data, size)
    let flavors = HypercallStubFlavor.allCases
    switch input.byte() % 3 {
    case 0:
        // Xen's page for a flavor, with a few bytes changed (or none).
        let flavor = flavors[Int(input.byte()) % flavors.count]
        let expected = HypercallStub.expectedPage(flavor)
        let clean = HypercallPageDecoder.decode(expected)
        require(clean.isWellFormed && clean.flavor == flavor, "Xen's \(flavor) page is not well formed: \(clean.anomalies)")
        var page = expected
        for _ in 0..<(Int(input.byte()) % 4) {
            let offset = Int(UInt16(input.byte()) | UInt16(input.byte()) << 8) % page.count
            page[offset] = input.byte()
        }
        check(page)
    case 1:
        check(input.rest())
    default:
        // Hex text of arbitrary bytes, with white space sprinkled between digits.
        let bytes = input.take(Int(input.byte()) * 4)
        let spacing = input.rest()
        var text: [UInt8] = []
        let digits = Array("0123456789abcdefABCDEF".utf8)
        for (i, b) in bytes.enumerated() {
            let upper = spacing.isEmpty ? false : spacing[i % spacing.count] & 0x80 != 0
            func digit(_ n: UInt8) -> UInt8 { n < 10 ? digits[Int(n)] : digits[Int(n) + (upper ? 6 : 0)] }
            text.append(digit(b >> 4))
            if !spacing.isEmpty, spacing[i % spacing.count] & 1 == 1 { text.append([0x20, 0x0a, 0x09, 0x0d][Int(spacing[i % spacing.count] >> 1) & 3]) }
            text.append(digit(b & 0xf))
        }
        let read = HypercallPageDecoder.pageBytes(fromFile: text)
        if bytes.isEmpty {
            require(read == text, "empty content is taken as it is")
        } else {
            require(read == bytes, "hex text does not read back")
            // One digit more: odd, refused.
            require(HypercallPageDecoder.pageBytes(fromFile: text + [UInt8(ascii: "7")]) == nil, "odd hex accepted")
            // A byte that is neither hex nor space: the content is raw.
            let raw = text + [UInt8(ascii: "g")]
            require(HypercallPageDecoder.pageBytes(fromFile: raw) == raw, "non-hex content not taken raw")
        }
    }
    return 0
}

func check(_ page: [UInt8]) {
    let report = HypercallPageDecoder.decode(page)
    require(report.entries.count == min(page.count, HypercallStub.entryCount * HypercallStub.entrySize) / HypercallStub.entrySize,
            "\(report.entries.count) entries for \(page.count) bytes")
    require(report.anomalies.contains(.wrongSize(page.count)) == (page.count != HypercallStub.entryCount * HypercallStub.entrySize),
            "wrongSize iff not a page")
    if report.isWellFormed, let flavor = report.flavor {
        require(page == HypercallStub.expectedPage(flavor), "a page Xen would not write decoded well formed as \(flavor)")
    }
    // Byte-wise: a line feed anywhere (also inside a "\r\n" Character) breaks the one-line rule.
    for a in report.anomalies { require(!a.description.utf8.contains(0x0a), "anomaly text spans lines") }
    if let flavor = report.flavor {
        let calls = report.entries.filter { if case .call(let f, _) = $0 { return f != flavor } else { return false } }
        require(calls.isEmpty, "flavor \(flavor) reported with entries of another flavor")
    }
}
