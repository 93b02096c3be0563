import ArgumentParser
import CPUIDProbe
import XenSystem

/// `--source` and `--exhaustive`, shared by every report.
struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: "Where CPUID comes from: native, pv, devcpu[:N] or dump:FILE.")
    var source: String = "native"

    @Flag(name: .long, help: "Scan all 256 hypervisor bases instead of stopping at the first unused one.")
    var exhaustive = false

    var scanMode: ScanMode { exhaustive ? .exhaustive : .firstUnused }
}

/// Builds the report the drop-in's `--json` and `report` print.
func makeReport(source text: String, scanMode: ScanMode) throws -> ProbeReport {
    let system = LinuxSystem()
    let spec = try SourceSpecification(parsing: text)
    let source = try spec.open(system: system)
    switch spec {
    case .native:
        return try ProbeReport.probe(source: source, pv: ForcedEmulationCPUID(), system: system, mode: scanMode)
    case .pv:
        return try ProbeReport.probe(source: source, pv: nil, system: nil, mode: .firstBaseOnly)
    case .devcpu, .dump:
        return try ProbeReport.probe(source: source, pv: nil, system: nil, mode: scanMode)
    }
}
