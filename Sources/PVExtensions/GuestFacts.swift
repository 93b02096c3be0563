import CPUIDProbe
import XenInterface
import XenStore
import XenSystem

/// Everything the inventory reads, read once; the decisions (ExtensionInventory+Decide.swift)
/// are pure functions of it.
struct GuestFacts: Sendable {
    var context: String?
    /// XENVER_get_features submap 0, from /sys/hypervisor/properties/features (public/features.h).
    var features: UInt32?
    var leaves: XenLeaves?
    var sysfsIsXen: Bool
    var clocksource: String?
    var availableClocksources: [String]
    var interrupts: InterruptsTable?
    var cmdline: [String]
    var hasXenBus: Bool
    var xenbus: [XenbusDevice]
    var xenDrivers: [String]
    var blockLinks: [(String, String)]
    var netLinks: [(String, String)]
    var pci: [PCIFunction]
    var balloon: (targetKB: String?, currentKB: String?)?
    var procXen: [String]?
    var devXen: [String]?
    /// Directories that could not be listed, with the error (other than "does not exist").
    var unreadable: [String]

    static func read(_ system: some DirectoryCalls, context: String?, sysfs: SysfsHypervisor?,
                     leaves: XenLeaves?, xenstore: (any XenStoreReading)?) -> GuestFacts {
        var unreadable: [String] = []
        func list(_ path: String) -> [String]? {
            do throws(SystemError) { return try system.listDirectory(path) } catch {
                if error.errno != .noSuchFile { unreadable.append(error.description) }
                return nil
            }
        }
        func links(_ dir: String) -> [(String, String)] {
            (list(dir) ?? []).compactMap { name in (try? system.readLink(dir + "/" + name)).map { (name, $0) } }
        }
        let features = sysfs?.features.flatMap { text -> UInt32? in
            let t = text.hasSuffix("\n") ? String(text.dropLast()) : text
            return UInt64(t, radix: 16).map { UInt32(truncatingIfNeeded: $0) }
        }
        let hasXenBus = system.isDirectory(SysfsPaths.xenBus)
        let xenbus = hasXenBus ? (list(SysfsPaths.xenBusDevices) ?? []).map { XenbusDevice.read(system, name: $0, xenstore: xenstore) } : []
        let balloon: (String?, String?)? = system.isDirectory(SysfsPaths.balloon)
            ? (system.readLine(SysfsPaths.balloon + "/target_kb"), system.readLine(SysfsPaths.balloon + "/info/current_kb"))
            : nil
        return GuestFacts(
            context: context, features: features, leaves: leaves, sysfsIsXen: sysfs?.isXen == true,
            clocksource: system.readLine(SysfsPaths.currentClocksource),
            availableClocksources: (system.readLine(SysfsPaths.availableClocksource) ?? "").split(separator: " ").map(String.init),
            interrupts: system.readSmallFile(SysfsPaths.interrupts).map { InterruptsTable(String(decoding: $0, as: UTF8.self)) },
            cmdline: (system.readLine(SysfsPaths.cmdline) ?? "").split(separator: " ").map(String.init),
            hasXenBus: hasXenBus, xenbus: xenbus,
            xenDrivers: hasXenBus ? (list(SysfsPaths.xenBusDrivers) ?? []) : [],
            blockLinks: links(SysfsPaths.block), netLinks: links(SysfsPaths.net),
            pci: (list(SysfsPaths.pciDevices) ?? []).compactMap { PCIFunction.read(system, address: $0) },
            balloon: balloon, procXen: list(SysfsPaths.procXen), devXen: list(SysfsPaths.devXen),
            unreadable: unreadable)
    }

    /// XENFEAT bit `n` of submap 0; nil when the features are unread.
    func feature(_ n: UInt32) -> Bool? { features.map { $0 & (1 << n) != 0 } }

    /// The value of `key=` on the kernel command line (the last one wins, as the kernel parses it).
    func cmdlineValue(_ key: String) -> String? {
        cmdline.last { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }
}
