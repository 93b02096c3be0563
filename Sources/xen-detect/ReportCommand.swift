import ArgumentParser
import CPUIDProbe
import Fleet

/// `xen-detect report`: the full report, for people (`--json` for machines).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print everything the probe learns: Xen's leaves, context, domain, the hypervisor stack.")

    @OptionGroup var sourceOptions: SourceOptions

    @Flag(name: .long, help: "Print JSON (the same as `xen-detect --json`).")
    var json = false

    func run() throws {
        let report = try makeReport(source: sourceOptions.source, scanMode: sourceOptions.scanMode)
        print(json ? report.json.addingFleetIO(readFleetIO(report, source: sourceOptions.source)).rendered : report.text)
    }
}
