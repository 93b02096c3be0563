import ArgumentParser
import CPUIDProbe
import XenSystem

/// `xen-detect leaves`: the raw hypervisor leaves, in `cpuid -r` format or as JSON.
struct LeavesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaves",
        abstract: "Print the raw hypervisor CPUID leaves (cpuid -r format; --json for JSON).")

    @OptionGroup var sourceOptions: SourceOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let spec = try SourceSpecification(parsing: sourceOptions.source)
        let source = try spec.open(system: LinuxSystem())
        let mode: ScanMode = spec == .pv ? .firstBaseOnly : sourceOptions.scanMode
        let listing = try LeafListing.read(source, mode: mode)
        print(json ? listing.json.rendered : listing.dumpText)
    }
}
