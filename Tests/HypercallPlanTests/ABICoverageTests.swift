import Testing
import XenCompat
import XenInterface
@testable import HypercallPlan

/// Every structure Xen's compat layer translates has a proof in real Xen or a cited reason.
@Suite struct ABICoverageTests {
    @Test func everyTranslatedStructureHasAProofOrAReason() {
        #expect(ABICoverage.translatedStructures.count == 23)
        for name in ABICoverage.translatedStructures {
            guard let c = ABICoverage.coverage(name) else {
                Issue.record("\(name): neither a proving call nor a reason")
                continue
            }
            switch c.status {
            case .proven:
                #expect(!c.pvhCalls.isEmpty || !c.pvCalls.isEmpty, "\(name): proven without a call")
                if c.pvhCalls.isEmpty { #expect(c.reason.contains("xen/"), "\(name): PV only must cite why") }
            case .refused:
                #expect(!c.pvhCalls.isEmpty, "\(name): refused without a call")
            case .unreachable:
                #expect(c.reason.contains("xen/"), "\(name): an unreachable structure must cite Xen's source")
            }
            if c.status == .refused { #expect(c.reason.contains("xen/"), "\(name): a refusal must cite Xen's source") }
        }
        #expect(Set(ABICoverage.table.map(\.structure)) == Set(ABICoverage.translatedStructures))
    }

    /// A proving call exists in the plan and passes the structure (one of its buffers is laid out as it).
    @Test(arguments: Architecture.allCases)
    func provingCallsPassTheirStructure(abi: Architecture) {
        let entries = PlanCatalog.entries(abi)
        for c in ABICoverage.table {
            for call in c.pvhCalls {
                guard let entry = entries.first(where: { $0.name == call }) else {
                    Issue.record("\(c.structure): no plan call \(call)")
                    continue
                }
                #expect(entry.buffers.contains { $0.role.layout?.name == c.structure }, "\(call) does not pass \(c.structure)")
            }
        }
    }

    /// The recorded plan-version-2 runs (Xen 4.17 and 4.20): every check of a proving or refused
    /// call passed.
    @Test(arguments: ["4.17", "4.20"])
    func provingCallsPassedInRealXen(release: String) throws {
        var checks = RealXenChecks(results32: try GuestResults(parsing: try fixture("xen-\(release)-pvh-dom0.plan2.results-32.txt")),
                                   results64: try GuestResults(parsing: try fixture("xen-\(release)-pvh-dom0.plan2.results-64.txt")))
        let verdicts = checks.run()
        for c in ABICoverage.table {
            for call in c.pvhCalls {
                let mine = verdicts.filter { $0.name.contains(" \(call) ") || $0.name.hasSuffix(" \(call) returns") }
                let failed = mine.filter { !$0.passed }.map(\.line)
                #expect(!mine.isEmpty, "\(call): no verdict in Xen \(release)")
                #expect(failed.isEmpty, "\(call) in Xen \(release): \(failed)")
            }
        }
    }

    /// The PV test guests' recording (Xen 4.17 with CONFIG_PV32, scripts/xen-stage/testguest-pv.sh):
    /// every call the table names for the PV guests is in both guests' results and its checks pass.
    @Test func pvCallsPassedInRealXen() throws {
        var checks = PVGuestChecks(pv32: try PVGuestResults(parsing: try fixture("xen-4.17-pv32-dom0.results-pv32.txt")),
                                   pv64: try PVGuestResults(parsing: try fixture("xen-4.17-pv32-dom0.results-pv64.txt")),
                                   moduleLength: 1000, dom0Pages: (128 << 20) >> 12)
        let verdicts = checks.run()
        let named = ABICoverage.table.flatMap(\.pvCalls)
        #expect(Set(["start_info", "set_trap_table.one", "mmuext_op.tlb_flush_local", "multicall.batch"]).isSubset(of: named))
        for c in ABICoverage.table {
            for call in c.pvCalls {
                // "pv32 X …", "pv64 X …", the comparison "pv32/pv64 X …", and "X" alone when a guest lacks the call.
                let mine = { (guest: String) in verdicts.filter { $0.name.hasPrefix("\(guest) \(call) ") || $0.name == "\(guest) \(call)" } }
                for guest in ["pv32", "pv64"] {
                    #expect(!mine(guest).isEmpty, "\(c.structure): \(guest) \(call) has no verdict in the PV recording")
                }
                let failed = (mine("pv32") + mine("pv64") + mine("pv32/pv64") + verdicts.filter { $0.name == call })
                    .filter { !$0.passed }.map(\.line)
                #expect(failed.isEmpty, "\(c.structure): \(call): \(failed)")
            }
        }
    }
}
