import ArgumentParser
import CPUIDProbe
import Fleet
import PVExtensions
import PVFoundations
import XenStore
import XenSystem

/// `xen-detect extensions`: which PV extensions Xen offers this guest and which its kernel uses,
/// each disk and NIC with its path to the backend (PV or emulated), and the I/O verdict.
struct ExtensionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extensions",
        abstract: "List the PV extensions (available, in use) and each disk and NIC: PV or emulated.",
        discussion: """
            Reads /sys/hypervisor, Xen's CPUID leaves, /proc/interrupts, the clocksource, \
            /sys/bus/xen, /sys/block, /sys/class/net and /sys/bus/pci, and (as root) the grant \
            table's version and frames (GNTTABOP_get_version, GNTTABOP_query_size through \
            /dev/xen/privcmd, read-only); changes nothing. The last \
            line is the verdict: "I/O: PV-on-HVM", "I/O: emulated (ioemu)", "I/O: mixed" or "PV". \
            With --selftest (root) it also runs the event-channel and grant-table self-tests and \
            fills their rows' "verified": passed, FAILED (the round trip failed) or not run (and \
            why); they release everything they allocate. The status stays 0 whatever they found \
            (run each self-test alone for its status), but for 128+N when signal N interrupted one. Keys of --json: docs/extensions.md.
            """)

    @Flag(name: .long, help: "Print JSON (keys in docs/extensions.md).")
    var json = false

    @Flag(name: .long, help: "Run the event-channel and grant-table self-tests and show their verdicts (root).")
    var selftest = false

    func run() throws {
        // The grant table's version and frames are not in sysfs: Xen answers them (read-only).
        var inventory = try readInventory().with(grantTable: GrantTableInfo.query(LinuxSystem()))
        if selftest {
            let system = LinuxSystem()
            let eventChannel = EventChannelSelfTest(system: system).run()
            let domain = SelfDomain.resolve(system: system, cpuid: NativeCPUID()) { try? XenStoreClient(system: system) }
            let grantTable = GrantTableSelfTest(system: system, domain: domain, hypercalls: system).run()
            inventory = inventory.verified(eventChannel: eventChannel, grantTable: grantTable)
            // A signal ends the command as it ends each self-test (both released everything).
            for case .interrupted(let signal)? in [eventChannel.failure, grantTable.failure] {
                printError(SelfTestFailure.interrupted(signal: signal).description)
                throw ExitCode(SelfTestExit.status(.interrupted(signal: signal)))
            }
        }
        print(json ? inventory.json.rendered : inventory.text)
    }
}

/// Not on Xen: nothing to inventory (status 69).
struct NotOnXen: ClassifiedError {
    var kind: FailureKind { .unavailable }
    var description: String { "not running on Xen: no PV extensions to list" }
}

/// The live guest's inventory (CPUID and sysfs); the report's decision names the context.
func readInventory() throws -> ExtensionInventory {
    let report = try makeReport(source: "native", scanMode: .firstUnused)
    guard report.xenDetected else { throw NotOnXen() }
    let system = LinuxSystem()
    return ExtensionInventory.read(system, report: report, xenstore: XenStoreClient.reader(system: system))
}

/// The fleet's hook (facts, metrics, the report's JSON): the verdict and the extensions in use
/// of the live guest; nil for another CPUID source or off Xen.
func readFleetIO(_ report: ProbeReport, source: String) -> FleetIO? {
    guard report.xenDetected, (try? SourceSpecification(parsing: source))?.isLive == true else { return nil }
    let inventory = ExtensionInventory.read(LinuxSystem(), report: report)
    return FleetIO(verdict: inventory.verdict.rawValue, extensionsInUse: inventory.inUse.map(\.rawValue))
}
