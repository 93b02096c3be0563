import ArgumentParser
import CPUIDProbe
import Fleet
import XenSystem
#if canImport(Glibc)
import Glibc
#endif

/// `xen-detect metrics`: node_exporter textfile-collector metrics, on stdout or written atomically.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print Prometheus metrics for node_exporter's textfile collector (--textfile writes them atomically).")

    @Option(name: .long, help: "Write to PATH atomically (a temporary file in its directory, then rename), not stdout.")
    var textfile: String?

    @OptionGroup var sourceOptions: SourceOptions

    func run() throws {
        let report = try makeReport(source: sourceOptions.source, scanMode: sourceOptions.scanMode)
        let text = report.metricsText(toolVersion: toolkitVersion, now: Int(time(nil)))
            + (readFleetIO(report, source: sourceOptions.source)?.metricsText ?? "")
        if let textfile {
            try FileOutput.write(Array(text.utf8), to: textfile)
        } else {
            print(text, terminator: "")
        }
    }
}
