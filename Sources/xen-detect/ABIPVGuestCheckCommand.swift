import ArgumentParser
import HypercallPlan
import XenInterface
import XenSystem

/// `xen-detect abi check-pv-guests`: the real-Xen checks over the results of the 32-bit PAE and
/// the 64-bit PV test guest (scripts/xen-stage/testguest-pv.sh boots both, then runs this).
struct ABIPVGuestCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-pv-guests",
        abstract: "Check what real Xen did for the 32-bit and the 64-bit PV test guest (start_info, PV calls).",
        discussion: """
            Reads the results files testguest-pv.sh writes (docs/test-guest.md, "The PV test guests") \
            and prints one PASS or FAIL line per check, then `pv guests in real Xen: N passed, M failed`. \
            Exit status 1 when a check failed.
            """
    )

    @Argument(help: "The 32-bit PV guest's results file.")
    var results32: String

    @Argument(help: "The 64-bit PV guest's results file.")
    var results64: String

    @Option(name: .long, help: "The length in bytes of the module the stage passed (start_info.mod_len).")
    var moduleLength: Number<UInt64>

    @Option(name: .long, help: "dom0_mem the stage gave, in MiB (start_info.nr_pages).")
    var dom0MemMib: Number<UInt64> = Number(128)

    @Option(name: .long, help: "The sentinel the guests fill their buffers with.")
    var sentinel: Number<UInt8> = Number(HypercallPlan.defaultSentinel)

    func run() throws {
        func load(_ path: String) throws -> PVGuestResults {
            guard let bytes = LinuxSystem().readSmallFile(path) else {
                throw PlanError.malformed("cannot read \(path)")
            }
            return try PVGuestResults(parsing: String(decoding: bytes, as: UTF8.self))
        }
        let (pages, overflow) = dom0MemMib.value.multipliedReportingOverflow(by: (1 << 20) / UInt64(XEN_PAGE_SIZE))
        guard !overflow else { throw ValidationError("--dom0-mem-mib \(dom0MemMib.value) is too large") }
        var checks = PVGuestChecks(pv32: try load(results32), pv64: try load(results64),
                                   moduleLength: moduleLength.value, dom0Pages: pages, sentinel: sentinel.value)
        let verdicts = checks.run()
        for verdict in verdicts { print(verdict.line) }
        let failed = verdicts.filter { !$0.passed }.count
        print("pv guests in real Xen: \(verdicts.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(ExitStatus.mismatch.rawValue) }
    }
}
