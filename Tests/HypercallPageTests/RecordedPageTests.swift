import Foundation
import Testing
@testable import HypercallPage

/// The page Xen 4.17.7 wrote in the stage's PVH dom0 (QEMU TCG, qemu64,+svm), as
/// `hypercall-page install --show-page` read it back: one hex line per 32-byte entry.
/// Recorded by scripts/xen-stage/checks/41-hypercall-page.sh (out/pvh-dom0/hypercall-page.hex).
private func recordedPage(_ name: String, in directory: String = "HypercallPageTests") throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(directory).appendingPathComponent("Fixtures").appendingPathComponent(name)
    let text = try String(contentsOf: url, encoding: .utf8)
    var bytes: [UInt8] = []
    for line in text.split(separator: "\n") {
        var i = line.startIndex
        while i < line.endIndex {
            let j = line.index(i, offsetBy: 2)
            guard let b = UInt8(line[i..<j], radix: 16) else { throw CocoaError(.fileReadCorruptFile) }
            bytes.append(b)
            i = j
        }
    }
    return bytes
}

struct RecordedPageTests {
    @Test func pvhDom0PageIsTheSVMPage() throws {
        let page = try recordedPage("xen-4.17-pvh-dom0.hypercall-page.hex")
        #expect(page.count == 4096)
        let report = HypercallPageDecoder.decode(page)
        #expect(report.flavor == .svm)
        #expect(report.anomalies.isEmpty)
        #expect(report.entries[17] == .call(.svm, number: 17))
        #expect(report.entries[23] == .iret(.hvm))
        #expect(page == HypercallStub.expectedPage(.svm))
    }

    /// Every page the stage recorded (`--record`: PVH dom0 and the PVH, HVM and Viridian domUs, on 4.17 and 4.20,
    /// all on QEMU's AMD-like qemu64,+svm) is, byte for byte, the svm page as binutils assembles it
    /// from Xen's writer, and the page HypercallStub expects.
    @Test(arguments: ["xen-4.17-pvh-dom0", "xen-4.17-pvh-domu", "xen-4.17-hvm-domu", "xen-4.17-hvm-viridian-domu",
                      "xen-4.20-pvh-dom0", "xen-4.20-pvh-domu", "xen-4.20-hvm-domu", "xen-4.20-hvm-viridian-domu"])
    func everyRecordedPageIsTheAssembledSVMPage(_ environment: String) throws {
        let page = try recordedPage(environment + ".hypercall-page.hex", in: "CPUIDProbeTests")
        #expect(page.count == 4096)
        #expect(page == (try AssembledPage.page(.svm)))
        #expect(page == HypercallStub.expectedPage(.svm))
        #expect(HypercallPageDecoder.decode(page).flavor == .svm)
    }

    @Test func recordedPageWithOneEntryCorruptedIsCaught() throws {
        var page = try recordedPage("xen-4.17-pvh-dom0.hypercall-page.hex")
        page[17 * 32 + 7] = 0xc1  // vmmcall's last byte turned into vmcall's: a vmx entry on an svm page
        let report = HypercallPageDecoder.decode(page)
        #expect(report.flavor == nil)
        #expect(report.anomalies == [.mixedFlavors([.svm, .vmx])])
    }
}

struct PageFileTests {
    @Test func rawBytesPassThrough() {
        let page = HypercallStub.expectedPage(.pv32)
        #expect(HypercallPageDecoder.pageBytes(fromFile: page) == page)
    }

    @Test func hexTextIsDecoded() {
        let page = HypercallStub.expectedPage(.vmx)
        var text = ""
        for (i, b) in page.enumerated() {
            text += (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: i % 2 == 0)
            if i % 32 == 31 { text += "\r\n" }
        }
        #expect(HypercallPageDecoder.pageBytes(fromFile: Array(text.utf8)) == page)
    }

    @Test func oddHexIsRejectedAndEmptyStaysEmpty() {
        #expect(HypercallPageDecoder.pageBytes(fromFile: Array("abc\n".utf8)) == nil)
        #expect(HypercallPageDecoder.pageBytes(fromFile: []) == [])
        // Not hex (a 'g'): taken as raw bytes.
        #expect(HypercallPageDecoder.pageBytes(fromFile: Array("abcg".utf8)) == Array("abcg".utf8))
    }
}
