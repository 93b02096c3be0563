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

        // One decision (DropInDetection), rendered as the line and the exit status, or inside the
        // full report as JSON. The plain drop-in makes it the lean way (no CPUID when sysfs
        // decides); --json and --source make it inside the probe, from the same evidence.
        let verdict: DropInDetection
        do {
            if json || sourceText != nil {
                let report = try makeReport(source: sourceText ?? "native", scanMode: scanMode)
                verdict = report.decision
                if json { print(report.json.rendered) }
            } else {
                verdict = try DropInDetection.detect(
                    system: LinuxSystem(), plain: NativeCPUID(), pv: ForcedEmulationCPUID(), mode: scanMode)
            }
        } catch {
            fail(error)
        }
        if !json && !quiet { print(verdict.line) }
        let detected = verdict.outcome
        // xen-detect: `return expected && (expected != detected);`
        if let expected, expected != detected { exit(ExitStatus.mismatch.rawValue) }
        exit(ExitStatus.success.rawValue)
    }
}
