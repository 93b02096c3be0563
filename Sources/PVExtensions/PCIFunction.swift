import XenSystem

/// A PCI function as sysfs shows it (/sys/bus/pci/devices/<address>, drivers/pci/pci-sysfs.c).
public struct PCIFunction: Sendable, Equatable {
    /// "0000:00:01.1".
    public let address: String
    /// `vendor`.
    public let vendor: UInt16
    /// `device`.
    public let device: UInt16
    /// `class`: base class, sub-class and programming interface (0x010180: IDE).
    public let classCode: UInt32
    /// The bound driver's name ("ata_piix"); nil when none is bound.
    public let driver: String?

    /// Values as given (tests).
    public init(address: String, vendor: UInt16, device: UInt16, classCode: UInt32, driver: String?) {
        self.address = address; self.vendor = vendor; self.device = device
        self.classCode = classCode; self.driver = driver
    }

    /// The Xen platform PCI device (vendor XenSource 0x5853, device 0x0001): QEMU's
    /// hw/i386/xen/xen_platform.c; Linux's xen-platform-pci binds it and unplugs the emulated
    /// devices through its I/O ports (arch/x86/xen/platform-pci-unplug.c).
    public static let xenPlatform = (vendor: UInt16(0x5853), device: UInt16(0x0001))

    /// True for the Xen platform PCI device.
    public var isXenPlatform: Bool { vendor == Self.xenPlatform.vendor && device == Self.xenPlatform.device }
    /// PCI base class 0x01: a mass storage controller.
    public var isStorage: Bool { classCode >> 16 == 0x01 }
    /// PCI base class 0x02: a network controller.
    public var isNetwork: Bool { classCode >> 16 == 0x02 }

    /// The emulated devices QEMU offers an HVM guest (and a few more), by vendor:device;
    /// nil for others. IDs from the PCI ID repository (pci.ids).
    public var knownName: String? {
        switch (vendor, device) {
        case (0x8086, 0x7010): return "PIIX3 IDE"
        case (0x8086, 0x7111): return "PIIX4 IDE"
        case (0x8086, 0x2922): return "ICH9 AHCI"
        case (0x8086, 0x100e): return "e1000"
        case (0x8086, 0x10d3): return "e1000e"
        case (0x10ec, 0x8139): return "rtl8139"
        case (0x1af4, 0x1000), (0x1af4, 0x1041): return "virtio-net"
        case (0x1af4, 0x1001), (0x1af4, 0x1042): return "virtio-blk"
        case (0x5853, 0x0001): return "Xen platform device"
        default: return nil
        }
    }

    /// "vendor:device" in four hex digits each ("8086:7010").
    public var ids: String { Self.hex4(vendor) + ":" + Self.hex4(device) }

    static func hex4(_ v: UInt16) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// Reads one function; nil when vendor, device or class is unreadable.
    static func read(_ system: some DirectoryCalls, address: String) -> PCIFunction? {
        let dir = SysfsPaths.pciDevices + "/" + address
        func hex(_ name: String) -> UInt64? {
            guard var text = system.readLine(dir + "/" + name) else { return nil }
            if text.hasPrefix("0x") { text.removeFirst(2) }
            return UInt64(text, radix: 16)
        }
        guard let v = hex("vendor"), let d = hex("device"), let c = hex("class"),
              let vendor = UInt16(exactly: v), let device = UInt16(exactly: d), let cls = UInt32(exactly: c) else { return nil }
        return PCIFunction(address: address, vendor: vendor, device: device, classCode: cls,
                           driver: (try? system.readLink(dir + "/driver")).map(SysfsPaths.lastComponent))
    }

    /// True when `text` has the form of a PCI address, "dddd:bb:dd.f" in hex.
    static func isAddress(_ text: Substring) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 12, u[4] == UInt8(ascii: ":"), u[7] == UInt8(ascii: ":"), u[10] == UInt8(ascii: ".") else { return false }
        let hexDigits = Set("0123456789abcdef".utf8)
        return [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { hexDigits.contains(u[$0]) } && (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(u[11])
    }
}
