import Testing
@testable import HypercallPage

struct HypercallPageDecoderTests {
    @Test(arguments: HypercallStubFlavor.allCases)
    func expectedPageDecodesAsItsFlavorWithEveryNumberInPlace(_ flavor: HypercallStubFlavor) {
        let report = HypercallPageDecoder.decode(HypercallStub.expectedPage(flavor))
        #expect(report.flavor == flavor)
        #expect(report.anomalies.isEmpty)
        #expect(report.isWellFormed)
        #expect(report.entries.count == 128)
        for (i, entry) in report.entries.enumerated() {
            if i == 23 {
                #expect(entry == .iret(flavor.isHVM ? .hvm : (flavor == .pv64 ? .pv64 : .pv32)))
            } else {
                #expect(entry == .call(flavor, number: UInt32(i)))
            }
        }
    }

    @Test func wrongNumberIsReportedAtItsEntry() {
        var page = HypercallStub.expectedPage(.svm)
        page[17 * 32 + 1] = 18  // entry 17 loads 18
        let report = HypercallPageDecoder.decode(page)
        #expect(report.anomalies == [.numberMismatch(entry: 17, number: 18)])
        #expect(report.flavor == .svm)
        #expect(!report.isWellFormed)
    }

    @Test func highImmediateBytesCount() {
        var page = HypercallStub.expectedPage(.vmx)
        page[5 * 32 + 4] = 0x01  // imm32 0x01000005
        #expect(HypercallPageDecoder.decode(page).anomalies == [.numberMismatch(entry: 5, number: 0x0100_0005)])
    }

    @Test func fillOtherThanInt3IsReportedWithItsOffset() {
        var page = HypercallStub.expectedPage(.pv64)
        page[3 * 32 + 20] = 0x90
        #expect(HypercallPageDecoder.decode(page).anomalies == [.fillNotInt3(entry: 3, offset: 20)])
        var hvm = HypercallStub.expectedPage(.svm)
        hvm[23 * 32 + 2] = 0x00  // right after the ud2
        #expect(HypercallPageDecoder.decode(hvm).anomalies == [.fillNotInt3(entry: 23, offset: 2)])
    }

    @Test func mixedFlavorsHaveNoPageFlavor() {
        var page = HypercallStub.expectedPage(.svm)
        page.replaceSubrange((40 * 32)..<(41 * 32), with: HypercallStub.entry(.vmx, index: 40))
        let report = HypercallPageDecoder.decode(page)
        #expect(report.flavor == nil)
        #expect(report.anomalies == [.mixedFlavors([.svm, .vmx])])
    }

    @Test func ordinaryStubInTheIretEntry() {
        var page = HypercallStub.expectedPage(.vmx)
        page.replaceSubrange((23 * 32)..<(24 * 32), with: HypercallStub.entry(.vmx, index: 22))
        // The number check is not applied there: the entry is wrong whatever it loads.
        #expect(HypercallPageDecoder.decode(page).anomalies == [.iretEntryIsOrdinary(entry: 23)])
    }

    @Test func iretSequenceElsewhere() {
        var page = HypercallStub.expectedPage(.pv32)
        page.replaceSubrange((9 * 32)..<(10 * 32), with: HypercallStub.entry(.pv32, index: 23))
        #expect(HypercallPageDecoder.decode(page).anomalies == [.iretOutOfPlace(entry: 9)])
    }

    @Test func iretOfAnotherFlavor() {
        var page = HypercallStub.expectedPage(.pv64)
        page.replaceSubrange((23 * 32)..<(24 * 32), with: HypercallStub.entry(.svm, index: 23))
        #expect(HypercallPageDecoder.decode(page).anomalies == [.iretFormMismatch(entry: 23, form: .hvm)])
    }

    @Test func zeroPageIsNoHypercallPage() {
        // What the install reads back when Xen did not write the page.
        let report = HypercallPageDecoder.decode([UInt8](repeating: 0, count: 4096))
        #expect(report.flavor == nil)
        #expect(report.entries.allSatisfy { $0 == .unrecognized })
        #expect(report.anomalies == (0..<128).map { .unrecognized(entry: $0) })
    }

    @Test func shortAndLongPages() {
        let page = HypercallStub.expectedPage(.svm)
        let short = HypercallPageDecoder.decode(Array(page.prefix(100)))
        #expect(short.anomalies == [.wrongSize(100)])
        #expect(short.entries.count == 3)
        #expect(short.flavor == .svm)
        #expect(!short.isWellFormed)
        #expect(HypercallPageDecoder.decode(page + [0xcc]).anomalies == [.wrongSize(4097)])
        #expect(HypercallPageDecoder.decode([]).entries.isEmpty)
    }

    /// The decoder is exact: a page is well formed for a flavor only when it is byte for byte
    /// the page Xen writes for that flavor. Checked on the expected pages with one byte changed,
    /// at every position of the first, the xen_version, the iret and the last entry, to values
    /// that are code (0x00), fill (0xcc) and neither.
    @Test(arguments: [HypercallStubFlavor.svm, .pv64, .pv32])
    func wellFormedMeansByteIdentical(_ flavor: HypercallStubFlavor) {
        let expected = HypercallStub.expectedPage(flavor)
        let positions = [0, 17, 23, 127].flatMap { ($0 * 32)..<($0 * 32 + 32) }
        for position in positions {
            for value: UInt8 in [0x00, 0xcc, expected[position] &+ 1] {
                var page = expected
                page[position] = value
                let report = HypercallPageDecoder.decode(page)
                #expect(report.isWellFormed == (page == expected), "byte \(position) = \(value)")
            }
        }
    }

    /// Every entry of every flavor decodes on its own to the entry it came from.
    @Test(arguments: HypercallStubFlavor.allCases)
    func entriesDecodeAlone(_ flavor: HypercallStubFlavor) {
        for i in 0..<128 where i != 23 {
            let (entry, badFill) = HypercallPageDecoder.decodeEntry(HypercallStub.entry(flavor, index: i)[...])
            #expect(entry == .call(flavor, number: UInt32(i)))
            #expect(badFill == nil)
        }
    }
}
