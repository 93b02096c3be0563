import CPUIDProbe
import XenSystem

/// What fleets join on: the DMI identity the firmware published, the domain's UUID and its id.
/// Read through `SystemCalls` only (tests drive it with a recording fake). An HVM guest has
/// hvmloader's SMBIOS tables (xen/tools/firmware/hvmloader/smbios.c), so Linux publishes
/// /sys/class/dmi/id; PV and PVH guests boot without firmware tables and have no DMI at all.
package struct GuestIdentity: Equatable, Sendable {
    /// Linux's DMI directory (drivers/firmware/dmi-id.c).
    package static let dmiDirectory = "/sys/class/dmi/id"
    /// The domain handle Xen was given at creation (`xl list -l`'s "uuid"), published by Linux's
    /// drivers/xen/sys-hypervisor.c from XENVER_guest_handle.
    package static let uuidPath = "/sys/hypervisor/uuid"

    /// The four DMI strings fleets key on; each nil when its file is absent or unreadable.
    package struct DMI: Equatable, Sendable {
        package var sysVendor: String?
        package var productName: String?
        package var productVersion: String?
        package var biosVersion: String?
        package init(sysVendor: String? = nil, productName: String? = nil, productVersion: String? = nil,
                     biosVersion: String? = nil) {
            self.sysVendor = sysVendor; self.productName = productName
            self.productVersion = productVersion; self.biosVersion = biosVersion
        }
    }

    /// False when nothing of the host was read (an offline source: a dump, /dev/cpu, the PV view).
    package var read: Bool
    /// nil when /sys/class/dmi/id is not a directory (PV and PVH guests; or not read).
    package var dmi: DMI?
    /// /sys/hypervisor/uuid without its newline; nil when absent.
    package var uuid: String?

    package init(read: Bool, dmi: DMI? = nil, uuid: String? = nil) {
        self.read = read; self.dmi = dmi; self.uuid = uuid
    }

    /// Why a report has no DMI (`identity.dmiAbsent` of the fact document).
    package enum DMIAbsence: String, Sendable {
        /// Nothing of the host was read: the CPUID source is offline (a dump, /dev/cpu, the PV view).
        case notRead
        /// A Xen PV or PVH guest: it boots without firmware, and only HVM's hvmloader writes SMBIOS
        /// tables (tools/firmware/hvmloader/smbios.c), so Linux publishes no /sys/class/dmi/id.
        case noFirmwareTables
        /// /sys/class/dmi/id is absent for another reason (no SMBIOS, or a kernel without DMI).
        case noDMIDirectory
    }

    /// Why `dmi` is nil, given the guest's Xen context; nil when there is DMI.
    package func dmiAbsence(context: XenGuestContext?) -> DMIAbsence? {
        guard dmi == nil else { return nil }
        guard read else { return .notRead }
        return context == .pv || context == .pvh ? .noFirmwareTables : .noDMIDirectory
    }

    /// Nothing read: the report came from an offline source.
    package static let notRead = GuestIdentity(read: false)

    /// Reads the DMI strings and the UUID. Absent files stay nil; nothing else is touched.
    package static func read(_ system: any SystemCalls) -> GuestIdentity {
        var dmi: DMI? = nil
        if system.isDirectory(dmiDirectory) {
            func value(_ name: String) -> String? { system.readLine(dmiDirectory + "/" + name) }
            dmi = DMI(sysVendor: value("sys_vendor"), productName: value("product_name"),
                      productVersion: value("product_version"), biosVersion: value("bios_version"))
        }
        return GuestIdentity(read: true, dmi: dmi, uuid: system.readLine(uuidPath))
    }
}
