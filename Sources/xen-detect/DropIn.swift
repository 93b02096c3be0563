#if canImport(Glibc)
import Glibc
#endif
import CPUIDProbe
import XenSystem

/// The drop-in for Xen's xen-detect (tools/misc/xen-detect.c): the same options, parsed by the
/// same getopt_long, the same lines and the same exit codes; plus --json, --source and --exhaustive.
enum DropIn {
    static let longOptions: [GetoptLong.Option] = [
        .init("help", code: "h"),
        .init("quiet", code: "q"),
        .init("pv", code: "P"),
        .init("hvm", code: "H"),
        .init("none", code: "N"),
        // Beyond Xen's tool:
        .init("json", code: "j"),
        .init("source", takesArgument: true, code: "s"),
        .init("exhaustive", code: "e"),
    ]

    /// xen-detect's usage text, to the byte (it prints it on stdout and exits 1).
    static let usage = """
        Usage: xen_detect [options]
        Options:
          -h, --help    Display this information
          -q, --quiet   Quiesce normal informational output
          -P, --pv      Exit status 1 if not running as PV guest
          -H, --hvm     Exit status 1 if not running as HVM or PVH guest.
          -N, --none    Exit status 1 if running on Xen (PV or HVM)
        """

    static func run(_ arguments: [String]) -> Never {
        var quiet = false
        var json = false
        var exhaustive = false
        var sourceText: String? = nil
        var expected: DropInDetection.Outcome? = nil
        for (code, argument) in GetoptLong.parse(short: "hqPHN", long: longOptions) {
            switch code {
            case "q": quiet = true
            case "P": expected = .pv
            case "H": expected = .hvm
            case "N": expected = DropInDetection.Outcome.none
            case "j": json = true
            case "e": exhaustive = true
            case "s": sourceText = argument
            default:
                // -h, an unknown option, a missing argument: xen-detect prints usage and exits 1.
                print(usage)
                exit(ExitStatus.mismatch.rawValue)
            }
        }
        let scanMode: ScanMode = exhaustive ? .exhaustive : .firstUnused

        let detected: DropInDetection.Outcome
        if json || sourceText != nil {
            let report: ProbeReport
            do {
                report = try makeReport(source: sourceText ?? "native", scanMode: scanMode)
            } catch {
                fail(error)
            }
            detected = report.context.map { $0 == .pv ? .pv : .hvm } ?? (report.xenDetected ? .hvm : .none)
            if json {
                print(report.json(scanMode: scanMode).rendered)
            } else if !quiet {
                print(DropInDetection.line(for: report))
            }
        } else {
            let verdict: DropInDetection
            do {
                verdict = try DropInDetection.detect(
                    system: LinuxSystem(), plain: NativeCPUID(), pv: ForcedEmulationCPUID(), mode: scanMode)
            } catch {
                fail(error)
            }
            detected = verdict.outcome
            if !quiet { print(verdict.line) }
        }
        // xen-detect: `return expected && (expected != detected);`
        if let expected, expected != detected { exit(ExitStatus.mismatch.rawValue) }
        exit(ExitStatus.success.rawValue)
    }
}
