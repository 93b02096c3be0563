import CPUIDProbe
import XenInterface
import XenStore
import XenSystem

/// The inventory of PV extensions and I/O devices of this guest: what Xen offers, what the
/// running kernel uses, and how each disk and NIC reaches its backend. One decision, rendered
/// as text (`text`) and JSON (`json`), and by the fleet's facts and metrics.
public struct ExtensionInventory: Sendable, Equatable {
    /// The guest type: "PV", "HVM", "PVH" (nil when unknown).
    public let context: String?
    /// One row per extension, in `PVExtensionName` order (mmu-operations only in PV guests,
    /// platform-pci only in HVM guests).
    public var extensions: [PVExtension]
    /// How event channels are delivered.
    public let delivery: EventChannelDelivery
    /// The grant table, as far as readable (`with(grantTable:)` puts the hypercalls' answer in).
    public var grantTable: GrantTableInfo
    /// The current clocksource (nil when unreadable).
    public let clocksource: String?
    /// Every block device and network interface that is not virtual, block devices first.
    public let devices: [IODevice]
    /// Every device on the xen bus.
    public let xenbus: [XenbusDevice]
    /// The devices on the xen bus with no frontend driver bound that no listed block device or
    /// NIC sits on (such as the PV twin of a kept emulated disk).
    public let unattached: [XenbusDevice]
    /// The emulated-device unplug policy and what remained on the PCI bus.
    public let unplug: UnplugPolicy
    /// The summary line.
    public let verdict: IOVerdict
    /// Odd states, one sentence each (no xen bus, a device not Connected, a frontend bound
    /// whose backend is gone).
    public let problems: [String]

    /// The row of `name`, if the inventory has one.
    public func row(_ name: PVExtensionName) -> PVExtension? { extensions.first { $0.name == name } }

    /// The names of the extensions in use (the fleet's list).
    public var inUse: [PVExtensionName] { extensions.filter { $0.inUse == true }.map(\.name) }

    /// The hook for self-tests: each row's `verified` is what `verifier` answers for its name
    /// (nil: not checked). The event-channel and grant-table self-tests plug in here.
    public func verified(by verifier: (PVExtensionName) -> PVVerification?) -> ExtensionInventory {
        var copy = self
        for i in copy.extensions.indices { copy.extensions[i].verified = verifier(copy.extensions[i].name) }
        return copy
    }

    /// The inventory with `grantTable` for the grant table (what GNTTABOP_get_version and
    /// GNTTABOP_query_size answered, or why they could not); every row stays as it was.
    public func with(grantTable: GrantTableInfo) -> ExtensionInventory {
        var copy = self
        copy.grantTable = grantTable
        return copy
    }

    /// Reads the inventory of the guest `report` describes (its context, sysfs and CPUID leaves);
    /// with `xenstore`, each xen bus device's backend too.
    public static func read(_ system: some DirectoryCalls, report: ProbeReport,
                            xenstore: (any XenStoreReading)? = nil) -> ExtensionInventory {
        read(system, context: report.context?.rawValue ?? report.sysfs?.guestContext?.rawValue,
             sysfs: report.sysfs, leaves: report.xen, xenstore: xenstore)
    }

    /// Reads the inventory: `context` the guest type, `sysfs` /sys/hypervisor as read,
    /// `leaves` Xen's CPUID leaves (nil in PV guests without forced emulation), `xenstore` where
    /// each xen bus device's backend is read (nil: not read).
    public static func read(_ system: some DirectoryCalls, context: String?, sysfs: SysfsHypervisor?,
                            leaves: XenLeaves?, xenstore: (any XenStoreReading)? = nil) -> ExtensionInventory {
        let facts = GuestFacts.read(system, context: context, sysfs: sysfs, leaves: leaves, xenstore: xenstore)
        return ExtensionInventory(facts: facts)
    }
}
