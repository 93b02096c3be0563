import ArgumentParser
import HypercallPlan
import XenSystem

/// `xen-detect abi check-guests`: the real-Xen ABI checks over the results of the 32-bit and
/// the 64-bit test guest (scripts/xen-stage/testguest-abi.sh runs both guests, then this).
struct ABIGuestCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-guests",
        abstract: "Check what real Xen did with `abi plan`'s calls in a 32-bit and a 64-bit test guest.",
        discussion: """
            Reads the results files testguest-run.sh extracts (docs/test-guest.md) and prints one \
            PASS or FAIL line per check, then `abi in real Xen: N passed, M failed`. Exit status 1 when \
            a check failed.
            """
    )

    @Argument(help: "The 32-bit guest's results file.")
    var results32: String

    @Argument(help: "The 64-bit guest's results file.")
    var results64: String

    @Option(name: .long, help: "The sentinel the plans were written with.")
    var sentinel: Number<UInt8> = Number(HypercallPlan.defaultSentinel)

    func run() throws {
        func load(_ path: String) throws -> GuestResults {
            guard let bytes = LinuxSystem().readSmallFile(path) else {
                throw PlanError.malformed("cannot read \(path)")
            }
            return try GuestResults(parsing: String(decoding: bytes, as: UTF8.self))
        }
        var checks = RealXenChecks(results32: try load(results32), results64: try load(results64),
                                   sentinel: sentinel.value)
        let verdicts = checks.run()
        for verdict in verdicts { print(verdict.line) }
        let failed = verdicts.filter { !$0.passed }.count
        print("abi in real Xen: \(verdicts.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(ExitStatus.mismatch.rawValue) }
    }
}
