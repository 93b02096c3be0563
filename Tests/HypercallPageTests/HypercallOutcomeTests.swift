import Testing
import XenSystem
@testable import HypercallPage

/// The JSON and text of results, key by key as docs/hypercalls.md documents them.
struct HypercallOutcomeTests {
    func outcome(_ op: XenVersionOp, rc: Int64 = 0, _ value: XenVersionValue?) -> HypercallOutcome {
        HypercallOutcome(XenVersionAnswer(op: op, result: HypercallResult(rc: rc), value: value))
    }

    @Test func versionObject() {
        let o = outcome(.version, rc: 0x40011, .version(major: 4, minor: 17))
        #expect(o.json == .object([("hypercall", .string("xen_version")), ("subop", .string("version")),
                                   ("rc", .int(0x40011)),
                                   ("value", .object([("major", .uint(4)), ("minor", .uint(17))]))]))
        #expect(o.line == "xen_version version: 4.17")
        #expect(!o.failed)
    }

    @Test func valuesBySubop() {
        #expect(outcome(.extraversion, .text(".7")).value == .string(".7"))
        #expect(outcome(.compile_info, .compileInfo(compiler: "gcc", compileBy: "me", compileDomain: "d", compileDate: "today")).value
                == .object([("compiler", .string("gcc")), ("compileBy", .string("me")),
                            ("compileDomain", .string("d")), ("compileDate", .string("today"))]))
        let pp = outcome(.platform_parameters, .platformParameters(virtStart: 0xffff_8000_0000_0000))
        #expect(pp.value == .object([("virtStart", .uint(0xffff_8000_0000_0000))]))
        #expect(pp.line == "xen_version platform_parameters: virt_start 0xffff800000000000")
        let f = outcome(.get_features, .features([0x12b05]))
        #expect(f.value == .array([.uint(0x12b05)]))
        #expect(f.line == "xen_version get_features: submap 0 0x00012b05")
        #expect(outcome(.pagesize, rc: 4096, .pageSize(4096)).value == .uint(4096))
        #expect(outcome(.guest_handle, .handle(Array(0..<16))).value == .string("00010203-0405-0607-0809-0a0b0c0d0e0f"))
        #expect(outcome(.build_id, rc: 3, .buildID([0x15, 0x0b, 0xff])).value == .string("150bff"))
    }

    @Test func failureHasNullValueAndErrnoName() {
        let o = outcome(.build_id, rc: -61, nil)
        #expect(o.failed)
        #expect(o.json == .object([("hypercall", .string("xen_version")), ("subop", .string("build_id")),
                                   ("rc", .int(-61)), ("value", .null), ("errno", .string("ENODATA"))]))
        #expect(o.line == "xen_version build_id: -ENODATA (No data available)")
    }

    @Test func otherQueriesCarryTheirReturnValue() {
        let o = HypercallOutcome(.current_reservation, HypercallResult(rc: 196608))
        #expect(o.json == .object([("hypercall", .string("memory_op")), ("subop", .string("current_reservation")),
                                   ("rc", .int(196608)), ("value", .int(196608))]))
        #expect(HypercallOutcome(.yield, HypercallResult(rc: 0)).line == "sched_op yield: 0")
        #expect(HypercallOutcome(.maximum_ram_page, HypercallResult(rc: -1)).failed)
    }

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
