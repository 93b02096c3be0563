import CPUIDProbe
import Foundation
import PVExtensions
import XenStore
import XenSystem
import XenSystemTesting

/// The real recordings of Tests/PVExtensionsTests/Fixtures, made by the stage's
/// checks/45-extensions.sh in each environment (`xs-rec:` lines of its console log), named
/// after it: `xen-<release>-<environment>.sysfs.rec`.
enum Recorded {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let cpuidDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CPUIDProbeTests/Fixtures")

    /// The fake loaded with an environment's recording.
    static func system(_ name: String) throws -> RecordingDirectorySystem {
        let text = try String(contentsOf: directory.appendingPathComponent(name + ".sysfs.rec"), encoding: .utf8)
        let s = RecordingDirectorySystem()
        try s.load(recording: text)
        return s
    }

    /// Xen's CPUID leaves from a CPUID recording of Tests/CPUIDProbeTests/Fixtures.
    static func leaves(_ cpuidFixture: String) throws -> XenLeaves? {
        let text = try String(contentsOf: cpuidDirectory.appendingPathComponent(cpuidFixture), encoding: .utf8)
        let source = try CPUIDDump(parsing: text).source(name: cpuidFixture)!
        return try ProbeReport.probe(source: source, pv: nil, system: nil).xen
    }

    /// The inventory of a recorded environment; the context is its /sys/hypervisor/guest_type.
    static func inventory(_ name: String, cpuid: String? = nil, xenstore: (any XenStoreReading)? = nil) throws -> ExtensionInventory {
        let system = try system(name)
        let sysfs = SysfsHypervisor.read(system)
        return ExtensionInventory.read(system, context: sysfs?.guestContext?.rawValue, sysfs: sysfs,
                                       leaves: try cpuid.flatMap(leaves), xenstore: xenstore)
    }
}
