import ArgumentParser
import CPUIDProbe
import Fleet
import XenSystem

extension FactsFormat: ExpressibleByArgument {}

/// `xen-detect facts`: one fact document (JSON) for Ansible's facts.d or Facter's facts.d.
struct FactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facts",
        abstract: "Print the fact document for Ansible (default) or Facter (JSON; keys in the README).")

    @Option(name: .long, help: "ansible: the document (ansible_local.xen_detect); facter: {\"xen_detect\": document}.")
    var format: FactsFormat = .ansible

    @OptionGroup var sourceOptions: SourceOptions

    func run() throws {
        let report = try makeReport(source: sourceOptions.source, scanMode: sourceOptions.scanMode)
        print(report.facts(format: format, identity: readIdentity(source: sourceOptions.source),
                           toolVersion: toolkitVersion).addingFleetIO(readFleetIO(report, source: sourceOptions.source)).rendered)
    }
}

/// The identity is read only with the live source, as sysfs and /proc are (README, `--source`).
func readIdentity(source: String) -> GuestIdentity {
    (try? SourceSpecification(parsing: source))?.isLive == true ? GuestIdentity.read(LinuxSystem()) : .notRead
}
