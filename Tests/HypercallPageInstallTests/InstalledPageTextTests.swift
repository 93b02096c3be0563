import Testing
import HypercallPage
@testable import HypercallPageInstall
import Rendering
import XenInterface
import XenSystem

/// How an installed page renders (docs/hypercalls.md keys).
@Suite struct InstalledPageTextTests {
    @Test func installedPageJSON() {
        let region = MappedRegion(address: 0x7000_0000, length: 4096, origin: .simulated) { _, _ in }
        let page = InstalledPage(region: region, msr: 0x40000000, gfn: 0x29af,
                                 msrValue: 0x29af000, bytes: HypercallStub.expectedPage(.svm),
                                 report: HypercallPageDecoder.decode(HypercallStub.expectedPage(.svm)),
                                 xenWrote: true, verified: true, kernelTaint: 4, frameOnLRU: false)
        let call = UserModeCall(hypercall: .xen_version, rax: -1)
        #expect(page.json(call: call) == .object([
            ("installed", .bool(true)), ("msr", .int(0x40000000)), ("gfn", .int(0x29af)),
            ("backing", .string("/dev/xen/hypercall")), ("xenWrote", .bool(true)), ("flavor", .string("svm")),
            ("verified", .bool(true)), ("kernelTaint", .int(4)), ("frameOnLRU", .bool(false)),
            ("userModeCall", .object([("hypercall", .string("xen_version")), ("rax", .int(-1)), ("errno", .string("EPERM"))])),
            ("anomalies", .array([])),
        ]))
        guard case .object(let members) = page.json(call: nil, includePage: true) else { Issue.record("not an object"); return }
        #expect(members.first { $0.0 == "userModeCall" }?.1 == .null)
        #expect(members.last?.0 == "page")
        #expect(members.last?.1 == .string(hexString(HypercallStub.expectedPage(.svm))))
        let lines = page.lines(call: call, includePage: true)
        #expect(lines.prefix(5) == ["installed: wrote 0x29af000 (gfn 0x29af << 12) to MSR 0x40000000",
                                    "page: a /dev/xen/hypercall page (its frame cannot move; not on the LRU, says /proc/kpageflags), frame unchanged after the write",
                                    "page: svm flavor, 128 entries, verified",
                                    "kernel taint 4 (S: CPU out of spec, set by the msr driver's write)",
                                    "user-mode call of entry 17 (xen_version): rax -1 = -EPERM"])
        #expect(lines.count == 5 + 128)
        #expect(lines[5 + 23] == "0f0b" + String(repeating: "cc", count: 30))
    }
}
