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
            case .proven, .refused:
                #expect(!c.pvhCalls.isEmpty, "\(name): \(c.status) without a call")
            case .pvGuest:
                #expect(!c.pvCalls.isEmpty && !c.reason.isEmpty, "\(name): a PV guest's structure needs its calls and why")
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

    /// The recorded plan-version-2 run (Xen 4.17; 4.20's is still of plan version 1): every
    /// check of a proving or refused call passed.
    @Test(arguments: ["4.17"])
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
}
