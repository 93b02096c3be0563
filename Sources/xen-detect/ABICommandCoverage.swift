import ArgumentParser
import HypercallPlan
import Rendering

/// `xen-detect abi coverage`: for every structure Xen's compat layer translates, which call of
/// which test guest proves it in real Xen, or why none can.
struct ABICoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Say which test-guest call proves each translated structure in real Xen, or why none can.")

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        if json {
            let rows = ABICoverage.translatedStructures.map { name -> JSONValue in
                let c = ABICoverage.coverage(name)
                return .object([
                    ("structure", .string(name)), ("status", .string(c?.status.rawValue ?? "none")),
                    ("pvh_calls", .array((c?.pvhCalls ?? []).map { .string($0) })),
                    ("pv_calls", .array((c?.pvCalls ?? []).map { .string($0) })),
                    ("reason", .string(c?.reason ?? "no entry: a defect")),
                ])
            }
            print(JSONValue.object([("structures", .array(rows))]).rendered)
            return
        }
        for name in ABICoverage.translatedStructures {
            guard let c = ABICoverage.coverage(name) else {
                print("\(name): none (no entry: a defect)")
                continue
            }
            var line = "\(name): \(c.status.rawValue)"
            if !c.pvhCalls.isEmpty { line += "; PVH guests: \(c.pvhCalls.joined(separator: ", "))" }
            if !c.pvCalls.isEmpty { line += "; PV guests (Xen 4.17): \(c.pvCalls.joined(separator: ", "))" }
            if !c.reason.isEmpty { line += "; \(c.reason)" }
            print(line)
        }
    }
}
