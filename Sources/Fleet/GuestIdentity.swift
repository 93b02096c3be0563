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
