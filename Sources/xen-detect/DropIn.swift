#if canImport(Glibc)
import Glibc
#endif
import CPUIDProbe
import XenSystem

/// The drop-in for Xen's xen-detect (tools/misc/xen-detect.c): the same options, parsed by the
/// same getopt_long with the same table (CXenShim's, Xen's own with this tool's long options), the
/// same lines and the same exit codes; plus --json, --source and --exhaustive.
enum DropIn {
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

    /// What the command line asks of the drop-in.
    struct Options {
        var quiet = false
        var json = false
        var exhaustive = false
        var sourceText: String? = nil
        var expected: DropInDetection.Outcome? = nil
        /// --json and --source make the decision inside the full report, from the same evidence.
        var needsReport: Bool { json || sourceText != nil }
        var scanMode: ScanMode { exhaustive ? .exhaustive : .firstUnused }
    }

    /// The options, parsed by getopt_long. -h, an unknown option, a missing argument: xen-detect
    /// prints its usage and exits 1, at the first such option.
    static func parseOptions() -> Options {
        var options = Options()
        GetoptLong.forEachDropInOption { code, argument in
            switch code {
            case UInt8(ascii: "q"): options.quiet = true
            case UInt8(ascii: "P"): options.expected = .pv
            case UInt8(ascii: "H"): options.expected = .hvm
            case UInt8(ascii: "N"): options.expected = DropInDetection.Outcome.none
            case UInt8(ascii: "j"): options.json = true
            case UInt8(ascii: "e"): options.exhaustive = true
            case UInt8(ascii: "s"): options.sourceText = argument
            default:
                StandardOutput.writeLine(usage)
                ProcessEnd.exit(ExitStatus.mismatch.rawValue)
            }
        }
        return options
    }

    /// The lean live decision of the plain drop-in (no CPUID when sysfs decides).
    static func plainDetection(_ options: Options) throws(CPUIDSourceError) -> DropInDetection {
        try DropInDetection.detect(
            system: LinuxSystem(), plain: NativeCPUID(), pv: ForcedEmulationCPUID(), mode: options.scanMode)
    }

    /// The drop-in from the early entry: a plain run decides, prints and exits here. It returns,
    /// having printed nothing, when the run needs the full report (--json, --source) or the
    /// detection failed; main then runs the drop-in again with the runtime started, and reports.
    static func runEarly() {
        let options = parseOptions()
        guard !options.needsReport, let verdict = try? plainDetection(options) else { return }
        finish(verdict, options)
    }

    /// The drop-in from main.
    static func run() -> Never {
        let options = parseOptions()
        // One decision (DropInDetection), rendered as the line and the exit status, or inside the
        // full report as JSON.
        let verdict: DropInDetection
        do {
            if options.needsReport {
                let report = try makeReport(source: options.sourceText ?? "native", scanMode: options.scanMode)
                verdict = report.decision
                if options.json { StandardOutput.writeLine(report.json.rendered) }
            } else {
                verdict = try plainDetection(options)
            }
        } catch {
            fail(error)
        }
        finish(verdict, options)
    }

    /// The line (unless -q or --json) and the exit status.
    static func finish(_ verdict: DropInDetection, _ options: Options) -> Never {
        if !options.json && !options.quiet { StandardOutput.writeLine(verdict.line) }
        // xen-detect: `return expected && (expected != detected);`
        if let expected = options.expected, expected != verdict.outcome { ProcessEnd.exit(ExitStatus.mismatch.rawValue) }
        ProcessEnd.exit(ExitStatus.success.rawValue)
    }
}
